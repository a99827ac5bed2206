"""Escalations in a real browser: an agent escalates with the hand-off, the manager
approves it from the approvals queue, then works a managed escalation to its close."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalations.models import ActionItem, Escalation, EscalationReview
from escalations.services import escalate, managed_team
from tests.factories import OrganizationFactory, create_ticket
from tickets.models import User

pytestmark = pytest.mark.e2e

HANDOFF = {
    "Summary": "VPN drops every hour for the Warsaw office",
    "Steps already taken": "Re-issued certificates, checked the client version",
    "Impact assessment": "40 people lose their sessions hourly",
    "Customer context": "Acme Retail, quarter-end close this week",
    "Time constraints": "Needs a fix before Friday",
    "Assistance requested": "Check the concentrator's tunnel logs",
}
SERVICE_HANDOFF = {
    "summary": "Concentrator keeps dropping tunnels",
    "steps_taken": "Tunnel logs checked, firmware known bad",
    "impact_assessment": "Warsaw office loses VPN hourly",
    "customer_context": "Acme Retail, quarter-end",
    "time_constraints": "Friday",
    "assistance_requested": "Vendor escalation and a change window",
}


def named(username: str, first: str, last: str) -> User:
    user = User.objects.get(username=username)
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def people(network_path):
    return {
        "agent1": named("agent1", "Ola", "Nowak"),
        "agent2": named("agent2", "Jan", "Wiśniewski"),
        "manager": named("manager", "Maria", "Kowalska"),
    }


def local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def test_escalate_approve_and_work_a_managed_escalation(new_page, log_in, people):
    ticket = create_ticket(people["agent1"], title="VPN drops every hour")  # P3
    page = log_in(new_page(), "agent1")
    page.goto(ticket.get_absolute_url())
    page.locator("#escalate summary").click()
    form = page.locator("#escalate-form")
    form.get_by_label("Level 2 · Network Engineering (needs its manager's approval)").check()
    form.get_by_label("Reason").fill("Beyond what the service desk can see")
    for label, value in HANDOFF.items():
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="Escalate").click()
    expect(page.locator(".alert-success")).to_contain_text("awaits the approval")
    expect(page.locator('#ticket-escalations [data-status="requested"]')).to_be_visible()
    request = Escalation.objects.get()
    assert (request.status, request.summary) == ("requested", HANDOFF["Summary"])

    # The manager of Network Engineering approves it from the queue.
    boss = log_in(new_page(), "manager")
    boss.get_by_role("link", name="Approvals", exact=True).click()
    card = boss.locator(f'[data-escalation="{request.pk}"]')
    expect(card).to_contain_text(HANDOFF["Time constraints"])
    card.get_by_role("button", name="Approve").click()
    expect(boss.locator(".alert-success")).to_contain_text("Approved")
    expect(boss.locator("#no-approvals")).to_be_visible()
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name) == ("L2", "Network Engineering")

    # Network Engineering brings management in: a managed escalation, run by the manager.
    escalate.escalation_request(
        ticket=ticket, actor=people["agent2"], to_tier="MGMT", reason="Vendor", **SERVICE_HANDOFF
    )
    managed_one = Escalation.objects.get(kind="hierarchical")
    boss.get_by_role("link", name="Escalations", exact=True).click()
    boss.get_by_label("Show").select_option("mine")
    boss.get_by_role("button", name="Filter").click()
    expect(boss.locator("#escalations tr[data-escalation]")).to_have_count(1)
    boss.locator(f'tr[data-escalation="{managed_one.pk}"]').get_by_role("link").first.click()
    expect(boss.locator("#escalation-manager")).to_have_text("Maria Kowalska")

    boss.locator("#add-action summary").click()
    action = boss.locator("#action-form")
    action.get_by_label("Action").fill("Replace the concentrator firmware")
    action.get_by_label("Owner").select_option(label="Jan Wiśniewski")
    action.get_by_label("Due").fill(local(timezone.now() + timedelta(hours=4)))
    action.get_by_role("button", name="Add action").click()
    row = boss.locator("#action-plan tr[data-action]")
    expect(row).to_contain_text("Replace the concentrator firmware")
    row.get_by_role("button", name="Done").click()
    expect(boss.locator("#action-plan s")).to_have_text("Replace the concentrator firmware")

    monitor = boss.locator("#monitor-form")
    monitor.get_by_label("Monitor until").fill(local(timezone.now() + timedelta(days=2)))
    monitor.get_by_role("button", name="Start monitoring").click()
    expect(boss.locator("#escalation-status")).to_have_text("Monitoring")

    review = boss.locator("#review-form")
    review.get_by_label("Root cause").fill("Known firmware bug in the concentrator")
    review.get_by_label("Root-cause category").select_option("vendor")
    review.get_by_label("Lessons learned").fill("Track vendor advisories")
    review.get_by_label("Effectiveness").select_option("4")
    review.get_by_label("Hand-off quality").select_option("5")
    review.get_by_label("Customer satisfaction").select_option("4")
    review.get_by_role("button", name="Submit the review").click()
    expect(boss.locator("#review-submitted")).to_contain_text("Known firmware bug")

    close = boss.locator("#close-form")
    close.get_by_label("Closure note").fill("Stable for two days; the customer confirmed.")
    close.get_by_label("The customer agreed to close").check()
    close.get_by_role("button", name="Close the escalation").click()
    expect(boss.locator("#escalation-status")).to_have_text("Closed")
    expect(boss.locator("#escalation-facts")).to_contain_text("The customer agreed.")

    managed_one.refresh_from_db()
    assert (managed_one.status, managed_one.customer_agreed) == ("closed", True)
    assert ActionItem.objects.get().done_at is not None
    assert EscalationReview.objects.get(escalation=managed_one).effectiveness == 4


def test_screenshots_of_the_escalate_form_and_an_escalation(new_page, log_in, people, shots_dir):
    acme = OrganizationFactory(name="Acme Retail")
    ticket = create_ticket(
        people["agent1"], title="VPN drops every hour", organization=acme, impact=2, urgency=3
    )
    page = log_in(new_page(), "agent1")
    page.goto(ticket.get_absolute_url())
    page.locator("#escalate summary").click()
    for label, value in HANDOFF.items():
        page.locator("#escalate-form").get_by_label(label).fill(value)
    page.screenshot(path=shots_dir / "ticket-escalate.png", full_page=True)

    boss = people["manager"]
    escalate.escalation_request(
        ticket=ticket, actor=people["agent1"], to_tier="MGMT", reason="Vendor", **SERVICE_HANDOFF
    )
    esc = Escalation.objects.get(kind="hierarchical")
    managed_team.escalation_member_add(
        escalation=esc, actor=boss, role="incident_owner", user=people["agent2"]
    )
    managed_team.escalation_member_add(
        escalation=esc,
        actor=boss,
        role="provider_contact",
        name="Acme NOC",
        contact="noc@acme.example",
    )
    soon = timezone.now() + timedelta(hours=3)
    done = managed_team.action_item_add(
        escalation=esc, actor=boss, description="Collect tunnel logs", owner=people["agent2"]
    )
    managed_team.action_item_mark_done(item=done, actor=boss)
    managed_team.action_item_add(
        escalation=esc, actor=boss, description="Open a vendor case", owner=boss, due_at=soon
    )
    page = log_in(new_page(), "manager")
    page.goto(f"/escalations/{esc.pk}/")
    expect(page.locator("#action-plan tr[data-action]")).to_have_count(2)
    page.screenshot(path=shots_dir / "escalation-detail.png", full_page=True)
    page.goto("/escalations/")
    page.screenshot(path=shots_dir / "escalation-list.png", full_page=True)

    other = create_ticket(people["agent1"], title="Printer queue stuck", organization=acme)
    escalate.escalation_request(
        ticket=other, actor=people["agent1"], to_tier="L2", reason="Driver issue", **SERVICE_HANDOFF
    )
    page.goto("/escalations/approvals/")
    expect(page.locator("[data-escalation]")).to_have_count(1)
    page.screenshot(path=shots_dir / "escalation-approvals.png", full_page=True)
