"""SLA attainment per metric: first response, next update, resolution."""

from __future__ import annotations

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalations.clockstates import BREACHED, ENDED, OPEN, ClockState
from escalations.models import SlaClock, SlaClockAlert
from reports.metrics.base import Column, Report, ReportFilter, percent

Metric = SlaClock.Metric
METRICS = (Metric.FIRST_RESPONSE, Metric.NEXT_UPDATE, Metric.RESOLUTION)


def clocks_of(f: ReportFilter):
    """The SLA clocks of tickets opened in the period."""
    return SlaClock.objects.filter(
        f.period_q("ticket__created_at"), f.ticket_q(), metric__in=METRICS
    )


def sla(f: ReportFilter, *, now=None) -> Report:
    """Per metric: targets decided (met or missed), breaches, attainment in
    percent, and what is at risk or breached now. A next-update clock counts
    each cycle (each update owed) as one target; the current cycle once met or
    breached. Targets are those each clock had: a later policy edit changes none."""
    now = now or timezone.now()
    running = Q(state=ClockState.RUNNING)
    figures = {
        row["metric"]: row
        for row in clocks_of(f)
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
            at_risk=Count("pk", filter=running & Q(warn_at__lte=now, due_at__gt=now)),
            breached_now=Count(
                "pk",
                filter=Q(state__in=BREACHED - ENDED) | (running & Q(due_at__lte=now)),
            ),
        )
    }
    # First response and resolution have one cycle: a breached state is the
    # breach. Next update breaches once per cycle at most: count its alerts.
    updates_missed = SlaClockAlert.objects.filter(
        kind=SlaClockAlert.Kind.BREACH,
        clock__in=clocks_of(f).filter(metric=Metric.NEXT_UPDATE).values("pk"),
    ).count()
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
