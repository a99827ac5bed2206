"""Schedules for tests: teams on duty for given periods around the real time."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from escalations.models import DutyOverride, EscalationLevel, Shift, TeamSchedule
from tests.factories import TeamFactory, UserFactory
from tickets.models import Team, Tier


def on_duty(team: Team, *periods: tuple[datetime, datetime]) -> TeamSchedule:
    """A schedule keeping ``team`` off duty except in ``periods`` (its one weekly
    shift is a minute three days from now)."""
    schedule, _ = TeamSchedule.objects.get_or_create(team=team, defaults={"time_zone": "UTC"})
    if not schedule.shifts.exists():
        weekday = (timezone.now().weekday() + 3) % 7
        Shift.objects.create(schedule=schedule, weekday=weekday, start=time(0), end=time(0, 1))
    for start, end in periods:
        DutyOverride.objects.create(
            schedule=schedule, kind=DutyOverride.Kind.TEAM_ON, starts_at=start, ends_at=end
        )
    return schedule


def second_l1_team(path, name="Service Desk APAC", member="agent_apac") -> Team:
    """Another L1 team on ``path``'s first level, with its own manager and agent."""
    team = TeamFactory(name=name, tier=Tier.L1)
    team.manager = UserFactory(username=f"{member}_lead")
    team.save()
    team.members.add(UserFactory(username=member))
    EscalationLevel.objects.get(path=path, position=1).teams.add(team)
    return team


H = timedelta(hours=1)
