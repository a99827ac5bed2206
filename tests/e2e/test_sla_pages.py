"""SLA in a real browser: badges in the queue, clocks and priority override on the ticket."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalations.models import BusinessCalendar, SlaClock, SlaPolicy
from escalations.services.sla.urgency import ticket_urgency_refresh
from tests.factories import create_ticket

pytestmark = pytest.mark.e2e


@pytest.fixture
def policies(db):
    always = BusinessCalendar.objects.create(name="24x7", is_24x7=True)
    SlaPolicy.objects.create(
        name="Fallback", first_response_minutes=60, resolution_minutes=480, calendar=always
    )
    SlaPolicy.objects.create(
        name="P1", priority="P1", first_response_minutes=15, resolution_minutes=120, calendar=always
    )


def test_queue_puts_the_nearest_due_first_and_flags_breaches(page, log_in, agent, policies):
    calm = create_ticket(agent, title="Calm")
    urgent = create_ticket(agent, title="Urgent", impact=1, urgency=1)
    late = create_ticket(agent, title="Late")
    SlaClock.objects.filter(ticket=late, metric="first_response").update(
        due_at=late.created_at, next_action_at=late.created_at
    )
    # The clock services keep the queue's sort key; this test wrote the clock itself.
    ticket_urgency_refresh(ticket_ids=[late.pk], now=timezone.now())
    log_in(page, "agent1")
    rows = page.locator("#queue tr[data-ticket]")
    expect(rows.first).to_have_attribute("data-ticket", late.reference)
    expect(rows.nth(1)).to_have_attribute("data-ticket", urgent.reference)
    expect(rows.nth(2)).to_have_attribute("data-ticket", calm.reference)
    expect(rows.first.locator('[data-state="breached"]')).to_have_count(1)

    page.get_by_label("SLA").select_option("breached")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#queue tr[data-ticket]")).to_have_count(1)


def test_ticket_page_shows_clocks_and_takes_a_priority_by_hand(page, log_in, agent, policies):
    ticket = create_ticket(agent, title="Printer jam")
    log_in(page, "agent1")
    page.goto(ticket.get_absolute_url())
    panel = page.locator("#sla-clocks")
    expect(panel.locator('[data-metric="first_response"]')).to_contain_text("due in")
    expect(panel.locator('[data-state="on_track"]')).to_have_count(2)

    page.locator("#priority-by-hand summary").click()
    page.locator("#priority-override").get_by_label("Priority").select_option("P1")
    page.locator("#priority-override").get_by_role("button", name="Set priority").click()
    # without a reason the browser keeps the form (the server refuses it too)
    expect(page.locator("#priority-override input:invalid")).to_have_count(1)

    page.locator("#priority-override").get_by_label("Reason").fill("Whole floor is blocked")
    page.locator("#priority-override").get_by_role("button", name="Set priority").click()
    expect(page.locator(".alert-success")).to_contain_text("Priority updated")
    expect(page.locator("#timeline")).to_contain_text("Whole floor is blocked")
    ticket.refresh_from_db()
    assert ticket.priority == "P1"
