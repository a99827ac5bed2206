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
demand. Each call is then one or two binary searches, whatever the duration.
"""

from __future__ import annotations

import bisect
import threading
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
DAY_US = 86_400_000_000
MIN_YEAR, MAX_YEAR = 1900, 2400
# Years compiled around the first instant asked for; later calls extend the range.
INITIAL_SPAN_YEARS = 2


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
        start = _time_us(self.start)
        end = _time_us(self.end)
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
        start = interval.weekday * DAY_US + _time_us(interval.start)
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
    duration_us = _duration_us(duration)
    _check_aware(start)
    # In UTC first: arithmetic on an aware datetime in its own zone is wall-clock
    # arithmetic, which would make a 24x7 day across a DST change 23 or 25 hours.
    start = start.astimezone(UTC)
    if duration_us == 0:
        return start
    if calendar.always_open:
        return start + timedelta(microseconds=duration_us)
    return _from_us(_compiled(calendar).add(_to_us(start), duration_us))


def elapsed(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Business time between ``start`` and ``end``; zero when ``end`` is not after ``start``."""
    _check_aware(start)
    _check_aware(end)
    # Two datetimes sharing a tzinfo compare and subtract by wall clock, ignoring
    # ``fold`` and DST; in UTC they compare and subtract as instants.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if calendar.always_open:
        return end - start
    return timedelta(microseconds=_compiled(calendar).elapsed(_to_us(start), _to_us(end)))


def is_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether ``moment`` falls in working time (interval starts count, ends do not)."""
    _check_aware(moment)
    if calendar.always_open:
        return True
    return _compiled(calendar).is_open(_to_us(moment))


# --- compilation ---------------------------------------------------------------------


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def _to_us(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_US


def _from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def _duration_us(duration: timedelta | int) -> int:
    value = duration // ONE_US if isinstance(duration, timedelta) else int(duration) * 1_000_000
    if value < 0:
        raise ValueError("a business-time duration cannot be negative")
    return value


def _check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")


def _local_us(day: date, at: time, zone: zoneinfo.ZoneInfo) -> int:
    """UTC microseconds of a local wall-clock time (a time skipped by DST counts as
    the instant it would be under the offset before the change)."""
    return _to_us(datetime.combine(day, at, tzinfo=zone))


@dataclass(frozen=True)
class _Table:
    """Open intervals as sorted UTC microseconds, with business time before each."""

    first_year: int
    last_year: int
    low: int  # covered range [low, high)
    high: int
    starts: list[int]
    ends: list[int]
    before: list[int]  # business time in intervals [0, i)
    through: list[int]  # business time in intervals [0, i]

    def at(self, moment: int) -> int:
        """Business time from ``low`` to ``moment``."""
        i = bisect.bisect_right(self.starts, moment) - 1
        if i < 0:
            return 0
        return self.before[i] + min(moment, self.ends[i]) - self.starts[i]


class _Compiled:
    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.zone = calendar.zone
        by_weekday: dict[int, list[Interval]] = {}
        for interval in calendar.intervals:
            by_weekday.setdefault(interval.weekday, []).append(interval)
        self.by_weekday = by_weekday
        self.table: _Table | None = None
        self.lock = threading.Lock()

    # Years are local calendar years of the calendar's zone.
    def _year_of(self, moment: int) -> int:
        year = _from_us(moment).astimezone(self.zone).year
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(f"business time is supported from {MIN_YEAR} to {MAX_YEAR}")
        return year

    def _build(self, first_year: int, last_year: int) -> _Table:
        zone = self.zone
        low = _local_us(date(first_year, 1, 1), time(0), zone)
        high = _local_us(date(last_year + 1, 1, 1), time(0), zone)
        raw: list[tuple[int, int]] = []
        day = date(first_year, 1, 1) - timedelta(days=1)
        last = date(last_year, 12, 31)
        while day <= last:
            for interval in self.by_weekday.get(day.weekday(), ()):
                start = _local_us(day, interval.start, zone)
                end_day = day if interval.end > interval.start else day + timedelta(days=1)
                end = _local_us(end_day, interval.end, zone)
                if end > start:
                    raw.append((start, end))
            day += timedelta(days=1)
        raw.sort()
        merged: list[list[int]] = []
        for start, end in raw:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        holidays = self._holiday_windows(first_year, last_year)
        starts: list[int] = []
        ends: list[int] = []
        for start, end in merged:
            for piece_start, piece_end in _subtract((max(start, low), min(end, high)), holidays):
                starts.append(piece_start)
                ends.append(piece_end)
        before, through, total = [], [], 0
        for start, end in zip(starts, ends, strict=True):
            before.append(total)
            total += end - start
            through.append(total)
        return _Table(first_year, last_year, low, high, starts, ends, before, through)

    def _holiday_windows(self, first_year: int, last_year: int) -> list[tuple[int, int]]:
        calendar, zone = self.calendar, self.zone
        days = {d for d in calendar.holidays if first_year - 1 <= d.year <= last_year + 1}
        for year in range(first_year - 1, last_year + 2):
            for month, day_of_month in calendar.yearly_holidays:
                try:
                    days.add(date(year, month, day_of_month))
                except ValueError:  # 29 February outside leap years
                    continue
        return sorted(
            (_local_us(d, time(0), zone), _local_us(d + timedelta(days=1), time(0), zone))
            for d in days
        )

    def _covering(self, low: int, high: int) -> _Table:
        table = self.table
        if table is not None and table.low <= low and high < table.high:
            return table
        with self.lock:
            table = self.table
            if table is not None and table.low <= low and high < table.high:
                return table
            first = self._year_of(low)
            last = max(self._year_of(high), first + INITIAL_SPAN_YEARS - 1)
            if table is not None:
                first, last = min(first, table.first_year), max(last, table.last_year)
            self.table = self._build(first, last)
            return self.table

    def elapsed(self, start: int, end: int) -> int:
        table = self._covering(start, end)
        return table.at(end) - table.at(start)

    def is_open(self, moment: int) -> bool:
        table = self._covering(moment, moment)
        i = bisect.bisect_right(table.starts, moment) - 1
        return i >= 0 and moment < table.ends[i]

    def add(self, start: int, duration: int) -> int:
        table = self._covering(start, start)
        empty_years = 0
        while True:
            target = table.at(start) + duration
            j = bisect.bisect_left(table.through, target)
            if j < len(table.starts):
                return table.starts[j] + target - table.before[j]
            # Past the compiled range: compile another year and look again.
            total_before = table.through[-1] if table.through else 0
            table = self._covering(start, table.high + DAY_US * 366)
            total_after = table.through[-1] if table.through else 0
            empty_years = empty_years + 1 if total_after == total_before else 0
            if empty_years > 2:
                raise ValueError("the calendar has no working time")


def _subtract(span: tuple[int, int], holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    start, end = span
    pieces = []
    i = bisect.bisect_left(holes, (start, start)) - 1
    i = max(i, 0)
    for hole_start, hole_end in holes[i:]:
        if hole_start >= end:
            break
        if hole_end <= start:
            continue
        if hole_start > start:
            pieces.append((start, hole_start))
        start = max(start, hole_end)
        if start >= end:
            return pieces
    if start < end:
        pieces.append((start, end))
    return pieces


@lru_cache(maxsize=512)
def _compiled(calendar: Calendar) -> _Compiled:
    return _Compiled(calendar)
