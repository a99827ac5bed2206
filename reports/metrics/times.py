"""Time at each level (from the level stints) and time to resolve (from the
resolution clocks), median and 90th percentile, in business and wall time."""

from __future__ import annotations

from django.db.models import Count, F, Q
from django.utils.timezone import make_aware
from django.utils.translation import gettext_lazy as _

from escalations.clockstates import ENDED
from escalations.models import SlaClock
from reports.metrics import histograms
from reports.metrics.base import (
    Column,
    PercentileCont,
    Report,
    ReportFilter,
    Seconds,
    between,
    with_empty_buckets,
)
from reports.metrics.base import rounded as r
from reports.metrics.percentiles import grouping_sets_supported, percentiles_grouped
from reports.models import LevelStint

_PERCENTILE_COLUMNS = [
    Column("business_median", _("Business time, median"), "seconds"),
    Column("business_p90", _("Business time, p90"), "seconds"),
    Column("wall_median", _("Wall time, median"), "seconds"),
    Column("wall_p90", _("Wall time, p90"), "seconds"),
]


def _percentiles(business, wall) -> dict:
    return {
        "business_median": PercentileCont(business, 0.5),
        "business_p90": PercentileCont(business, 0.9),
        "wall_median": PercentileCont(wall, 0.5),
        "wall_p90": PercentileCont(wall, 0.9),
    }


_HOW = {
    "escalated": LevelStint.How.ESCALATED,
    "resolved": LevelStint.How.RESOLVED,
    "handed_over": LevelStint.How.TRANSFERRED,
}
_VALUES = [c.key for c in _PERCENTILE_COLUMNS]


def _renamed(row: dict, f: ReportFilter, *, counts=(), n: str = "stints") -> dict:
    """A row of ``percentiles_grouped`` in the shape of the Django queries' rows."""
    out = {}
    if row.get("bucket") is not None:
        bucket = row["bucket"]  # the wall time in the viewer's zone, as the SQL gives it
        out["bucket"] = make_aware(bucket, f.zone) if bucket.tzinfo is None else bucket
    if "level" in row:
        out["level"] = row["level"]
    out[n] = row["n"]
    out.update({name: row[name] for name in counts})
    out.update({key: row[key] for key in _VALUES})
    return out


def _round(row: dict) -> dict:
    return {k: r(v) if k.endswith(("median", "p90")) else v for k, v in row.items()}


def stints_ended(f: ReportFilter):
    """Stints that ended in the period, with the stint's own team and level."""
    return LevelStint.objects.filter(
        f.period_q("left_at"), f.ticket_q(team_field="team_id", level_field="level")
    )


def _stint_figures(f: ReportFilter) -> tuple[list[dict], list[dict]]:
    """Per bucket and level, and per level over the period."""
    if histograms.answers(f, histograms.STINTS_ENDED):
        return histograms.stint_percentiles(f, {name: str(how) for name, how in _HOW.items()})
    return _stints_sorted(f)


def _stints_sorted(f: ReportFilter) -> tuple[list[dict], list[dict]]:
    """Every value of the period sorted (the histograms cannot answer)."""
    if grouping_sets_supported():
        found = percentiles_grouped(
            stints_ended(f)
            .annotate(bucket=f.bucket("left_at"))
            .values(
                "bucket",
                "level",
                "how_left",
                business=F("business_seconds"),
                wall=F("wall_seconds"),
            ),
            sets=[("bucket", "level"), ("level",)],
            counts={name: ("how_left", how) for name, how in _HOW.items()},
        )
        rows = [_renamed(row, f, counts=_HOW) for row in found if row["bucket"] is not None]
        overall = [_renamed(row, f) for row in found if row["bucket"] is None]
        return rows, overall
    rows = list(
        stints_ended(f)
        .annotate(bucket=f.bucket("left_at"))
        .values("bucket", "level")
        .annotate(
            stints=Count("pk"),
            escalated=Count("pk", filter=Q(how_left=LevelStint.How.ESCALATED)),
            resolved=Count("pk", filter=Q(how_left=LevelStint.How.RESOLVED)),
            # Follow-the-sun: handed to the team taking over at the same level.
            handed_over=Count("pk", filter=Q(how_left=LevelStint.How.TRANSFERRED)),
            **_percentiles(F("business_seconds"), F("wall_seconds")),
        )
        .order_by("bucket", "level")
    )
    overall = list(
        stints_ended(f)
        .values("level")
        .annotate(stints=Count("pk"), **_percentiles(F("business_seconds"), F("wall_seconds")))
        .order_by("level")
    )
    return rows, overall


def time_at_level(f: ReportFilter) -> Report:
    """Per level (and period bucket): stints ended, how they ended, and the time
    spent, business time without pending."""
    rows, overall = _stint_figures(f)
    return Report(
        "time_at_level",
        _("Time at each level"),
        [
            Column("bucket", _("Period"), "date"),
            Column("level", _("Level"), "text"),
            Column("stints", _("Stints ended")),
            Column("escalated", _("Escalated")),
            Column("resolved", _("Resolved")),
            Column("handed_over", _("Handed over")),
            *_PERCENTILE_COLUMNS,
        ],
        [_round(row) for row in rows],
        summary={row["level"]: _round(row) for row in overall},
        chart={"kind": "bars", "x": "level", "series": ["business_median", "business_p90"]},
        drill=("level",),
    )


def resolution_clocks(f: ReportFilter):
    """Resolution clocks met in the period (a reopened ticket's last resolution):
    the clock's own times, so the tickets table is joined only for filters on
    the ticket (an index on the met time serves the period)."""
    return SlaClock.objects.filter(
        f.period_q("met_at"),
        f.ticket_q(),
        metric=SlaClock.Metric.RESOLUTION,
        state__in=ENDED,
    )


def resolution_time(f: ReportFilter) -> Report:
    """Time to resolve: business time on the resolution clock (pending and the
    time a reopened ticket spent resolved left out) and wall time from the start
    of the clock (the ticket's creation) to the last resolution."""
    rows, overall = _resolution_figures(f)
    return Report(
        "resolution_time",
        _("Time to resolve"),
        [
            Column("bucket", _("Period"), "date"),
            Column("tickets", _("Tickets resolved")),
            *_PERCENTILE_COLUMNS,
        ],
        with_empty_buckets(
            [_round(row) for row in rows],
            f,
            {"tickets": 0, **{column.key: None for column in _PERCENTILE_COLUMNS}},
        ),
        summary=_round(overall),
        chart={"kind": "line", "x": "bucket", "series": ["business_median", "business_p90"]},
        drill=("bucket",),
    )


def _resolution_figures(f: ReportFilter) -> tuple[list[dict], dict]:
    if histograms.answers(f):
        return histograms.resolution_percentiles(f)
    return _resolution_sorted(f)


def _resolution_sorted(f: ReportFilter) -> tuple[list[dict], dict]:
    """Every value of the period sorted (the histograms cannot answer)."""
    business, wall = Seconds(F("business_used")), between("met_at", "started_at")
    if grouping_sets_supported():
        found = percentiles_grouped(
            resolution_clocks(f)
            .annotate(bucket=f.bucket("met_at"))
            .values("bucket", business=business, wall=wall),
            sets=[("bucket",), ()],
        )
        rows = [_renamed(row, f, n="tickets") for row in found if row["bucket"] is not None]
        overall = next(_renamed(row, f, n="tickets") for row in found if row["bucket"] is None)
        return rows, overall
    percentiles = _percentiles(business, wall)
    rows = list(
        resolution_clocks(f)
        .annotate(bucket=f.bucket("met_at"))
        .values("bucket")
        .annotate(tickets=Count("pk"), **percentiles)
        .order_by("bucket")
    )
    overall = resolution_clocks(f).aggregate(tickets=Count("pk"), **percentiles)
    return rows, overall
