"""The seeds' network-outage path, end to end, through the services and the sweep."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from escalations.models import Escalation, EscalationReview, PriorityCriterion, SlaClock
from escalations.services import escalate, managed, managed_team, reviews
from escalations.services.sweep import sla_sweep
from tests.factories import create_ticket
from tests.races import on_postgresql
from tickets import services
from tickets.models import User

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HANDOFF = {
    "summary": "Core switch flapping",
    "steps_taken": "Rebooted the access switch, checked cabling",
    "impact_assessment": "Whole Warsaw office offline",
    "customer_context": "Acme Retail, VIP, quarter-end",
    "time_constraints": "Payroll run at 16:00",
    "assistance_requested": "Look at the core switch configuration",
}


@pytest.fixture
def clock(monkeypatch):
    state = {"now": T0}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
    return state


def user(name):
    return User.objects.get(username=name)


def test_p2_ticket_climbs_l1_to_l2_to_l3_on_time_limits(network_path, policy, clock):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=2, urgency=2)
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name) == ("L1", "Service Desk")
    level_clock = SlaClock.objects.get(ticket=ticket, metric="level")
    assert level_clock.due_at == T0 + timedelta(minutes=30)

    sla_sweep(now=T0 + timedelta(minutes=29))
    assert not Escalation.objects.exists()
    clock["now"] = T0 + timedelta(minutes=30)
    sla_sweep(now=clock["now"])
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name) == ("L2", "Network Engineering")
    first = Escalation.objects.get()
    assert (first.kind, first.trigger, first.from_tier, first.to_tier) == (
        "functional",
        "time_limit",
        "L1",
        "L2",
    )
    assert "time limit" in first.summary
    sla_sweep(now=clock["now"] + timedelta(seconds=5))
    assert Escalation.objects.count() == 1  # once per ticket and level

    clock["now"] = T0 + timedelta(minutes=90)
    sla_sweep(now=clock["now"])
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name) == ("L3", "Senior Architects")
    assert list(Escalation.objects.order_by("id").values_list("status", flat=True)) == [
        "closed",
        "active",
    ]
    assert ticket.events.filter(kind="escalation").count() == 2


def test_p1_security_ticket_jumps_to_l3_and_opens_a_managed_escalation(network_path, policy):
    PriorityCriterion.objects.create(
        name="Security",
        if_security=True,
        minimum_priority="P1",
        jump_to_level="L3",
        notify_management=True,
    )
    ticket = create_ticket(user("agent1"), title="Intrusion", is_security=True)
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.level) == ("P1", "L3")
    jump = Escalation.objects.get(kind="functional")
    assert (jump.trigger, jump.from_tier, jump.to_tier) == ("severity", "L1", "L3")
    managed_one = Escalation.objects.get(kind="hierarchical")
    assert managed_one.status == "active"
    assert managed_one.manager == user("manager")
    services.ticket_update(ticket=ticket, actor=user("agent3"), data={"title": "Intrusion!"})
    assert Escalation.objects.count() == 2  # each criterion acts once


def test_managed_escalation_plan_monitoring_reopen_review_close(network_path, policy, clock):
    PriorityCriterion.objects.create(
        name="Outage", keywords="outage", minimum_priority="P1", notify_management=True
    )
    agent1, boss = user("agent1"), user("manager")
    ticket = create_ticket(agent1, title="Total outage in Warsaw")
    esc = Escalation.objects.get(kind="hierarchical")
    with pytest.raises(PermissionDenied):
        managed_team.action_item_add(escalation=esc, actor=agent1, description="x")
    managed_team.escalation_member_add(
        escalation=esc, actor=boss, role="incident_owner", user=user("agent3")
    )
    managed_team.escalation_member_add(
        escalation=esc,
        actor=boss,
        role="provider_contact",
        name="Acme NOC",
        contact="noc@acme.example",
    )
    item = managed_team.action_item_add(
        escalation=esc,
        actor=boss,
        description="Replace switch",
        owner=user("agent2"),
        due_at=T0 + timedelta(hours=2),
    )
    managed_team.action_item_mark_done(item=item, actor=boss)
    with pytest.raises(ValidationError):
        managed.managed_escalation_monitor(
            escalation=esc, actor=boss, until=T0 - timedelta(hours=1)
        )
    managed.managed_escalation_monitor(escalation=esc, actor=boss, until=T0 + timedelta(days=2))
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    assert EscalationReview.objects.filter(escalation=esc, submitted_at=None).exists()

    services.ticket_transition(ticket=ticket, actor=agent1, status="open")  # it came back
    esc.refresh_from_db()
    assert esc.status == "active"
    assert "reopened during monitoring" in ticket.events.filter(kind="escalation").last().note

    managed.managed_escalation_monitor(escalation=esc, actor=boss, until=T0 + timedelta(days=1))
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    with pytest.raises(ValidationError) as info:
        managed.managed_escalation_close(
            escalation=esc, actor=boss, closure_note="Fixed", customer_agreed=True
        )
    assert "review" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        reviews.review_submit(escalation=esc, actor=boss, data={"root_cause": "Bad firmware"})
    assert {"root_cause_category", "effectiveness"} <= set(info.value.message_dict)
    reviews.review_submit(
        escalation=esc,
        actor=boss,
        data={
            "root_cause": "Bad firmware",
            "root_cause_category": "hardware",
            "effectiveness": 4,
            "handoff_quality": 5,
            "customer_satisfaction": 4,
            "lessons_learned": "Keep spares",
        },
    )
    assert managed.monitoring_sweep(now=T0 + timedelta(days=1, minutes=1)) == 1
    assert managed.monitoring_sweep(now=T0 + timedelta(days=1, minutes=2)) == 0
    managed.managed_escalation_close(
        escalation=esc, actor=boss, closure_note="Customer confirmed", customer_agreed=True
    )
    esc.refresh_from_db()
    assert (esc.status, esc.customer_agreed) == ("closed", True)


def test_manual_escalation_needs_the_whole_handoff(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2)
    with pytest.raises(ValidationError) as info:
        escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", summary="Help")
    assert set(info.value.message_dict) == set(HANDOFF) - {"summary"}
    esc = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    ticket.refresh_from_db()
    assert (esc.status, ticket.level) == ("active", "L2")  # P1/P2 need no approval
    with pytest.raises(ValidationError, match="already at L2"):
        escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    assert Escalation.objects.count() == 1


def test_p3_into_an_approval_level_waits_for_the_target_manager(network_path, policy):
    agent1, agent2, boss = user("agent1"), user("agent2"), user("manager")
    ticket = create_ticket(agent1)
    esc = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    ticket.refresh_from_db()
    assert (esc.status, ticket.level) == ("requested", "L1")
    with pytest.raises(ValidationError, match="awaits approval"):
        escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L3", **HANDOFF)
    with pytest.raises(PermissionDenied):
        escalate.escalation_approve(escalation=esc, actor=agent2)
    escalate.escalation_approve(escalation=esc, actor=boss)
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name) == ("L2", "Network Engineering")

    again = escalate.escalation_request(ticket=ticket, actor=agent2, to_tier="L3", **HANDOFF)
    with pytest.raises(ValidationError):
        escalate.escalation_reject(escalation=again, actor=boss, reason="")
    escalate.escalation_reject(escalation=again, actor=boss, reason="L2 has not tried X yet")
    again.refresh_from_db()
    assert again.status == "rejected"
    assert "not tried X" in ticket.events.filter(kind="escalation").last().note


def test_pending_pauses_the_level_clock(network_path, policy, clock):
    agent1 = user("agent1")
    ticket = create_ticket(agent1)
    clock["now"] = T0 + timedelta(minutes=10)
    services.ticket_transition(ticket=ticket, actor=agent1, status="pending")
    sla_sweep(now=T0 + timedelta(hours=5))
    assert not Escalation.objects.exists()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_sweepers_escalate_each_ticket_once_per_level(network_path, policy):
    import threading

    from django.db import connections
    from django.db.models import F

    agent1 = user("agent1")
    tickets = [create_ticket(agent1, title=f"t{n}") for n in range(20)]
    SlaClock.objects.filter(metric="level").update(
        due_at=F("due_at") - timedelta(hours=1),
        warn_at=F("warn_at") - timedelta(hours=1),
        next_action_at=F("due_at") - timedelta(hours=1),
    )
    barrier = threading.Barrier(4)

    def sweeper():
        barrier.wait()
        try:
            sla_sweep(batch_size=3)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweeper) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Escalation.objects.filter(trigger="time_limit").count() == 20
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.level == "L2"
