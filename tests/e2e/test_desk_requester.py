"""The requester's side in a real browser: their request, a clean timeline, no
internals, and closing their own resolved ticket."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tickets import services
from tickets.models import Status, Ticket, User

pytestmark = pytest.mark.e2e


def test_the_requester_sees_a_clean_ticket_and_closes_it(page, log_in, network_path, policy):
    customer = UserFactory(username="customer", email="customer@acme.example")
    agent1 = User.objects.get(username="agent1")
    ticket = services.ticket_create(
        actor=customer, title="Cannot print invoices", description="Since this morning."
    )
    services.comment_add(
        ticket=ticket, actor=agent1, body="Vendor case 1234 opened", is_public=False
    )
    services.comment_add(ticket=ticket, actor=agent1, body="We replaced the toner.", is_public=True)
    services.ticket_transition(
        ticket=ticket, actor=agent1, status=Status.RESOLVED, note="Escalated to vendor"
    )
    log_in(page, "customer")
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    expect(page.locator("#priority")).to_have_count(0)
    expect(page.locator("#sla_status")).to_have_count(0)
    expect(page.locator("nav")).not_to_contain_text("API")
    page.goto(ticket.get_absolute_url())
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("We replaced the toner.")
    expect(timeline).not_to_contain_text("Vendor case 1234")
    expect(timeline).not_to_contain_text("Escalated to vendor")
    expect(page.locator("body")).not_to_contain_text("Service Desk")
    expect(page.locator('[data-metric="level"]')).to_have_count(0)
    page.locator("#close-request").click()
    expect(page.locator("#ticket-status")).to_have_text("Closed")
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_a_resolved_request_asks_first_on_a_phone(page, log_in, network_path, policy):
    """Is the problem solved? is asked where the page opens, not below the side panels."""
    customer = UserFactory(username="customer", email="customer@acme.example")
    agent1 = User.objects.get(username="agent1")
    ticket = services.ticket_create(
        actor=customer, title="Cannot print invoices", description="Since this morning."
    )
    services.comment_add(ticket=ticket, actor=agent1, body="We replaced the toner.", is_public=True)
    services.ticket_transition(ticket=ticket, actor=agent1, status=Status.RESOLVED)
    log_in(page, "customer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(ticket.get_absolute_url())
    question = page.locator("#requester-resolved")
    expect(question).to_contain_text("Is your problem solved?")
    expect(question.locator("#close-request")).to_be_in_viewport()
    expect(question.locator("#reopen-request")).to_be_in_viewport()
    page.locator("#reopen-request").click()
    expect(page.locator("#ticket-status")).to_have_text("Open")
    expect(page.locator("#requester-resolved")).to_have_count(0)
