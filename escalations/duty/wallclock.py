"""Wall-clock instants of a rotation's hand-offs. Pure: no database, no settings.

A rotation hands off at a local wall time (``09:00``) every ``shift`` of wall-clock
time, so a daily rotation hands off at 09:00 every day, DST or not: the shift
that spans a DST change lasts 23 or 25 hours of real time.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

ONE_SECOND = timedelta(seconds=1)


def instant(naive: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of a local wall time. A time the clocks repeat is read as
    its first occurrence; a time they skip as the moment they jump (so later wall
    times never map to earlier instants)."""
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # Skipped: the jump lies between the readings under the offsets after and before it.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high, before = first, low.astimezone(zone).utcoffset()
    while high - low > ONE_SECOND:
        middle = low + (high - low) // 2
        if middle.astimezone(zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high


def wall(moment: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    """The local wall time of ``moment``, naive."""
    return moment.astimezone(zone).replace(tzinfo=None)


def shift_index(
    *, anchor: datetime, shift: timedelta, moment: datetime, zone: zoneinfo.ZoneInfo
) -> int:
    """The number ``k`` of the shift running at ``moment``: the one that began at
    the ``k``-th hand-off after ``anchor`` (a naive local wall time); negative
    before the first hand-off."""
    k = (wall(moment, zone) - anchor) // shift
    # The wall-time estimate is off by at most one around a DST change.
    while instant(anchor + (k + 1) * shift, zone) <= moment:
        k += 1
    while instant(anchor + k * shift, zone) > moment:
        k -= 1
    return k


def handoff_at(*, anchor: datetime, shift: timedelta, k: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """The instant of the ``k``-th hand-off."""
    return instant(anchor + k * shift, zone)
