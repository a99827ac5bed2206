"""What resolving a ticket does to its escalations."""

import pytest

from escalations import selectors
from escalations.services import escalate
from tests.escalations.data import HANDOFF, user
from tests.factories import create_ticket
from tickets import services


@pytest.fixture
def pending(network_path, policy):
    ticket = create_ticket(user("agent1"))  # P3: L2 needs approval
    return escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF)


def test_resolving_a_ticket_closes_its_pending_requests(pending, api_as, client):
    boss = user("manager")
    assert list(selectors.approvals_for(user=boss)) == [pending]
    services.ticket_transition(ticket=pending.ticket, actor=user("agent1"), status="resolved")

    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("rejected", None)
    assert pending.rejection_reason == "The ticket was resolved before a decision."
    assert pending.rejection_reason_key == "escalation.resolved_first"
    assert pending.closed_at is not None
    assert list(selectors.approvals_for(user=boss)) == []
    event = pending.ticket.events.filter(kind="escalation").last()
    assert (event.actor, event.field) == (None, f"escalation:{pending.pk}")
    assert "withdrawn" in event.note

    approve = api_as(boss).post(f"/api/v1/escalations/{pending.pk}/approve/")
    assert approve.status_code == 400
    client.force_login(boss)
    assert (
        f"/escalations/{pending.pk}/" not in client.get("/escalations/approvals/").content.decode()
    )


def test_a_reopened_ticket_can_be_escalated_again(pending):
    ticket = pending.ticket
    services.ticket_transition(ticket=ticket, actor=user("agent1"), status="resolved")
    services.ticket_transition(ticket=ticket, actor=user("agent1"), status="open")
    again = escalate.escalation_request(
        ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF
    )
    assert again.status == "requested"


def test_a_withdrawn_request_says_why_in_the_readers_language(pending, api_as, client):
    from django.utils import translation

    with translation.override("pl"):  # the agent resolving it reads Polish
        services.ticket_transition(ticket=pending.ticket, actor=user("agent1"), status="resolved")
    pending.refresh_from_db()
    assert pending.rejection_reason == "The ticket was resolved before a decision."
    boss = user("manager")
    boss.language = "ru"
    boss.save(update_fields=["language"])
    with translation.override("ru"):
        russian = translation.gettext("The ticket was resolved before a decision.")
    assert russian != pending.rejection_reason
    data = api_as(boss).get(f"/api/v1/escalations/{pending.pk}/").json()
    assert (data["rejection_reason"], data["rejection_reason_key"]) == (
        russian,
        "escalation.resolved_first",
    )
    client.force_login(boss)
    assert russian in client.get(f"/escalations/{pending.pk}/").content.decode()
    event = pending.ticket.events.filter(kind="escalation").last()
    assert event.note == (
        "Escalation request withdrawn: The ticket was resolved before a decision."
    )
