"""Status updates in a real browser: the composer on the ticket page shows the plan
and sends to the audiences left checked; the escalation manager sends one from
the escalation page."""

import re

import pytest
from playwright.sync_api import expect

from escalations.models import Escalation
from escalations.services import managed
from notifications.models import Delivery, Notification, StatusUpdate
from tests.factories import CommunicationPlanFactory, UserFactory, create_ticket
from tickets.models import User

pytestmark = pytest.mark.e2e


@pytest.fixture
def outage(network_path, requester):
    CommunicationPlanFactory(priority="P1", audiences=["requester", "management"])
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(
        agent1, impact=1, urgency=1, title="Warsaw offline", requester_email=requester.email
    )
    return ticket


def test_agent_sends_an_update_to_the_audiences_left_checked(page, log_in, outage, shots_dir):
    log_in(page, "agent1")
    page.goto(outage.get_absolute_url())
    panel = page.locator("#status-update")
    expect(panel.locator("#communication-plan")).to_contain_text("P1: an update every 30 min")
    # Relative ("due in 30 minutes"), the exact time in the viewer's zone on hover.
    expect(panel.locator("#update-due")).to_contain_text("due in")
    expect(panel.locator("#update-due time")).to_have_attribute("title", re.compile("UTC"))
    panel.locator("#compose-update summary").click()
    expect(panel.get_by_label("Requester")).to_be_checked()
    expect(panel.get_by_label("Management chain")).to_be_checked()
    expect(panel.get_by_label("Organization contacts")).not_to_be_checked()
    panel.get_by_label("Management chain").uncheck()
    panel.get_by_label("Update").fill("The core switch is replaced; back up by 10:00.")
    page.screenshot(path=shots_dir / "status-update-composer.png", full_page=True)
    panel.get_by_role("button", name="Send update").click()

    expect(page.get_by_role("alert")).to_contain_text("Status update sent.")
    expect(page.locator("#status-updates [data-status-update]")).to_have_count(1)
    expect(page.locator("#status-updates")).to_contain_text("back up by 10:00")
    assert set(
        Notification.objects.filter(kind="update.sent").values_list(
            "recipient__username", flat=True
        )
    ) == {"customer"}
    assert set(
        Delivery.objects.filter(kind="update.sent", channel="email").values_list(
            "address", flat=True
        )
    ) == {"customer@acme.example"}


def test_a_missing_text_is_shown_on_the_composer(page, log_in, outage):
    log_in(page, "agent1")
    page.goto(outage.get_absolute_url())
    panel = page.locator("#status-update")
    panel.locator("#compose-update summary").click()
    panel.get_by_label("Update").fill("   ")
    with page.expect_navigation():  # the answer page, not the form before it was sent
        panel.get_by_role("button", name="Send update").click()
    expect(page.locator("#status-update #compose-update")).to_have_attribute("open", "")
    expect(page.locator("#status-update")).to_contain_text("This field is required.")
    assert not StatusUpdate.objects.exists()


def test_escalation_manager_sends_from_the_escalation_page(page, log_in, network_path, outage):
    director = UserFactory(username="director")
    network_path.teams["MGMT"].members.add(director)
    escalation = managed.managed_escalation_open(
        ticket=outage,
        actor=User.objects.get(username="agent1"),
        trigger="manual",
        reason="VIP outage",
        now=outage.created_at,
    )
    Escalation.objects.filter(pk=escalation.pk).update(manager=director)

    log_in(page, "director")
    page.goto(f"/escalations/{escalation.pk}/")
    panel = page.locator("#status-update")
    panel.locator("#compose-update summary").click()
    panel.get_by_label("Update").fill("Management is on it.")
    panel.get_by_role("button", name="Send update").click()

    expect(page.get_by_role("alert")).to_contain_text("Status update sent.")
    expect(page).to_have_url(f"/escalations/{escalation.pk}/")
    expect(page.locator("#status-updates")).to_contain_text("Management is on it.")
    update = StatusUpdate.objects.get()
    assert (update.escalation_id, update.author) == (escalation.pk, director)
