"""Business-time arithmetic. Pure: no database, no settings.

A calendar is an IANA time zone, weekly working intervals in local wall-clock
time (several a day, overnight shifts allowed) and holidays (one-off dates and
yearly dates), or simply 24x7. Two functions answer every SLA question:

    add(calendar, start, duration)  -> the instant ``duration`` of business time after ``start``
    elapsed(calendar, start, end)   -> the business time between two instants

Both are exact to the microsecond and correct across DST changes: working
intervals are laid out in local wall time, day by day, and only then converted
to UTC, so a 09:00-17:00 day is 8 hours on the day the clocks change (a shift
that spans the change itself lasts the real time that passes).

Holidays remove the whole local day, midnight to midnight, including the part of
an overnight shift that runs into it.

Speed: a calendar is compiled once (and cached) into sorted UTC open intervals
with running totals of business time, a few years at a time and extended on
demand (``compiled``). Each call is then one or two binary searches, whatever
the duration.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from escalations.businesstime.compiled import (
    DAY_US,
    check_aware,
    compiled,
    duration_us,
    from_us,
    time_us,
    to_us,
)


@dataclass(frozen=True, order=True)
class Interval:
    """Working time on ``weekday`` (0 = Monday) from ``start`` to ``end``, local time.

    An ``end`` at or before ``start`` runs past midnight into the next day, so
    ``22:00-06:00`` is a night shift and ``00:00-00:00`` is the whole day.
    """

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("interval times are local wall-clock times, without a time zone")

    @property
    def length_us(self) -> int:
        """Nominal length in wall-clock microseconds (DST aside)."""
        start = time_us(self.start)
        end = time_us(self.end)
        return end - start if end > start else DAY_US - start + end


@dataclass(frozen=True)
class Calendar:
    time_zone: str = "UTC"
    intervals: tuple[Interval, ...] = ()
    holidays: frozenset[date] = field(default_factory=frozenset)
    yearly_holidays: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    always_open: bool = False

    def __post_init__(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        object.__setattr__(self, "intervals", tuple(sorted(self.intervals)))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "yearly_holidays", frozenset(self.yearly_holidays))

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_holiday(self, day: date) -> bool:
        return day in self.holidays or (day.month, day.day) in self.yearly_holidays


ALWAYS_OPEN = Calendar(always_open=True)


def overlapping_intervals(intervals: list[Interval]) -> list[tuple[Interval, Interval]]:
    """Pairs of intervals that overlap in the (nominal) week, for validation."""
    week = 7 * DAY_US
    spans = []
    for interval in intervals:
        start = interval.weekday * DAY_US + time_us(interval.start)
        spans.append((interval, start, start + interval.length_us))
    found = []
    for i, (a, a_start, a_end) in enumerate(spans):
        for b, b_start, b_end in spans[i + 1 :]:
            for shift in (-week, 0, week):
                if a_start < b_end + shift and b_start + shift < a_end:
                    found.append((a, b))
                    break
    return found


# --- the two questions ---------------------------------------------------------------


def add(calendar: Calendar, start: datetime, duration: timedelta | int) -> datetime:
    """The instant at which ``duration`` of business time has passed after ``start``.

    ``duration`` is a timedelta or whole seconds, and not negative. A zero
    duration returns ``start`` itself, even outside working hours.
    """
    length_us = duration_us(duration)
    check_aware(start)
    # In UTC first: arithmetic on an aware datetime in its own zone is wall-clock
    # arithmetic, which would make a 24x7 day across a DST change 23 or 25 hours.
    start = start.astimezone(UTC)
    if length_us == 0:
        return start
    if calendar.always_open:
        return start + timedelta(microseconds=length_us)
    return from_us(compiled(calendar).add(to_us(start), length_us))


def elapsed(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Business time between ``start`` and ``end``; zero when ``end`` is not after ``start``."""
    check_aware(start)
    check_aware(end)
    # Two datetimes sharing a tzinfo compare and subtract by wall clock, ignoring
    # ``fold`` and DST; in UTC they compare and subtract as instants.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if calendar.always_open:
        return end - start
    return timedelta(microseconds=compiled(calendar).elapsed(to_us(start), to_us(end)))


def is_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether ``moment`` falls in working time (interval starts count, ends do not)."""
    check_aware(moment)
    if calendar.always_open:
        return True
    return compiled(calendar).is_open(to_us(moment))


def next_change(calendar: Calendar, moment: datetime) -> tuple[bool, datetime | None]:
    """Whether ``moment`` is in working time, and the next instant at which that
    changes (the end of the working stretch, or the start of the next one); None
    for never (24x7, or no working time for years ahead)."""
    check_aware(moment)
    if calendar.always_open:
        return True, None
    is_open_now, edge = compiled(calendar).next_edge(to_us(moment))
    return is_open_now, None if edge is None else from_us(edge)


# --- compilation ---------------------------------------------------------------------
