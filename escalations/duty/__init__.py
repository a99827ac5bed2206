"""Who is on duty. Pure: no database, no settings.

A team's schedule lives in the team's time zone:

- **hours**: when the team works (a business calendar: weekly intervals,
  overnight shifts, holidays); none at all means always;
- **rotations**: on-call layers, each with members in order, a shift length,
  a hand-off wall time and optional weekly windows (outside them the layer has
  nobody); a higher layer is on top;
- **overrides**: a person on call for a period (on one layer, or on top of
  all), or the whole team on or off duty for a period; the latest wins;
- **absences** of people (leave, sickness): an absent member is not on duty,
  and an absent on-call person passes the turn to the next member in order.

One question, answered exactly (to the microsecond, across DST changes):

    duty_at(schedule, t) -> Duty   # on duty?, until when, who, who is on call,
                                   # and when any of it next changes

``timeline`` lays the answers end to end over a period (pages, calendar feeds).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from escalations import businesstime as bt
from escalations.businesstime.compiled import compiled, from_us, to_us
from escalations.duty import wallclock

PERSON, TEAM_ON, TEAM_OFF = "person", "on", "off"
# How far ahead ``until`` looks for the end of a duty (or the start of the next).
HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Rotation:
    """An on-call layer: ``members`` (user ids, in order) take turns of ``shift``
    wall-clock time, handing off at ``handoff`` local time from ``starts_on``."""

    layer: int
    members: tuple[int, ...]
    shift: timedelta
    handoff: time = time(9)
    starts_on: date = date(2020, 1, 6)
    windows: tuple[bt.Interval, ...] = ()

    def __post_init__(self) -> None:
        if self.shift <= timedelta(0):
            raise ValueError("a rotation's shift must be longer than zero")


@dataclass(frozen=True)
class Override:
    """``kind`` PERSON: ``user`` is on call from ``starts_at`` to ``ends_at`` (on
    ``layer``, or on top of all layers when None); TEAM_ON / TEAM_OFF: the team is
    on / off duty for the period. Among overlapping ones the higher ``order`` wins."""

    starts_at: datetime
    ends_at: datetime
    kind: str = PERSON
    user: int | None = None
    layer: int | None = None
    order: int = 0

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def _override_key(override: Override) -> tuple[int, datetime]:
    return (override.order, override.starts_at)


@dataclass(frozen=True)
class Absence:
    user: int
    starts_at: datetime
    ends_at: datetime

    def covers(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True)
class Schedule:
    time_zone: str = "UTC"
    hours: bt.Calendar | None = None  # None: always working
    members: frozenset[int] = frozenset()
    rotations: tuple[Rotation, ...] = ()
    overrides: tuple[Override, ...] = ()
    absences: tuple[Absence, ...] = ()

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        layers = [rotation.layer for rotation in self.rotations]
        if len(layers) != len(set(layers)):
            raise ValueError("one rotation per layer")
        object.__setattr__(self, "members", frozenset(self.members))
        object.__setattr__(self, "overrides", tuple(sorted(self.overrides, key=_override_key)))
        # Compiled once per schedule, not looked up (and hashed) on every call.
        hours = None if self.hours is None or self.hours.always_open else compiled(self.hours)
        object.__setattr__(self, "_hours", hours)
        windows = {
            r.layer: compiled(bt.Calendar(self.time_zone, r.windows))
            for r in self.rotations
            if r.windows
        }
        object.__setattr__(self, "_windows", windows)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


ALWAYS = Schedule()


@dataclass(frozen=True)
class Duty:
    """The answer at one instant."""

    on_duty: bool  # the team works now
    until: datetime | None  # when that flips (None: not within ``HORIZON``)
    people: frozenset[int]  # members working and not absent (none while off duty)
    layers: dict[int, int] = field(default_factory=dict)  # layer -> user on call
    primary: int | None = None  # on call on top: an override, else the highest layer
    changes_at: datetime | None = None  # the next instant anything above may change

    def same_as(self, other: Duty) -> bool:
        return (self.on_duty, self.people, self.layers, self.primary) == (
            other.on_duty,
            other.people,
            other.layers,
            other.primary,
        )


def _aware(moment: datetime) -> datetime:
    bt.check_aware(moment)
    return moment.astimezone(UTC)


class _Edges:
    """The earliest instant after ``now`` at which something may change."""

    def __init__(self, now: datetime) -> None:
        self.now, self.first = now, None

    def add(self, moment: datetime | None) -> None:
        if moment is not None and moment > self.now and (self.first is None or moment < self.first):
            self.first = moment

    def around(self, start: datetime, end: datetime) -> None:
        self.add(start)
        self.add(end)


def _works(schedule: Schedule, moment: datetime, edges: _Edges) -> bool:
    """Whether the team works at ``moment``: the latest team override covering it,
    else its hours."""
    decided = None
    for override in schedule.overrides:
        if override.kind in (TEAM_ON, TEAM_OFF):
            edges.around(override.starts_at, override.ends_at)
            if override.covers(moment):
                decided = override.kind == TEAM_ON
    if schedule._hours is None:
        return True if decided is None else decided
    is_open, edge = _next_change(schedule._hours, moment)
    edges.add(edge)
    return is_open if decided is None else decided


def _next_change(table, moment: datetime) -> tuple[bool, datetime | None]:
    is_open, edge = table.next_edge(to_us(moment))
    return is_open, None if edge is None else from_us(edge)


def _absent(schedule: Schedule, moment: datetime, edges: _Edges) -> set[int]:
    absent = set()
    for absence in schedule.absences:
        edges.around(absence.starts_at, absence.ends_at)
        if absence.covers(moment):
            absent.add(absence.user)
    return absent


def _on_call(
    rotation: Rotation, schedule: Schedule, moment: datetime, absent: set[int], edges: _Edges
) -> int | None:
    if not rotation.members:
        return None
    zone = schedule.zone
    if rotation.windows:
        is_open, edge = _next_change(schedule._windows[rotation.layer], moment)
        edges.add(edge)
        if not is_open:
            return None
    anchor = datetime.combine(rotation.starts_on, rotation.handoff)
    k = wallclock.shift_index(anchor=anchor, shift=rotation.shift, moment=moment, zone=zone)
    edges.add(wallclock.handoff_at(anchor=anchor, shift=rotation.shift, k=k + 1, zone=zone))
    if k < 0:
        return None
    count = len(rotation.members)
    for step in range(count):  # an absent turn passes to the next member in order
        person = rotation.members[(k + step) % count]
        if person not in absent:
            return person
    return None


def duty_at(schedule: Schedule, moment: datetime) -> Duty:
    """Who is on duty for the team at ``moment`` (aware), and until when."""
    moment = _aware(moment)
    edges = _Edges(moment)
    works = _works(schedule, moment, edges)
    absent = _absent(schedule, moment, edges)
    layers: dict[int, int] = {}
    for rotation in schedule.rotations:
        person = _on_call(rotation, schedule, moment, absent, edges)
        if person is not None:
            layers[rotation.layer] = person
    top = None
    for override in schedule.overrides:  # in order: the latest wins
        if override.kind != PERSON or override.user is None:
            continue
        edges.around(override.starts_at, override.ends_at)
        if override.covers(moment):
            if override.layer is None:
                top = override.user
            else:
                layers[override.layer] = override.user
    primary = top if top is not None else (layers[max(layers)] if layers else None)
    return Duty(
        on_duty=works,
        until=_flips(schedule, moment, works),
        people=frozenset(schedule.members - absent) if works else frozenset(),
        layers=layers,
        primary=primary,
        changes_at=edges.first,
    )


def _flips(schedule: Schedule, moment: datetime, works: bool) -> datetime | None:
    """The first instant after ``moment`` at which the team's working flips."""
    limit = moment + HORIZON
    now = moment
    while True:
        edges = _Edges(now)
        _works(schedule, now, edges)
        if edges.first is None or edges.first > limit:
            return None
        now = edges.first
        if _works(schedule, now, _Edges(now)) != works:
            return now


def duty_end(schedule: Schedule, moment: datetime) -> datetime | None:
    """When the team's duty running at ``moment`` ends (None: it is off duty, or
    the duty runs past ``HORIZON``)."""
    duty = duty_at(schedule, moment)
    return duty.until if duty.on_duty else None


def next_duty_start(schedule: Schedule, moment: datetime) -> datetime | None:
    """When the team is next on duty: ``moment`` itself when it is now."""
    duty = duty_at(schedule, moment)
    return _aware(moment) if duty.on_duty else duty.until


def timeline(
    schedule: Schedule, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, Duty]]:
    """The duties from ``start`` to ``end`` end to end, adjacent equal ones merged."""
    start, end = _aware(start), _aware(end)
    pieces: list[tuple[datetime, datetime, Duty]] = []
    now = start
    while now < end:
        duty = duty_at(schedule, now)
        stop = min(duty.changes_at or end, end)
        if pieces and pieces[-1][2].same_as(duty):
            pieces[-1] = (pieces[-1][0], stop, pieces[-1][2])
        else:
            pieces.append((now, stop, duty))
        now = stop
    return pieces


def overlapping_shifts(intervals: list[bt.Interval]) -> list[tuple[bt.Interval, bt.Interval]]:
    """Pairs of weekly shifts that overlap (validation)."""
    return bt.overlapping_intervals(intervals)
