"""The sweep escalating tickets: once per level cycle, and cheaply."""

from datetime import UTC, datetime, timedelta

import pytest

from escalations.models import BusinessCalendar, Escalation, SlaClock, SlaPolicy
from escalations.services.sweep import sla_sweep
from tests.factories import create_ticket
from tickets.models import Ticket, TicketEvent, User

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    state = {"now": T0}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
    return state


@pytest.fixture
def escalating_policy(db):
    """First response in 20 minutes, escalating on breach; the L1 limit is 30."""
    calendar = BusinessCalendar.objects.create(name="Always", is_24x7=True)
    return SlaPolicy.objects.create(
        name="Escalating",
        first_response_minutes=20,
        resolution_minutes=600,
        warning_percent=75,
        escalate_on_breach=True,
        calendar=calendar,
    )


def tickets(count):
    agent = User.objects.get(username="agent1")
    return [create_ticket(agent, title=f"t{i}", impact=2, urgency=2) for i in range(count)]


def test_a_stale_level_clock_does_not_escalate_a_second_time(
    network_path, escalating_policy, clock
):
    made = tickets(50)
    # Both the first response (due at 20 min, escalating) and the L1 level clock
    # (due at 30 min) are due: 100 clocks, one batch of 100. the breach of the first
    # response moves each ticket to L2 and starts a new level cycle there, so
    # the L1 cycle claimed in the same batch is no longer the ticket's.
    result = sla_sweep(now=T0 + timedelta(minutes=31), batch_size=100)
    assert (result.clocks, result.breaches) == (100, 100)
    levels = Ticket.objects.filter(pk__in=[t.pk for t in made]).values_list("level", flat=True)
    assert set(levels) == {"L2"}
    assert Escalation.objects.count() == 50
    assert set(Escalation.objects.values_list("trigger", flat=True)) == {"sla_breach"}
    # The L1 cycle's breach is still recorded, once, in the trail.
    assert TicketEvent.objects.filter(kind="sla_breach", field="sla:level").count() == 50
    assert SlaClock.objects.filter(metric="level", cycle=2, state="running").count() == 50
