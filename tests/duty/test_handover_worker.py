"""Shift-end hand-over under real Celery workers and beat, on PostgreSQL and Redis:
the real clock runs through the end of a team's shift while beat sweeps every
second with two workers, and each ticket is handed over exactly once."""

import time
from datetime import time as clock_time
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from escalations.models import EscalationLevel, EscalationPath, Handover, Shift, TeamSchedule
from tests.factories import TeamFactory, UserFactory, create_ticket
from tests.workers import needs_broker, wait_for
from tickets.models import Ticket, Tier

pytestmark = needs_broker
SHIFT_END_IN = timedelta(seconds=12)


def _zone_near_noon() -> str:
    """A fixed-offset zone where it is daytime now, so both shifts fit in the day."""
    hour = timezone.now().hour
    offset = max(-12, min(14, 12 - hour))  # Etc/GMT-N is N hours ahead of UTC
    return f"Etc/GMT{'-' if offset >= 0 else '+'}{abs(offset)}"


def test_each_ticket_is_handed_over_once_as_the_shift_ends(celery_processes):
    zone = _zone_near_noon()
    end = (timezone.now() + SHIFT_END_IN).astimezone(ZoneInfo(zone))
    weekday, cut = end.weekday(), end.time().replace(microsecond=0)
    agent = UserFactory(username="emea1")
    emea = TeamFactory(name="Desk EMEA", tier=Tier.L1, members=[agent])
    apac = TeamFactory(name="Desk APAC", tier=Tier.L1, members=[UserFactory(username="apac1")])
    for team, start, stop in [(emea, clock_time(0), cut), (apac, cut, clock_time(0))]:
        schedule = TeamSchedule.objects.create(team=team, time_zone=zone)
        Shift.objects.create(schedule=schedule, weekday=weekday, start=start, end=stop)
    path = EscalationPath.objects.create(name="Follow the sun", is_default=True)
    EscalationLevel.objects.create(path=path, position=1, tier=Tier.L1).teams.add(emea, apac)
    tickets = [create_ticket(agent, title=f"Down {i}", impact=1, urgency=1) for i in range(40)]
    assert set(Ticket.objects.values_list("team__name", flat=True)) == {"Desk EMEA"}

    env = {"DUTY_SWEEP_INTERVAL": "1", "SLA_SWEEP_INTERVAL": "3600"}
    celery_processes.worker(concurrency=2, **env)
    celery_processes.worker(concurrency=2, **env)
    celery_processes.beat(**env)
    time.sleep(max(0.0, SHIFT_END_IN.total_seconds() - 6))
    assert Handover.objects.count() == 0  # EMEA still on duty

    wait_for(
        lambda: Handover.objects.count() == len(tickets),
        timeout=90,
        message=celery_processes.logs,
    )
    time.sleep(4)  # more sweeps run: nothing is handed over twice
    assert Handover.objects.count() == len(tickets)
    assert set(Handover.objects.values_list("number", flat=True)) == {1}
    assert set(Ticket.objects.values_list("team__name", flat=True)) == {"Desk APAC"}
    first = Handover.objects.order_by("handed_at").first()
    assert first.handed_at >= end


def test_two_workers_reassigning_off_duty_tickets_respect_the_cap(celery_processes):
    from escalations.models import Absence, TeamAssignment
    from tests.factories import TicketFactory

    away = UserFactory(username="away")
    agents = [UserFactory(username=f"on{i}") for i in range(3)]
    team = TeamFactory(name="Capped Desk", tier=Tier.L1, members=[away, *agents])
    TeamAssignment.objects.create(team=team, mode="least_loaded", cap=4)
    tickets = [
        TicketFactory(team=team, assignee=away, status="open", impact=1, urgency=1)
        for _ in range(20)
    ]
    now = timezone.now()
    Absence.objects.create(user=away, starts_at=now, ends_at=now + timedelta(hours=2))
    celery_processes.worker(concurrency=2)
    celery_processes.worker(concurrency=2)
    for _ in range(6):
        celery_processes.send("escalations.tasks.sweep_duty")

    def settled():
        return Ticket.objects.filter(assignee__in=agents).count() == 12

    wait_for(settled, timeout=60, message=celery_processes.logs)
    time.sleep(3)
    loads = {a.username: Ticket.objects.filter(assignee=a).count() for a in agents}
    assert loads == {"on0": 4, "on1": 4, "on2": 4}
    assert Ticket.objects.filter(assignee=away).count() == len(tickets) - 12
