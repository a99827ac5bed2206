"""Exact percentiles from daily histograms, on PostgreSQL: time to resolve
(resolution clocks) and time at each level (stints).

``percentile_cont`` sorts every value of a group: 450,000 resolutions or
250,000 stints for a year, per bucket and again for the whole period. A daily
rollup (``ResolutionDay``, ``StintDay``) keeps, per UTC day and team (and
level, for the stints), how many values there were and how many of their
business and wall times fall in each histogram bin (a bin's values are all
below the next bin's: ``rollup_sql.histogram_bin``); the facts
(``ClockFact``, ``StintFact``) keep each value and its bins. So the k-th value
of a group is found in two queries whatever the period:

1. the bin counts of every bucket: the period's whole UTC days from the
   rollup, the hours before the first and after the last UTC midnight from
   the facts (the same expressions as the rollup's key). Counting them up
   gives, for each group (bucket and level, or the whole period), value and
   wanted rank, the bin holding that rank and its position in the bin;
2. for each of those, the values of that one bin in the group's time range,
   read in order from the covering index of the bin (``<facts>_<value>_bin``)
   up to the position: the exact value.

The figures are those of ``percentile_cont``: the same ranks
(``floor`` and ``ceil`` of ``fraction * (n - 1)``), the same values (the
seconds are stored as the report computes them) and the same linear
interpolation between the two neighbours (which may lie in two bins).

It answers a report in UTC filtered on teams at most (and on the level, for
the stints, whose level is the rollup's): the rollup's grain. Any other
filter, a time zone or a data region, and SQLite, use the sort.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.db import connection
from django.utils.timezone import make_aware

from reports.metrics.base import ReportFilter
from reports.metrics.daily import midnights
from reports.metrics.percentiles import FRACTIONS
from reports.models import ClockFact, StintFact
from reports.services.fact_specs import CLOCKS
from reports.services.rollup_sql import Rollup, Spec
from reports.services.stint_facts import STINTS

VALUES = ("business", "wall")
_DAY_TRUNC = {
    "day": "{}",
    "week": "date_trunc('week', {})::date",
    "month": "date_trunc('month', {})::date",
}


@dataclass(frozen=True)
class Source:
    """Where a figure's values and their daily histograms are kept."""

    facts: Callable[[], str]  # the fact table: ``team_id``, each value and its ``_bin``
    at: str  # the facts' time column: the rollup's day and the report's period
    rollup: Spec | Rollup  # key: day, team_id, [level], kind, bin; its ``spread``, ``where``
    by_level: bool = False  # facts and rollup carry a level, which keys every figure

    def expr(self, name: str) -> str:
        """The rollup's expression of a key column over the facts (``s``)."""
        return dict(self.rollup.key)[name]


RESOLUTIONS = Source(lambda: ClockFact._meta.db_table, "met_at", CLOCKS.more[0])
STINTS_ENDED = Source(lambda: StintFact._meta.db_table, "left_at", STINTS, by_level=True)


def answers(f: ReportFilter, source: Source = RESOLUTIONS) -> bool:
    """Whether the histograms of ``source`` can answer this report."""
    return (
        connection.vendor == "postgresql"
        and f.time_zone == "UTC"
        and not (f.region or f.category or f.priority or f.organization)
        and (source.by_level or not f.level)
    )


def _filters(source: Source, f: ReportFilter, prefix: str) -> tuple[str, list]:
    sql, params = "", []
    if f.teams is not None:
        sql, params = f" AND {prefix}team_id = ANY(%s)", [list(f.teams)]
    if f.team:
        sql, params = f"{sql} AND {prefix}team_id = %s", [*params, f.team]
    if source.by_level and f.level:
        sql, params = f"{sql} AND {prefix}level = %s", [*params, f.level]
    return sql, params


def _bucket_end(start: date, group: str) -> date:
    if group == "day":
        return start + timedelta(days=1)
    if group == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass
class _Group:
    start: datetime
    end: datetime
    counts: dict[str, dict[int, int]]  # kind -> bin -> values
    level: str | None = None

    def n(self, kind: str = "n") -> int:
        return sum(self.counts.get(kind, {}).values())


Counts = dict[tuple[date, str | None], dict[str, dict[int, int]]]


def _counts(source: Source, f: ReportFilter) -> Counts:
    """Query 1: per bucket (its first day) and level, kind ("n", a count, a value) and bin."""
    whole = midnights(f)
    level = ", level" if source.by_level else ""
    parts, params = [], []
    if whole is not None:
        where, where_params = _filters(source, f, "")
        bucket = _DAY_TRUNC[f.group].format("day::timestamp")
        parts.append(
            f"SELECT {bucket} AS bucket{level}, kind, bin, n FROM {source.rollup.day_table()} "  # noqa: S608
            f"WHERE day >= %s AND day < %s{where}"
        )
        params += [whole[0].date(), whole[1].date(), *where_params]
        edges = [(f.start, whole[0]), (whole[1], f.end)]
    else:
        edges = [(f.start, f.end)]
    edges = [(low, high) for low, high in edges if low < high]
    if edges:
        where, where_params = _filters(source, f, "s.")
        at = f"s.{source.at}"
        bucket = _DAY_TRUNC[f.group].format(f"({at} AT TIME ZONE 'UTC')::date::timestamp")
        within = " OR ".join(f"({at} >= %s AND {at} < %s)" for _ in edges)
        parts.append(
            f"SELECT {bucket} AS bucket{', s.level' if level else ''}, "  # noqa: S608
            f"{source.expr('kind')} AS kind, {source.expr('bin')} AS bin, 1 AS n "
            f"FROM {source.facts()} s {source.rollup.spread} "
            f"WHERE ({source.rollup.where or 'true'}) AND ({within}){where}"
        )
        params += [moment for edge in edges for moment in edge] + where_params
    found: Counts = {}
    if not parts:  # an empty period
        return found
    sql = (
        f"SELECT bucket{level}, kind, bin, SUM(n) FROM ({' UNION ALL '.join(parts)}) x "  # noqa: S608
        f"GROUP BY bucket{level}, kind, bin HAVING SUM(n) > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, *grouped, kind, bin_, n in cursor.fetchall():
            bucket = bucket.date() if isinstance(bucket, datetime) else bucket
            key = (bucket, grouped[0] if grouped else None)
            found.setdefault(key, {}).setdefault(kind, {})[bin_] = int(n)
    return found


@dataclass(frozen=True)
class _Read:
    """Values ``offset`` to ``offset + count - 1`` (0-based, in order) of one
    bin of one value (and level) among the facts of ``[start, end)``."""

    value: str
    bin: int
    level: str | None
    start: datetime
    end: datetime
    offset: int
    count: int


_READ_COLUMNS = ("bin", "level", "start", "end", "offset", "count")


def _locate(counts: dict[int, int], rank: int) -> tuple[int, int]:
    """The bin holding the ``rank``-th value (0-based) and its position there."""
    bins = sorted(counts)
    ends = list(accumulate(counts[b] for b in bins))
    index = bisect_right(ends, rank)
    return bins[index], rank - (ends[index - 1] if index else 0)


def _plan(group: _Group, value: str, fraction: float) -> list[tuple[_Read, int]]:
    """The reads (and the position in each read) of the two neighbours of
    ``percentile_cont(fraction)``: one read when they share a bin."""
    position = fraction * (group.n(value) - 1)
    low, high = math.floor(position), math.ceil(position)
    low_bin, low_at = _locate(group.counts[value], low)
    high_bin, high_at = _locate(group.counts[value], high)
    where = (group.level, group.start, group.end)
    if low_bin == high_bin:
        read = _Read(value, low_bin, *where, low_at, high_at - low_at + 1)
        return [(read, 0), (read, high_at - low_at)]
    return [
        (_Read(value, low_bin, *where, low_at, 1), 0),
        (_Read(value, high_bin, *where, high_at, 1), 0),
    ]


def _read(source: Source, reads: list[_Read], f: ReportFilter) -> dict[_Read, list[float]]:
    """Query 2: every read at once, each from the covering index of its bin."""
    if not reads:
        return {}
    where, where_params = _filters(source, f, "s.")
    at = f"s.{source.at}"
    level = " AND s.level = t.level" if source.by_level else ""
    parts, params = [], []
    for value in VALUES:
        mine = [(i, read) for i, read in enumerate(reads) if read.value == value]
        if not mine:
            continue
        parts.append(
            f"SELECT t.i, ARRAY(SELECT s.{value} FROM {source.facts()} s "  # noqa: S608
            f"WHERE s.{value}_bin = t.bin{level} AND {at} >= t.low AND {at} < t.high "
            f"AND {at} IS NOT NULL{where} "
            f"ORDER BY s.{value} OFFSET t.skip LIMIT t.take) "
            "FROM unnest(%s::int[], %s::int[], %s::text[], %s::timestamptz[], "
            "%s::timestamptz[], %s::int[], %s::int[]) AS t(i, bin, level, low, high, skip, take)"
        )
        params += [
            *where_params,
            [i for i, _ in mine],
            *([getattr(read, name) for _, read in mine] for name in _READ_COLUMNS),
        ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {reads[i]: list(values) for i, values in cursor.fetchall()}


def percentiles(source: Source, f: ReportFilter) -> tuple[list[dict], list[dict]]:
    """Rows per bucket (and level) and per level over the period (one row
    without levels): ``bucket``, ``level``, ``n``, the count of each other
    kind (e.g. the ways stints ended) and ``<value>_median`` / ``_p90``."""
    by_bucket = _counts(source, f)
    groups: list[tuple[date | None, _Group]] = []
    overall: dict[str | None, _Group] = {}
    if not source.by_level:
        overall[None] = _Group(f.start, f.end, {})
    for bucket, level in sorted(by_bucket, key=lambda key: (key[0], key[1] or "")):
        counts = by_bucket[(bucket, level)]
        start = max(f.start, datetime.combine(bucket, time(), tzinfo=UTC))
        end = min(f.end, datetime.combine(_bucket_end(bucket, f.group), time(), tzinfo=UTC))
        groups.append((bucket, _Group(start, end, counts, level)))
        into = overall.setdefault(level, _Group(f.start, f.end, {}, level)).counts
        for kind, bins in counts.items():
            kind_into = into.setdefault(kind, {})
            for bin_, n in bins.items():
                kind_into[bin_] = kind_into.get(bin_, 0) + n
    groups += [(None, overall[level]) for level in sorted(overall, key=lambda lv: lv or "")]
    plans = {
        (index, value, suffix): _plan(group, value, fraction)
        for index, (_, group) in enumerate(groups)
        for value in VALUES
        if group.counts.get(value)
        for suffix, fraction in FRACTIONS.items()
    }
    got = _read(source, list(dict.fromkeys(read for plan in plans.values() for read, _ in plan)), f)
    rows = []
    for index, (bucket, group) in enumerate(groups):
        row: dict = {}
        if bucket is not None:
            row["bucket"] = make_aware(datetime.combine(bucket, time()), f.zone)
        if source.by_level:
            row["level"] = group.level
        row.update({kind: group.n(kind) for kind in group.counts if kind not in VALUES})
        row["n"] = group.n()
        for value in VALUES:
            for suffix, fraction in FRACTIONS.items():
                plan = plans.get((index, value, suffix))
                row[f"{value}_{suffix}"] = _value(plan, got, fraction, group, value)
        rows.append(row)
    return rows[: len(rows) - len(overall)], rows[len(rows) - len(overall) :]


def _value(plan, got, fraction: float, group: _Group, value: str) -> float | None:
    """``percentile_cont``'s interpolation between the two neighbours."""
    if plan is None:
        return None
    (low_read, low_at), (high_read, high_at) = plan
    low, high = got[low_read][low_at], got[high_read][high_at]
    position = fraction * (group.n(value) - 1)
    first = math.floor(position)
    if math.ceil(position) == first:
        return low
    return low + (high - low) * (position - first)


def _shaped(row: dict, n: str, counts: dict[str, str]) -> dict:
    out = {key: row[key] for key in ("bucket", "level") if key in row}
    out[n] = row["n"]
    out.update({name: row.get(kind, 0) for name, kind in counts.items()})
    out.update({f"{v}_{s}": row[f"{v}_{s}"] for v in VALUES for s in FRACTIONS})
    return out


def resolution_percentiles(f: ReportFilter) -> tuple[list[dict], dict]:
    """Rows per bucket (``bucket``, ``tickets``, ``<value>_median`` / ``_p90``)
    and the whole period's, as ``times._resolution_sorted`` gives them."""
    rows, overall = percentiles(RESOLUTIONS, f)
    return [_shaped(row, "tickets", {}) for row in rows], _shaped(overall[0], "tickets", {})


def stint_percentiles(f: ReportFilter, counts: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """Rows per bucket and level (``stints`` and each of ``counts``: name, way
    the stints ended) and per level over the period, as ``times._stints_sorted``
    gives them."""
    rows, overall = percentiles(STINTS_ENDED, f)
    return [_shaped(row, "stints", counts) for row in rows], [
        _shaped(row, "stints", {}) for row in overall
    ]
