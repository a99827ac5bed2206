"""Level stints follow the ticket through the event bus, and the backfill
rebuilds the same stints from the audit trail."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from escalations.models import BusinessCalendar, SlaClock, TeamCalendar, WorkingInterval
from escalations.services.sweep import sla_sweep
from reports.models import LevelStint
from tests.factories import create_ticket
from tickets import services
from tickets.models import Team, User

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def clock(monkeypatch):
    state = {"now": T0}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
    return state


def at(clock, minutes):
    clock["now"] = T0 + timedelta(minutes=minutes)
    return clock["now"]


def rows(ticket):
    return list(
        LevelStint.objects.filter(ticket=ticket)
        .order_by("entered_at", "id")
        .values_list("level", "team__name", "how_left", "wall_seconds", "business_seconds")
    )


@pytest.fixture
def journey(network_path, policy, clock):
    """L1 (30 min, time limit) -> L2 (pending 10 of its 40 min) -> sent back to L1
    for 20 min -> resolved; reopened 60 min later, resolved after 15 min at L1."""
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, impact=2, urgency=2)
    sla_sweep(now=at(clock, 30))  # L1 time limit: escalated to L2
    at(clock, 40)
    services.ticket_transition(ticket=ticket, actor=agent1, status="pending")
    at(clock, 50)
    services.ticket_transition(ticket=ticket, actor=agent1, status="open")
    at(clock, 70)
    services.ticket_route(
        ticket=ticket,
        actor=agent1,
        team=Team.objects.get(name="Service Desk"),
        level="L1",
        note="Sent back: L1 can finish this.",
    )
    at(clock, 90)
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    at(clock, 150)
    services.ticket_transition(ticket=ticket, actor=agent1, status="open")
    at(clock, 165)
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    return ticket


def test_stints_follow_escalation_pending_bounce_back_and_reopening(journey):
    assert rows(journey) == [
        ("L1", "Service Desk", "escalated", 1800, 1800),
        ("L2", "Network Engineering", "de_escalated", 2400, 1800),  # 10 min pending left out
        ("L1", "Service Desk", "resolved", 1200, 1200),
        ("L1", "Service Desk", "resolved", 900, 900),
    ]
    assert LevelStint.objects.get(ticket=journey, level="L2").paused_wall_seconds == 600


def test_open_ticket_has_one_open_stint(network_path, policy, clock):
    ticket = create_ticket(User.objects.get(username="agent1"), impact=2, urgency=2)
    stint = LevelStint.objects.get(ticket=ticket)
    assert (stint.level, stint.team.name, stint.left_at, stint.entered_at) == (
        "L1",
        "Service Desk",
        None,
        T0,
    )


def test_business_time_counts_the_levels_calendar(network_path, policy, clock):
    """A team working 9-17 Warsaw time: a stint from Monday 16:00 to Tuesday 10:00
    local time is 2 business hours over 18 wall hours."""
    office = BusinessCalendar.objects.create(name="Warsaw office", time_zone="Europe/Warsaw")
    for day in range(5):
        WorkingInterval.objects.create(calendar=office, weekday=day, start="09:00", end="17:00")
    TeamCalendar.objects.create(team=Team.objects.get(name="Service Desk"), calendar=office)
    clock["now"] = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 16:00 in Warsaw (CET)
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, impact=4, urgency=4)
    clock["now"] = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # 10:00 in Warsaw
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    assert rows(ticket) == [("L1", "Service Desk", "resolved", 18 * 3600, 2 * 3600)]


def test_backfill_rebuilds_the_same_stints_from_the_audit_trail(journey):
    expected = rows(journey)
    LevelStint.objects.all().delete()
    call_command("backfill_stints", "--batch-size", "1")
    assert rows(journey) == expected


def test_backfill_is_resumable_and_skips_tickets_with_stints(journey, clock, capsys):
    other = create_ticket(User.objects.get(username="agent1"), impact=2, urgency=2)
    LevelStint.objects.filter(ticket=other).delete()
    call_command("backfill_stints")
    out = capsys.readouterr().out
    assert "1 tickets without level stints" in out
    assert "1/1 tickets (100 %)" in out
    assert LevelStint.objects.filter(ticket=journey).count() == 4  # untouched
    assert LevelStint.objects.filter(ticket=other).count() == 1
    call_command("backfill_stints")
    assert "0 tickets without level stints" in capsys.readouterr().out


def test_clock_keeps_the_policy_that_applied_after_an_edit(journey, policy):
    from escalations.services.config import policies

    clock = SlaClock.objects.get(ticket=journey, metric="resolution")
    assert clock.applied["policy"] == "Fallback"
    assert clock.applied["resolution_minutes"] == 480
    policies.sla_policy_save(policy=policy, data={"resolution_minutes": 240})
    clock.refresh_from_db()
    assert clock.applied["resolution_minutes"] == 480  # resolved: what applied then stays
