"""Benchmark of duty on PostgreSQL: who is on duty, shift-end hand-over, assignment.

  a) "who is on duty" for ``--teams`` teams (shifts in their own zones, a
     four-person on-call rotation, overrides, absences): the pure function on
     loaded schedules (calls per second), and loading every team's schedule from
     the database and answering for all of them at once (teams per second);
  b) shift-end hand-over of ``--handover`` open P1 tickets (with their SLA
     clocks) from a team whose duty ended to the team on duty, in one sweep
     (tickets per second);
  c) assignment of ``--assign`` tickets entering a team of ``--agents`` agents
     at once, least-loaded with a cap (tickets per second; the cap is checked).

    .venv/bin/python bench/duty.py
    .venv/bin/python bench/duty.py --teams 100 --handover 1000 --assign 1000   # quick run

Everything it needs is created from scratch in ``--database-url`` (created if
missing, migrated, emptied at the start).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

ZONES = ["Europe/Warsaw", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--handover", type=int, default=10_000)
    parser.add_argument("--assign", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/esc_duty")
    return parser.parse_args()


def reset() -> None:
    from escalations.models import EscalationPath, Handover, TeamAssignment, TeamSchedule
    from tickets.models import Team

    _common.reset()
    Handover.objects.all().delete()
    TeamAssignment.objects.all().delete()
    TeamSchedule.objects.all().delete()
    EscalationPath.objects.filter(name__startswith="Bench ").delete()
    Team.objects.filter(name__startswith="Bench ").delete()


def make_teams(count: int):
    """``count`` teams of 5 members, each with Mon-Fri shifts in its zone, a weekly
    four-person rotation, two overrides and an absence ahead."""
    from escalations.models import (
        Absence,
        DutyOverride,
        Rotation,
        RotationMember,
        Shift,
        TeamSchedule,
    )
    from tickets.models import Team, User

    now = datetime.now(UTC)
    users = User.objects.bulk_create(
        User(username=f"bench-duty-{i}", email=f"d{i}@example.com") for i in range(count * 5)
    )
    teams = Team.objects.bulk_create(Team(name=f"Bench duty {i}", tier="L1") for i in range(count))
    Team.members.through.objects.bulk_create(
        Team.members.through(team_id=team.pk, user_id=users[i * 5 + j].pk)
        for i, team in enumerate(teams)
        for j in range(5)
    )
    schedules = TeamSchedule.objects.bulk_create(
        TeamSchedule(team=team, time_zone=ZONES[i % len(ZONES)]) for i, team in enumerate(teams)
    )
    Shift.objects.bulk_create(
        Shift(schedule=s, weekday=d, start=clock(9), end=clock(17))
        for s in schedules
        for d in range(5)
    )
    rotations = Rotation.objects.bulk_create(
        Rotation(schedule=s, name="Primary", shift_hours=168) for s in schedules
    )
    RotationMember.objects.bulk_create(
        RotationMember(rotation=r, user=users[i * 5 + j], position=j)
        for i, r in enumerate(rotations)
        for j in range(4)
    )
    DutyOverride.objects.bulk_create(
        DutyOverride(
            schedule=s,
            kind="person" if k == 0 else "off",
            user=users[i * 5 + 4] if k == 0 else None,
            starts_at=now + timedelta(days=k + 1),
            ends_at=now + timedelta(days=k + 1, hours=8),
        )
        for i, s in enumerate(schedules)
        for k in range(2)
    )
    Absence.objects.bulk_create(
        Absence(
            user=users[i * 5], starts_at=now + timedelta(days=3), ends_at=now + timedelta(days=5)
        )
        for i in range(count)
    )
    return teams


def bench_lookups(count: int) -> None:
    from escalations import duty as pure
    from escalations.services.duty.schedules import schedules_for

    teams = make_teams(count)
    now = datetime.now(UTC)
    started = time.perf_counter()
    schedules = schedules_for(teams, at=now)
    answers = {tid: pure.duty_at(s, now) for tid, s in schedules.items()}
    loaded = time.perf_counter() - started
    rng = random.Random(7)
    moments = [now + timedelta(seconds=rng.randrange(0, 30 * 86400)) for _ in range(20_000)]
    items = list(schedules.values())
    started = time.perf_counter()
    for i, moment in enumerate(moments):
        pure.duty_at(items[i % len(items)], moment)
    pure_rate = len(moments) / (time.perf_counter() - started)
    on = sum(a.on_duty for a in answers.values())
    print(f"a) {count:,} teams ({on} on duty now)")
    print(f"   duty_at on loaded schedules: {pure_rate:,.0f} calls/s")
    print(
        f"   load {count:,} schedules from the database and answer for all: {loaded:.2f} s "
        f"({count / loaded:,.0f} teams/s)"
    )


def two_teams_level():
    """A path whose level 1 has an L1 team off duty now and one on duty."""
    from escalations.models import DutyOverride, EscalationLevel, EscalationPath, TeamSchedule
    from tickets.models import Team

    now = datetime.now(UTC)
    gone = Team.objects.create(name="Bench EMEA", tier="L1")
    taking = Team.objects.create(name="Bench APAC", tier="L1")
    for team, on in [(gone, False), (taking, True)]:
        schedule = TeamSchedule.objects.create(team=team, time_zone="UTC")
        DutyOverride.objects.create(
            schedule=schedule,
            kind="on" if on else "off",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=1),
        )
    path = EscalationPath.objects.create(name="Bench path", is_default=True)
    level = EscalationLevel.objects.create(path=path, position=1, tier="L1")
    level.teams.add(gone, taking)
    return path, level, gone, taking


def bench_handover(count: int) -> None:
    from django.db import connection

    from escalations.models import Handover, TicketRoute
    from escalations.services.duty.handover import handover_sweep
    from tickets.models import Ticket

    path, level, gone, _taking = two_teams_level()
    policy = _common.bench_policy()
    _common.load_open_tickets(count, policy=policy)
    Ticket.objects.update(team=gone, priority="P1", status="open")
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {TicketRoute._meta.db_table} (ticket_id, path_id, level_id, entered_at) "  # noqa: S608
            f"SELECT id, %s, %s, now() FROM {Ticket._meta.db_table}",
            [path.pk, level.pk],
        )
        cur.execute("ANALYZE")
    started = time.perf_counter()
    result = handover_sweep(batch_size=100)
    took = time.perf_counter() - started
    assert result.handed_over == count == Handover.objects.count()
    assert not Ticket.objects.filter(team=gone).exists()
    assert handover_sweep().handed_over == 0
    print(
        f"b) shift-end hand-over of {count:,} open P1 tickets in one sweep: {took:.1f} s, "
        f"{count / took:,.0f} tickets/s"
    )


def bench_assignment(count: int, agents: int) -> None:
    from escalations.models import TeamAssignment
    from escalations.services.duty.assignment import open_loads, ticket_assign_auto
    from tickets.models import Team, Ticket, User

    Ticket.objects.update(status="closed")  # the hand-over's tickets do not count
    team = Team.objects.create(name="Bench assign", tier="L1")
    people = User.objects.bulk_create(
        User(username=f"bench-agent-{i}", email=f"a{i}@example.com") for i in range(agents)
    )
    team.members.add(*people)
    cap = count // agents
    TeamAssignment.objects.create(team=team, mode="least_loaded", cap=cap)
    tickets = Ticket.objects.bulk_create(
        Ticket(
            title=f"Bench entering {i}",
            requester_name="R",
            requester_email="r@example.com",
            impact=2,
            urgency=2,
            priority="P2",
            status="open",
            team=team,
            level="L1",
        )
        for i in range(count + 10)
    )
    started = time.perf_counter()
    assigned = sum(1 for t in tickets if ticket_assign_auto(ticket=t.pk, why="bench") is not None)
    took = time.perf_counter() - started
    loads = open_loads([p.pk for p in people])
    assert assigned == count, assigned
    assert max(loads.values()) == cap
    print(
        f"c) {len(tickets):,} tickets entering a team of {agents} agents "
        f"(least-loaded, cap {cap}): {took:.1f} s, {len(tickets) / took:,.0f} tickets/s; "
        f"{assigned:,} assigned, most per agent {max(loads.values())}, "
        f"{len(tickets) - assigned} left (everyone at the cap)"
    )


def main() -> None:
    args = parse_args()
    _common.setup_django(args.database_url)
    reset()
    print(f"load average at start {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPU(s)")
    bench_lookups(args.teams)
    bench_handover(args.handover)
    bench_assignment(args.assign, args.agents)
    reset()


if __name__ == "__main__":
    main()
