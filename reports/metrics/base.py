"""What every report shares: the filter, the shape of a report, bucketing by
day / week / month in the viewer's time zone, and percentiles.

Every figure is one aggregate query in the database; no report loops over
tickets in Python, so the number of queries of a report is fixed.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Aggregate, F, FloatField, Func, Q
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

GROUPS = ("day", "week", "month")
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


@dataclass(frozen=True)
class ReportFilter:
    """The period ``[start, end)`` and the filters of a report. ``teams`` is
    the viewer's scope (None: every team); the other ids narrow further."""

    start: datetime
    end: datetime
    group: str = "week"
    time_zone: str = "UTC"
    teams: tuple[int, ...] | None = None
    team: int | None = None
    category: int | None = None
    priority: str = ""
    organization: int | None = None
    level: str = ""
    region: str = ""  # the organization's data region

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def ticket_q(
        self, prefix: str = "ticket__", *, team_field: str = "", level_field: str = ""
    ) -> Q:
        """The filters on the ticket behind a row (``prefix`` leads to it). The
        team and level are the ticket's unless the report names its own field."""
        q = Q()
        team_field = team_field or f"{prefix}team_id"
        level_field = level_field or f"{prefix}level"
        if self.teams is not None:
            q &= Q(**{f"{team_field}__in": self.teams})
        if self.team:
            q &= Q(**{team_field: self.team})
        if self.category:
            q &= Q(**{f"{prefix}category_id": self.category})
        if self.priority:
            q &= Q(**{f"{prefix}priority": self.priority})
        if self.organization:
            q &= Q(**{f"{prefix}organization_id": self.organization})
        if self.level:
            q &= Q(**{level_field: self.level})
        if self.region:
            q &= Q(**{f"{prefix}organization__data_region": self.region})
        return q

    def period_q(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})

    def bucket(self, field_name: str):
        """The start of the day, week (Monday) or month of ``field_name``, in the
        viewer's time zone."""
        return _TRUNC[self.group](field_name, tzinfo=self.zone)

    def buckets(self) -> list[datetime]:
        """The start of every day, week or month the period touches, in the
        viewer's time zone, in order (at most three years of days)."""
        zone = self.zone
        day = self.start.astimezone(zone).date()
        if self.group == "week":
            day -= timedelta(days=day.weekday())
        elif self.group == "month":
            day = day.replace(day=1)
        out = []
        while (moment := datetime.combine(day, time(), tzinfo=zone)) < self.end:
            out.append(moment)
            if self.group == "day":
                day += timedelta(days=1)
            elif self.group == "week":
                day += timedelta(days=7)
            else:
                day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        return out


def with_empty_buckets(rows: list[dict], f: ReportFilter, empty: dict) -> list[dict]:
    """``rows`` of a time series with a row of ``empty`` figures for each day,
    week or month that has none: a gap is drawn and listed as nothing happened,
    not left out (which drew the days either side of it next to each other)."""
    zone = f.zone
    held = {row["bucket"].astimezone(zone).date() for row in rows}
    missing = [{"bucket": start, **empty} for start in f.buckets() if start.date() not in held]
    if not missing:
        return rows
    return sorted(rows + missing, key=lambda row: row["bucket"])


@dataclass
class Column:
    key: str
    label: str
    kind: str = "int"  # int, float, percent, seconds, text, date


@dataclass
class Report:
    """A report's figures: headline numbers, a table, and what the chart draws."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    chart: dict[str, Any] = field(default_factory=dict)  # {"x": key, "series": [keys], "kind"}
    drill: tuple[str, ...] = ()  # the row keys a drill-down passes on

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": str(self.title),
            "columns": [
                {"key": c.key, "label": str(c.label), "kind": c.kind} for c in self.columns
            ],
            "rows": [{k: _plain(v) for k, v in row.items()} for row in self.rows],
            "summary": {k: _plain(v) for k, v in self.summary.items()},
        }


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class PercentileCont(Aggregate):
    """The continuous percentile (linear interpolation, as PostgreSQL's
    ``percentile_cont``). SQLite runs the same function, registered on every
    connection by ``reports.metrics.sqlite``."""

    function = "percentile_cont"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, fraction: float, **extra):
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        filter_sql = ""
        filter_params: list = []
        if self.filter is not None:
            where, filter_params = compiler.compile(self.filter)
            filter_sql = f" FILTER (WHERE {where})"
        return (
            f"percentile_cont({self.fraction}) WITHIN GROUP (ORDER BY {sql}){filter_sql}",
            [*params, *filter_params],
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if self.filter is not None:
            where, filter_params = compiler.compile(self.filter)
            sql, params = f"CASE WHEN {where} THEN {sql} END", [*filter_params, *params]
        return f"percentile_cont({sql}, {self.fraction})", params

    def as_sql(self, compiler, connection, **extra_context):  # other databases
        raise NotImplementedError("Percentiles need PostgreSQL or SQLite.")


class Seconds(Func):
    """A duration (or the difference of two times) in seconds, as a float."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"EXTRACT(EPOCH FROM ({sql}))::float", params

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django keeps durations on SQLite as integer microseconds.
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) / 1000000.0)", params


def between(later: str, earlier: str) -> Seconds:
    """Seconds from ``earlier`` to ``later`` (two date-time fields)."""
    from django.db.models import DurationField, ExpressionWrapper

    return Seconds(ExpressionWrapper(F(later) - F(earlier), output_field=DurationField()))


def percent(part: float | int | None, whole: float | int | None) -> float | None:
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def rounded(value: float | None, digits: int = 0) -> float | int | None:
    if value is None:
        return None
    return round(value, digits) if digits else round(value)
