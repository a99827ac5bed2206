"""SLA attainment per metric: first response, next update, resolution."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalations.clockstates import BREACHED, ENDED, OPEN, ClockState
from escalations.models import SlaClock
from reports.metrics.base import Column, Report, ReportFilter, percent
from reports.metrics.daily import midnights
from reports.models import ClockDay, ClockFact

Metric = SlaClock.Metric
METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_UPDATE, Metric.RESOLUTION)


def clocks_of(f: ReportFilter):
    """The SLA clocks of tickets opened in the period."""
    return SlaClock.objects.filter(
        f.period_q("ticket__created_at"), f.ticket_q(), metric__in=METRICS
    )


COUNTING = (BREACHED - ENDED) | {ClockState.RUNNING}
_SUMS = ("clocks", "targets", "breached", "missed")


def _figures(f: ReportFilter, now) -> dict[str, dict]:
    """Per metric: clocks, targets decided, breaches and missed updates, from the
    daily rollup for the whole UTC days of a UTC report and from the clock facts
    for the rest (see ``reports.metrics.daily``); at risk and breached now from
    the facts of the clocks still counting, with their live due times."""
    whole = midnights(f) if f.time_zone == "UTC" and not f.region else None
    figures: dict[str, dict] = {
        m.value: dict.fromkeys((*_SUMS, "at_risk", "breached_now"), 0) for m in METRICS
    }
    if whole is not None:
        for row in (
            ClockDay.objects.filter(
                f.ticket_q("", team_field="team_id", level_field="level"),
                day__gte=whole[0].date(),
                day__lt=whole[1].date(),
            )
            .values("metric")
            .annotate(**{k: Sum(k) for k in _SUMS})
            .order_by()
        ):
            for k in _SUMS:
                figures[row["metric"]][k] += row[k] or 0
        rest = Q(ticket_created_at__lt=whole[0]) | Q(ticket_created_at__gte=whole[1])
    else:
        whole, rest = None, Q()
    # Clock facts are kept for the reported metrics only.
    facts = ClockFact.objects.filter(
        f.period_q("ticket_created_at"), f.ticket_q("", level_field="level")
    )
    if whole is None or f.start < whole[0] or whole[1] < f.end:
        for row in (
            facts.filter(rest)
            .values("metric")
            .annotate(
                clocks=Count("pk"),
                targets=Sum(
                    Case(
                        When(state__in=OPEN, then=F("cycle") - 1),
                        default=F("cycle"),
                        output_field=IntegerField(),
                    )
                ),
                breached=Count("pk", filter=Q(state__in=BREACHED)),
                missed=Sum("missed"),
            )
            .order_by()
        ):
            for k in _SUMS:
                figures[row["metric"]][k] += row[k] or 0
    # The clocks still counting, with their live warning and due times (a
    # policy edit re-targets them without an event): both sides from an index.
    running = Q(state=ClockState.RUNNING)
    for row in (
        SlaClock.objects.filter(
            state__in=COUNTING,
            metric__in=METRICS,
            pk__in=facts.filter(state__in=COUNTING).values("clock_id"),
        )
        .values("metric")
        .annotate(
            at_risk=Count("pk", filter=running & Q(warn_at__lte=now, due_at__gt=now)),
            breached_now=Count(
                "pk", filter=Q(state__in=BREACHED - ENDED) | (running & Q(due_at__lte=now))
            ),
        )
        .order_by()
    ):
        for k in ("at_risk", "breached_now"):
            figures[row["metric"]][k] += row[k]
    return figures


def sla(f: ReportFilter, *, now=None) -> Report:
    """Per metric: targets decided (met or missed), breaches, attainment in
    percent, and what is at risk or breached now. A next-update clock counts
    each cycle (each update owed) as one target; the current cycle once met or
    breached. Targets are those each clock had: a later policy edit changes none."""
    now = now or timezone.now()
    figures = _figures(f, now)
    updates_missed = figures.get(Metric.NEXT_UPDATE.value, {}).get("missed", 0)
    rows = []
    for metric in METRICS:
        row = figures.get(metric.value, {})
        targets = row.get("targets") or 0
        # A breach the sweep has not recorded yet (still running past due) is
        # not counted until it is.
        missed = updates_missed if metric == Metric.NEXT_UPDATE else row.get("breached", 0)
        rows.append(
            {
                "metric": metric.value,
                "metric_name": str(metric.label),
                "clocks": row.get("clocks", 0),
                "targets": targets,
                "breaches": missed,
                "attainment": percent(targets - missed, targets),
                "at_risk": row.get("at_risk", 0),
                "breached_now": row.get("breached_now", 0),
            }
        )
    return Report(
        "sla",
        _("SLA attainment"),
        [
            Column("metric_name", _("Metric"), "text"),
            Column("targets", _("Targets decided")),
            Column("breaches", _("Breaches")),
            Column("attainment", _("Attainment"), "percent"),
            Column("at_risk", _("At risk now")),
            Column("breached_now", _("Breached now")),
        ],
        rows,
        summary={
            "breaches": sum(r["breaches"] for r in rows),
            "at_risk": sum(r["at_risk"] for r in rows),
        },
        chart={"kind": "hbars", "x": "metric_name", "series": ["attainment"]},
        drill=("metric",),
    )
