"""Stored schedules as pure ones (``escalations.duty.Schedule``), loaded for many
teams at once, and the duty of teams at an instant. A team without a schedule
works around the clock with all its members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import Prefetch

from escalations import businesstime as bt
from escalations import duty as pure
from escalations.models import Absence, DutyOverride, Rotation, TeamSchedule
from escalations.services.sla.governing import calendar_spec
from tickets.models import Team

# Overrides and absences that ended before this much ahead of the instant asked
# about cannot change an answer; those starting after ``HORIZON`` can change only
# ``until`` beyond it.
LOOK_BACK = timedelta(days=1)


def _hours(schedule: TeamSchedule) -> bt.Calendar | None:
    shifts = tuple(bt.Interval(s.weekday, s.start, s.end) for s in schedule.shifts.all())
    if schedule.calendar_id is None:
        return bt.Calendar(schedule.time_zone, shifts) if shifts else None
    spec = calendar_spec(schedule.calendar)
    if spec.always_open:
        return None
    return bt.Calendar(
        schedule.time_zone,
        spec.intervals + shifts,
        holidays=spec.holidays,
        yearly_holidays=spec.yearly_holidays,
    )


def _rotation(rotation: Rotation) -> pure.Rotation:
    return pure.Rotation(
        layer=rotation.layer,
        members=tuple(m.user_id for m in rotation.members.all()),
        shift=timedelta(hours=rotation.shift_hours),
        handoff=rotation.handoff_time,
        starts_on=rotation.starts_on,
        windows=tuple(bt.Interval(w.weekday, w.start, w.end) for w in rotation.windows.all()),
    )


def _override(override: DutyOverride) -> pure.Override:
    return pure.Override(
        starts_at=override.starts_at,
        ends_at=override.ends_at,
        kind=override.kind,
        user=override.user_id,
        layer=override.layer,
        order=override.pk,
    )


def schedules_for(teams: Iterable[Team], *, at: datetime) -> dict[int, pure.Schedule]:
    """The pure schedule of each team (by id) as it matters from ``at`` on: a
    fixed number of queries whatever the number of teams."""
    teams = list(teams)
    ids = [team.pk for team in teams]
    since = at - LOOK_BACK
    stored = {
        s.team_id: s
        for s in TeamSchedule.objects.filter(team_id__in=ids)
        .select_related("calendar")
        .prefetch_related(
            "shifts",
            Prefetch(
                "rotations",
                queryset=Rotation.objects.prefetch_related("members", "windows"),
            ),
            Prefetch("overrides", queryset=DutyOverride.objects.filter(ends_at__gt=since)),
        )
    }
    members: dict[int, set[int]] = {team_id: set() for team_id in ids}
    for team_id, user_id in Team.members.through.objects.filter(team_id__in=ids).values_list(
        "team_id", "user_id"
    ):
        members[team_id].add(user_id)
    everyone = set().union(*members.values()) if members else set()
    for schedule in stored.values():
        for rotation in schedule.rotations.all():
            everyone.update(m.user_id for m in rotation.members.all())
    absences: dict[int, list[pure.Absence]] = {}
    for absence in Absence.objects.filter(user_id__in=everyone, ends_at__gt=since):
        absences.setdefault(absence.user_id, []).append(
            pure.Absence(absence.user_id, absence.starts_at, absence.ends_at)
        )
    found = {}
    for team_id in ids:
        schedule = stored.get(team_id)
        rotations = tuple(_rotation(r) for r in schedule.rotations.all()) if schedule else ()
        people = set(members[team_id])
        for rotation in rotations:
            people.update(rotation.members)
        found[team_id] = pure.Schedule(
            time_zone=schedule.time_zone if schedule else "UTC",
            hours=_hours(schedule) if schedule else None,
            members=frozenset(members[team_id]),
            rotations=rotations,
            overrides=tuple(_override(o) for o in schedule.overrides.all()) if schedule else (),
            absences=tuple(a for person in people for a in absences.get(person, ())),
        )
    return found


def duties_at(teams: Iterable[Team], *, at: datetime) -> dict[int, pure.Duty]:
    """Each team's duty at ``at`` (by team id)."""
    return {
        team_id: pure.duty_at(schedule, at)
        for team_id, schedule in schedules_for(teams, at=at).items()
    }


def duty_of(team: Team, *, at: datetime) -> pure.Duty:
    return duties_at([team], at=at)[team.pk]
