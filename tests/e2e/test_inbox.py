"""The inbox in a real browser: an escalation reaches the next team's inbox, the
unread count shows in the navigation, opening a message marks it read."""

import pytest
from playwright.sync_api import expect

from escalations.services import escalate
from tests.factories import create_ticket
from tests.notifications.test_recipients import HANDOFF
from tickets.models import User

pytestmark = pytest.mark.e2e


def test_escalation_reaches_the_next_teams_inbox(page, log_in, network_path, policy):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2, title="Core switch down")
    escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Needs network engineering", **HANDOFF
    )

    log_in(page, "agent2")
    badge = page.locator("#unread-count")
    expect(badge).to_have_text("1")
    page.locator("#inbox-link").click()
    item = page.locator("#notifications [data-notification]")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"[{ticket.reference}] Escalated to L2: Core switch down")
    # One line per item; the hand-off is on the escalation page.
    expect(item).to_contain_text("The ticket was escalated from L1 to L2")
    item.get_by_role("button", name="Open").click()
    # The message leads to the escalation, with its hand-off.
    expect(page.get_by_role("heading", name="L1 → L2")).to_be_visible()
    expect(page.get_by_text("Needs network engineering")).to_be_visible()
    expect(page.locator("#unread-count")).to_have_count(0)

    page.goto("/notifications/preferences/")
    row = page.get_by_role("row", name="Escalated to the next level")
    row.get_by_role("checkbox").nth(1).uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("preferences are saved")
    expect(
        page.get_by_role("row", name="Escalated to the next level").get_by_role("checkbox").nth(1)
    ).not_to_be_checked()


def test_the_inbox_gives_the_subject_the_full_width_on_a_phone_in_polish(
    page, log_in, network_path, policy
):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2, title="Checkout fails for every shopper")
    escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Needs network engineering", **HANDOFF
    )
    agent2 = User.objects.get(username="agent2")
    agent2.language = "pl"  # the longest action labels of the languages
    agent2.save(update_fields=["language"])
    log_in(page, "agent2")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/notifications/")
    link = page.locator("#notifications .inbox-link").first
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The subject spans the item, not a sliver beside the time and the actions.
    item = page.locator("#notifications [data-notification]").first.bounding_box()
    assert link.locator("xpath=..").bounding_box()["width"] > item["width"] * 0.8
