"""Time to resolve's exact percentiles from the daily histograms, on PostgreSQL.

``percentile_cont`` sorts every value of a group: 450,000 of them for a year
of resolutions, per week and again for the whole period. The daily rollup
``ResolutionDay`` keeps, per UTC day and team, how many resolutions there were
and how many of their business and wall times fall in each histogram bin (a
bin's values are all below the next bin's: ``rollups.resolution_bin``). So the
k-th value of a group is found in two queries whatever the period:

1. the bin counts of every bucket: the period's whole UTC days from the
   rollup, the hours before the first and after the last UTC midnight from
   the clock facts (index ``clockfact_met``). Counting them up gives, for each
   group (bucket or whole period), value and wanted rank, the bin holding that
   rank and its position in the bin;
2. for each of those, the values of that one bin in the group's time range,
   read in order from the covering index of the bin (``clockfact_<value>_bin``)
   up to the position: the exact value.

The figures are those of ``percentile_cont``: the same ranks
(``floor`` and ``ceil`` of ``fraction * (n - 1)``), the same values (the
seconds are stored as the report computes them) and the same linear
interpolation between the two neighbours (which may lie in two bins).

It answers a report in UTC filtered on teams at most (the rollup's grain);
any other filter, a time zone or a data region, and SQLite, use the sort.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate

from django.db import connection
from django.utils.timezone import make_aware

from reports.metrics.base import ReportFilter
from reports.metrics.daily import midnights
from reports.metrics.percentiles import FRACTIONS
from reports.models import ClockFact, ResolutionDay

VALUES = ("business", "wall")
_DAY_TRUNC = {
    "day": "{}",
    "week": "date_trunc('week', {})::date",
    "month": "date_trunc('month', {})::date",
}


def answers(f: ReportFilter) -> bool:
    """Whether the histograms can answer this report."""
    return (
        connection.vendor == "postgresql"
        and f.time_zone == "UTC"
        and not (f.region or f.category or f.priority or f.organization or f.level)
    )


def _teams(f: ReportFilter, column: str) -> tuple[str, list]:
    sql, params = "", []
    if f.teams is not None:
        sql, params = f" AND {column} = ANY(%s)", [list(f.teams)]
    if f.team:
        sql, params = f"{sql} AND {column} = %s", [*params, f.team]
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
    counts: dict[str, dict[int, int]]  # value -> bin -> values

    def n(self) -> int:
        return sum(self.counts["n"].values())


def _counts(f: ReportFilter) -> dict[date, dict[str, dict[int, int]]]:
    """Query 1: per bucket (its first day), value ("n", "business", "wall") and bin, the count."""
    whole = midnights(f)
    parts, params = [], []
    if whole is not None:
        team_sql, team_params = _teams(f, "team_id")
        bucket = _DAY_TRUNC[f.group].format("day::timestamp")
        parts.append(
            f"SELECT {bucket} AS bucket, kind, bin, n FROM {ResolutionDay._meta.db_table} "  # noqa: S608
            f"WHERE day >= %s AND day < %s{team_sql}"
        )
        params += [whole[0].date(), whole[1].date(), *team_params]
        edges = [(f.start, whole[0]), (whole[1], f.end)]
    else:
        edges = [(f.start, f.end)]
    edges = [(low, high) for low, high in edges if low < high]
    if edges:
        team_sql, team_params = _teams(f, "s.team_id")
        bucket = _DAY_TRUNC[f.group].format("(s.met_at AT TIME ZONE 'UTC')::date::timestamp")
        within = " OR ".join("(s.met_at >= %s AND s.met_at < %s)" for _ in edges)
        parts.append(
            f"SELECT {bucket} AS bucket, k.kind, CASE k.kind WHEN 'business' THEN s.business_bin "  # noqa: S608
            f"WHEN 'wall' THEN s.wall_bin ELSE 0 END AS bin, 1 AS n "
            f"FROM {ClockFact._meta.db_table} s "
            f"CROSS JOIN (VALUES ('n'), ('business'), ('wall')) k(kind) "
            f"WHERE s.met_at IS NOT NULL AND ({within}){team_sql}"
        )
        params += [moment for edge in edges for moment in edge] + team_params
    found: dict[date, dict[str, dict[int, int]]] = {}
    if not parts:  # an empty period
        return found
    sql = (
        f"SELECT bucket, kind, bin, SUM(n) FROM ({' UNION ALL '.join(parts)}) x "  # noqa: S608
        "GROUP BY bucket, kind, bin HAVING SUM(n) > 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for bucket, kind, bin_, n in cursor.fetchall():
            bucket = bucket.date() if isinstance(bucket, datetime) else bucket
            found.setdefault(bucket, {"n": {}, "business": {}, "wall": {}})[kind][bin_] = int(n)
    return found


@dataclass(frozen=True)
class _Read:
    """Values ``offset`` to ``offset + count - 1`` (0-based, in order) of one
    bin of one value among the resolutions of ``[start, end)``."""

    value: str
    bin: int
    start: datetime
    end: datetime
    offset: int
    count: int


def _locate(counts: dict[int, int], rank: int) -> tuple[int, int]:
    """The bin holding the ``rank``-th value (0-based) and its position there."""
    bins = sorted(counts)
    ends = list(accumulate(counts[b] for b in bins))
    index = bisect_right(ends, rank)
    return bins[index], rank - (ends[index - 1] if index else 0)


def _plan(group: _Group, value: str, fraction: float) -> list[tuple[_Read, int]]:
    """The reads (and the position in each read) of the two neighbours of
    ``percentile_cont(fraction)``: one read when they share a bin."""
    n = sum(group.counts[value].values())
    position = fraction * (n - 1)
    low, high = math.floor(position), math.ceil(position)
    low_bin, low_at = _locate(group.counts[value], low)
    high_bin, high_at = _locate(group.counts[value], high)
    if low_bin == high_bin:
        read = _Read(value, low_bin, group.start, group.end, low_at, high_at - low_at + 1)
        return [(read, 0), (read, high_at - low_at)]
    return [
        (_Read(value, low_bin, group.start, group.end, low_at, 1), 0),
        (_Read(value, high_bin, group.start, group.end, high_at, 1), 0),
    ]


def _read(reads: list[_Read], f: ReportFilter) -> dict[_Read, list[float]]:
    """Query 2: every read at once, each from the covering index of its bin."""
    if not reads:
        return {}
    team_sql, team_params = _teams(f, "s.team_id")
    parts, params = [], []
    for value in VALUES:
        mine = [(i, read) for i, read in enumerate(reads) if read.value == value]
        if not mine:
            continue
        parts.append(
            f"SELECT t.i, ARRAY(SELECT s.{value} FROM {ClockFact._meta.db_table} s "  # noqa: S608
            f"WHERE s.{value}_bin = t.bin AND s.met_at >= t.low AND s.met_at < t.high "
            f"AND s.met_at IS NOT NULL{team_sql} "
            f"ORDER BY s.{value} OFFSET t.skip LIMIT t.take) "
            "FROM unnest(%s::int[], %s::int[], %s::timestamptz[], %s::timestamptz[], "
            "%s::int[], %s::int[]) AS t(i, bin, low, high, skip, take)"
        )
        params += [
            *team_params,
            [i for i, _ in mine],
            [read.bin for _, read in mine],
            [read.start for _, read in mine],
            [read.end for _, read in mine],
            [read.offset for _, read in mine],
            [read.count for _, read in mine],
        ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {reads[i]: list(values) for i, values in cursor.fetchall()}


def resolution_percentiles(f: ReportFilter) -> tuple[list[dict], dict]:
    """Rows per bucket (``bucket``, ``tickets``, ``<value>_median`` / ``_p90``)
    and the whole period's, as ``times._resolution_figures`` gives them."""
    by_bucket = _counts(f)
    groups: list[tuple[date | None, _Group]] = []
    overall = _Group(f.start, f.end, {"n": {}, "business": {}, "wall": {}})
    for bucket in sorted(by_bucket):
        counts = by_bucket[bucket]
        start = max(f.start, datetime.combine(bucket, time(), tzinfo=UTC))
        end = min(f.end, datetime.combine(_bucket_end(bucket, f.group), time(), tzinfo=UTC))
        groups.append((bucket, _Group(start, end, counts)))
        for kind, bins in counts.items():
            into = overall.counts[kind]
            for bin_, n in bins.items():
                into[bin_] = into.get(bin_, 0) + n
    groups.append((None, overall))
    plans = {
        (index, value, suffix): _plan(group, value, fraction)
        for index, (_, group) in enumerate(groups)
        for value in VALUES
        if group.counts[value]
        for suffix, fraction in FRACTIONS.items()
    }
    got = _read(list(dict.fromkeys(read for plan in plans.values() for read, _ in plan)), f)
    rows = []
    for index, (bucket, group) in enumerate(groups):
        row: dict = {}
        if bucket is not None:
            row["bucket"] = make_aware(datetime.combine(bucket, time()), f.zone)
        row["tickets"] = group.n()
        for value in VALUES:
            for suffix, fraction in FRACTIONS.items():
                plan = plans.get((index, value, suffix))
                row[f"{value}_{suffix}"] = _value(plan, got, fraction, group, value)
        rows.append(row)
    return rows[:-1], rows[-1]


def _value(plan, got, fraction: float, group: _Group, value: str) -> float | None:
    """``percentile_cont``'s interpolation between the two neighbours."""
    if plan is None:
        return None
    (low_read, low_at), (high_read, high_at) = plan
    low, high = got[low_read][low_at], got[high_read][high_at]
    n = sum(group.counts[value].values())
    position = fraction * (n - 1)
    first = math.floor(position)
    if math.ceil(position) == first:
        return low
    return low + (high - low) * (position - first)
