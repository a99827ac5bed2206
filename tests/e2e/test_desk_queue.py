"""The queue in a real browser: take it, bulk assign, saved views, the refresh."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import create_ticket
from tickets.models import SavedView, Ticket

pytestmark = pytest.mark.e2e


@pytest.fixture
def tickets(agent, l1_team, policy):
    return [create_ticket(agent, title=f"Printer {n} jammed", team=l1_team) for n in range(3)]


def row(page, ticket):
    return page.locator(f'#queue tr[data-ticket="{ticket.reference}"]')


def test_take_it_in_one_click(page, log_in, agent, tickets):
    log_in(page, "agent1")
    row(page, tickets[0]).get_by_role("button", name="Take it").click()
    expect(page.locator(".alert-success")).to_contain_text(f"{tickets[0].reference} is yours")
    expect(row(page, tickets[0])).to_contain_text(agent.get_full_name())
    expect(row(page, tickets[0]).get_by_role("button", name="Take it")).to_have_count(0)
    assert Ticket.objects.get(pk=tickets[0].pk).assignee == agent


def test_bulk_assign_the_ticked_tickets(page, log_in, agent, tickets):
    log_in(page, "agent1")
    page.locator(f"#pick-{tickets[0].pk}").check()
    page.locator(f"#pick-{tickets[2].pk}").check()
    page.locator("#bulk-action").select_option("assign")
    page.locator("#bulk-assignee").select_option(str(agent.pk))
    page.locator("#bulk-apply").click()
    expect(page.locator(".alert-success")).to_contain_text("Changed 2 tickets")
    assigned = set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True))
    assert assigned == {tickets[0].pk, tickets[2].pk}


def test_save_a_view_and_come_back_to_it(page, log_in, agent, tickets):
    SavedView.objects.get_or_create(
        owner=None, key="waiting", defaults={"name": "Waiting", "query": "status=pending"}
    )
    log_in(page, "agent1")
    page.goto("/?sort=-reference")
    page.locator("#save-view summary").click()
    page.locator("#view-name").fill("Newest first")
    page.locator("#save-view").get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("Newest first")
    page.goto("/")
    page.locator("#saved-views").get_by_role("link", name="Newest first").click()
    expect(page).to_have_url(re.compile(r"/\?sort=-reference$"))
    refs = page.locator("#queue tr[data-ticket]").evaluate_all(
        "rs => rs.map(r => r.dataset.ticket)"
    )
    assert refs == [t.reference for t in reversed(tickets)]
    expect(page.locator("#saved-views")).to_contain_text("Waiting on the customer")


def test_the_list_refreshes_without_losing_the_ticks(page, log_in, agent, tickets, settings):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    log_in(page, "agent1")
    page.locator(f"#pick-{tickets[1].pk}").check()
    newcomer = create_ticket(agent, title="Arrived meanwhile", team=tickets[0].team)
    # What the 30-second poll does, now.
    page.evaluate(
        "htmx.ajax('GET', location.pathname + location.search, "
        "{target: '#queue-results', select: '#queue-results', swap: 'outerHTML'})"
    )
    expect(row(page, newcomer)).to_be_visible()
    expect(page.locator(f"#pick-{tickets[1].pk}")).to_be_checked()
    assert refused == []  # htmx runs under the strict Content-Security-Policy


def test_pages_past_the_count_cap_lead_through_every_ticket(
    page, log_in, agent, l1_team, monkeypatch
):
    from config.paging import CappedPaginator
    from tests.factories import TicketFactory

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    made = TicketFactory.create_batch(30, team=l1_team, assignee=agent)
    log_in(page, "agent1")
    # An estimate on PostgreSQL ("Page 1 of about ..."), exact elsewhere.
    expect(page.locator("#queue-page")).to_contain_text(re.compile(r"Page 1 of (about )?\d"))
    expect(page.locator("#queue tbody tr")).to_have_count(25)
    page.get_by_role("link", name="Next").click()
    expect(page.locator("#queue tbody tr")).to_have_count(len(made) - 25)
    expect(page.get_by_role("link", name="Next")).to_have_count(0)
    expect(page.get_by_role("link", name="Previous")).to_have_count(1)
