"""Business-time tables: a calendar compiled into sorted UTC open intervals with
running totals of business time, a few years at a time, extended on demand.
Pure: no database, no settings. Used through ``escalations.businesstime``."""

from __future__ import annotations

import bisect
import threading
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from escalations.businesstime import Calendar, Interval

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
DAY_US = 86_400_000_000
MIN_YEAR, MAX_YEAR = 1900, 2400
# Years compiled around the first instant asked for; later calls extend the range.
INITIAL_SPAN_YEARS = 2


def time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond


def to_us(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_US


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def duration_us(duration: timedelta | int) -> int:
    value = duration // ONE_US if isinstance(duration, timedelta) else int(duration) * 1_000_000
    if value < 0:
        raise ValueError("a business-time duration cannot be negative")
    return value


def check_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("business time needs aware datetimes")


def _local_us(day: date, at: time, zone: zoneinfo.ZoneInfo) -> int:
    """UTC microseconds of a local wall-clock time (a time skipped by DST counts as
    the instant it would be under the offset before the change)."""
    return to_us(datetime.combine(day, at, tzinfo=zone))


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
        year = from_us(moment).astimezone(self.zone).year
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

    def next_edge(self, moment: int) -> tuple[bool, int | None]:
        """Whether ``moment`` is open, and the next instant that changes it (None
        when the calendar has no working time for years ahead)."""
        table = self._covering(moment, moment)
        for _attempt in range(3):
            i = bisect.bisect_right(table.starts, moment) - 1
            if i >= 0 and moment < table.ends[i]:
                if table.ends[i] < table.high or i + 1 < len(table.starts):
                    return True, table.ends[i]
            elif i + 1 < len(table.starts):
                return False, table.starts[i + 1]
            table = self._covering(moment, table.high + DAY_US * 366)
        i = bisect.bisect_right(table.starts, moment) - 1
        return (i >= 0 and moment < table.ends[i]), None

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
def compiled(calendar: Calendar) -> _Compiled:
    return _Compiled(calendar)
