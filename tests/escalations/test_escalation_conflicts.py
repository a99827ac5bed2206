"""Requests that clash with the state of the data answer 4xx with a message, and
leave nothing half-saved."""

import pytest
from django.utils import timezone

from escalations.models import Escalation, EscalationReview
from escalations.services import escalate, managed
from tests.factories import create_ticket
from tickets.models import TicketEvent, User

HANDOFF = {
    "summary": "Core switch flapping",
    "steps_taken": "Rebooted the access switch",
    "impact_assessment": "Office offline",
    "customer_context": "Acme Retail, quarter-end",
    "time_constraints": "Payroll at 16:00",
    "assistance_requested": "Check the core switch",
}
REVIEW = {
    "root_cause": "Bad firmware",
    "root_cause_category": "hardware",
    "effectiveness": 4,
    "handoff_quality": 5,
    "customer_satisfaction": 4,
}


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def closed_and_open(network_path):
    """A ticket whose first managed escalation is closed and a second one is open."""
    boss = user("manager")
    ticket = create_ticket(user("agent1"), title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    first = Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)
    managed.review_submit(escalation=first, actor=boss, data=REVIEW)
    managed.managed_close(escalation=first, actor=boss, closure_note="Fixed", customer_agreed=True)
    second = managed.managed_open(
        ticket=ticket,
        actor=boss,
        trigger=Escalation.Trigger.MANUAL,
        reason="It is back",
        now=timezone.now(),
    )
    assert second is not None
    return first, second


def test_reopening_a_closed_managed_escalation_while_another_is_open_is_refused(
    closed_and_open, api_as, client
):
    first, second = closed_and_open
    events = TicketEvent.objects.count()
    response = api_as(user("manager")).post(
        f"/api/v1/escalations/{first.pk}/reopen/", {"reason": "Came back"}, format="json"
    )
    assert response.status_code == 400
    assert f"#{second.pk}" in str(response.json()["status"])

    client.force_login(user("manager"))
    page = client.post(f"/escalations/{first.pk}/reopen/", {"reason": "Came back"})
    assert page.status_code == 400
    assert f"Managed escalation #{second.pk} of this ticket is open" in page.content.decode()

    first.refresh_from_db()
    assert (first.status, first.closed_at is not None) == ("closed", True)
    assert TicketEvent.objects.count() == events


def test_reopening_a_closed_managed_escalation_alone_works(closed_and_open):
    first, second = closed_and_open
    boss = user("manager")
    EscalationReview.objects.filter(escalation=second).delete()
    Escalation.objects.filter(pk=second.pk).update(status="closed", closed_at=timezone.now())
    reopened = managed.managed_reopen(escalation=first, actor=boss, reason="Came back")
    assert (reopened.status, reopened.closed_at) == ("active", None)
