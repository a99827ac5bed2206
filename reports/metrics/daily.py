"""Escalation counts per period bucket, from the daily rollup where it can
answer and from the escalation facts where it cannot.

The rollup's days are UTC days. A report in UTC takes the whole UTC days of its
period from the rollup (week and month buckets are made of whole days) and the
hours before the first midnight and after the last one from the facts, so its
figures are exactly those of the facts. A report in another time zone, or
limited to a data region (which the rollup does not carry), counts the facts
themselves: its buckets are its own midnights, which do not fall on UTC days.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from reports.metrics.base import ReportFilter
from reports.models import EscalationDay

_DAY_TRUNC = {"week": TruncWeek, "month": TruncMonth}


def midnights(f: ReportFilter) -> tuple[datetime, datetime] | None:
    """The first and last UTC midnight inside the period, if a whole day lies between."""
    first = datetime.combine(f.start.astimezone(UTC).date(), time(), tzinfo=UTC)
    if first < f.start:
        first += timedelta(days=1)
    last = datetime.combine(f.end.astimezone(UTC).date(), time(), tzinfo=UTC)
    return (first, last) if first < last else None


def _as_bucket(day: date | datetime) -> datetime:
    if isinstance(day, datetime):  # from the facts, in the viewer's time zone
        return day
    return datetime.combine(day, time(), tzinfo=UTC)


def by_day(
    f: ReportFilter, filters: dict[str, Q], *, facts: Callable[[ReportFilter], QuerySet]
) -> list[dict]:
    """Rows ``{"bucket", "total", <name>: count ...}`` in bucket order: escalations
    per bucket, and those matching each of ``filters`` (on kind and trigger)."""
    whole = midnights(f) if f.time_zone == "UTC" and not f.region else None
    edges = facts(f)
    if whole is not None:
        first, last = whole
        edges = edges.filter(Q(created_at__lt=first) | Q(created_at__gte=last))
    found: dict[datetime, dict] = {}

    def add(row: dict) -> None:
        bucket = _as_bucket(row.pop("bucket"))
        into = found.setdefault(bucket, {"bucket": bucket, **dict.fromkeys(["total", *filters], 0)})
        for key, value in row.items():
            into[key] += value or 0

    if whole is not None:
        days = EscalationDay.objects.filter(
            f.ticket_q("", team_field="team_id", level_field="level"),
            day__gte=whole[0].date(),
            day__lt=whole[1].date(),
        )
        bucket = _DAY_TRUNC[f.group]("day") if f.group in _DAY_TRUNC else F("day")
        for row in (
            days.annotate(bucket=bucket)
            .values("bucket")
            .annotate(total=Sum("n"), **{k: Sum("n", filter=q) for k, q in filters.items()})
            .order_by()
        ):
            add(row)
    if whole is None or f.start < whole[0] or whole[1] < f.end:
        for row in (
            edges.annotate(bucket=f.bucket("created_at"))
            .values("bucket")
            .annotate(total=Count("pk"), **{k: Count("pk", filter=q) for k, q in filters.items()})
            .order_by()
        ):
            add(row)
    return [found[b] for b in sorted(found) if found[b]["total"]]
