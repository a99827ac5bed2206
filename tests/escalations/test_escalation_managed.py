"""Managed escalations: how they open when a ticket reaches management, and who
may make them active again."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from escalations.models import HANDOFF_FIELDS, Escalation
from escalations.services import escalate, managed
from escalations.services.sweep import sla_sweep
from tests.escalations.data import HANDOFF, user
from tests.factories import create_ticket
from tickets import services


@pytest.fixture
def monitoring(network_path, policy):
    """A managed escalation in monitoring, its ticket resolved."""
    boss = user("manager")
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    managed.managed_escalation_monitor(
        escalation=escalation, actor=boss, until=timezone.now() + timedelta(days=1)
    )
    services.ticket_transition(ticket=ticket, actor=user("agent1"), status="resolved")
    return escalation


def test_entering_management_by_hand_opens_it_from_the_tier_before_with_the_handoff(
    network_path, policy
):
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    moved = escalate.escalation_request(
        ticket=ticket, actor=user("agent1"), to_tier="MGMT", reason="Office down", **HANDOFF
    )
    opened = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    assert (moved.from_tier, moved.to_tier) == ("L1", "MGMT")
    assert (opened.from_tier, opened.to_tier, opened.trigger) == ("L1", "MGMT", "manual")
    assert {name: getattr(opened, name) for name in HANDOFF_FIELDS} == HANDOFF


def test_climbing_into_management_on_time_copies_the_functional_handoff(network_path, policy):
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="L3", **HANDOFF)
    later = timezone.now() + timedelta(hours=3)  # past L3's two hours
    sla_sweep(now=later)
    ticket.refresh_from_db()
    assert ticket.level == "MGMT"
    climb = Escalation.objects.get(ticket=ticket, kind="functional", to_tier="MGMT")
    opened = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    assert (opened.from_tier, opened.trigger) == ("L3", "time_limit")
    for name in HANDOFF_FIELDS:
        assert getattr(opened, name) == getattr(climb, name)
    assert "time limit" in opened.summary


def test_the_system_reopens_without_a_permission_check(monitoring):
    Escalation.objects.filter(pk=monitoring.pk).update(manager=None)
    services.ticket_transition(ticket=monitoring.ticket, actor=user("agent1"), status="open")
    monitoring.refresh_from_db()
    assert monitoring.status == "active"
    event = monitoring.ticket.events.filter(kind="escalation").last()
    assert event.actor is None
    assert "reopened during monitoring" in event.note


def test_the_system_leaves_an_escalation_no_longer_monitoring(monitoring):
    Escalation.objects.filter(pk=monitoring.pk).update(status="closed")
    again = managed.managed_escalation_reopen(escalation=monitoring, actor=None, reason="x")
    assert again.status == "closed"


def test_a_person_reopening_needs_to_manage_the_escalation_and_a_reason(monitoring):
    with pytest.raises(PermissionDenied):
        managed.managed_escalation_reopen(
            escalation=monitoring, actor=user("agent1"), reason="Back"
        )
    with pytest.raises(ValidationError) as info:
        managed.managed_escalation_reopen(escalation=monitoring, actor=user("manager"), reason="  ")
    assert set(info.value.message_dict) == {"reason"}
    monitoring.refresh_from_db()
    assert monitoring.status == "monitoring"
    managed.managed_escalation_reopen(escalation=monitoring, actor=user("manager"), reason="Back")
    monitoring.refresh_from_db()
    assert monitoring.status == "active"


def test_closing_without_a_note_names_the_field(monitoring):
    with pytest.raises(ValidationError) as info:
        managed.managed_escalation_close(
            escalation=monitoring, actor=user("manager"), closure_note=None, customer_agreed=True
        )
    assert "closure_note" in info.value.message_dict


def test_rejecting_without_a_reason_names_the_field(network_path, policy):
    ticket = create_ticket(user("agent1"))
    pending = escalate.escalation_request(
        ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF
    )
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as info:
            escalate.escalation_reject(escalation=pending, actor=user("manager"), reason=reason)
        assert set(info.value.message_dict) == {"reason"}
