"""Duty in a real browser: the escalation directory (search, who is on duty, how
to reach them) and a team's schedule, on a desktop and on a 390 px phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalations.models import DutyProfile
from tests.duty.helpers import H, on_duty, second_l1_team
from tickets.models import Team, User

pytestmark = pytest.mark.e2e


@pytest.fixture
def regions(network_path):
    now = timezone.now()
    emea = Team.objects.get(name="Service Desk")
    apac = second_l1_team(network_path)
    on_duty(emea, (now - H, now + 2 * H))
    on_duty(apac, (now + 2 * H, now + 10 * H))
    DutyProfile.objects.create(user=User.objects.get(username="agent1"), phone="+48 600 111 222")
    for user in User.objects.all():
        user.set_password("pw")
        user.save()
    return emea, apac


def test_directory_search_and_schedule(page, log_in, regions, shots_dir):
    emea, apac = regions
    log_in(page, "agent1")
    page.get_by_role("link", name="On duty").click()
    directory = page.locator("#directory")
    emea_row = directory.locator(f'tr[data-team="{emea.pk}"]')
    expect(emea_row.locator(".duty-state")).to_have_text("On duty")
    expect(emea_row.get_by_role("link", name="+48 600 111 222")).to_be_visible()
    expect(directory.locator(f'tr[data-team="{apac.pk}"] .duty-state')).to_have_text("Off duty")

    page.get_by_label("Search teams, levels and people").fill("apac")
    page.get_by_role("button", name="Search").click()
    expect(directory.locator("tbody tr")).to_have_count(1)
    page.screenshot(path=str(shots_dir / "duty-directory.png"), full_page=True)

    directory.get_by_role("link", name="Service Desk APAC").click()
    expect(page.get_by_role("heading", name="Schedule of Service Desk APAC")).to_be_visible()
    expect(page.locator("#duty-grid tbody tr")).to_have_count(14)
    expect(page.locator("#duty-grid td.duty-on").first).to_be_visible()
    page.screenshot(path=str(shots_dir / "duty-schedule.png"), full_page=True)


def test_duty_pages_fit_a_phone(new_page, log_in, regions, shots_dir):
    emea, _apac = regions
    page = new_page()
    log_in(page, "agent1")
    page.set_viewport_size({"width": 390, "height": 844})
    for url, name in [("/duty/", "directory"), (f"/duty/teams/{emea.pk}/", "schedule")]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"
        page.screenshot(path=str(shots_dir / f"duty-{name}-phone.png"), full_page=True)
    expect(page.locator("#duty-grid")).to_be_visible()
