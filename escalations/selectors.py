"""Reads for SLA-aware lists: next due time, per-clock state filters."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from escalations.models import PriorityDefinition, SlaClock

SLA_STATUS_CHOICES = [
    ("at_risk", "at risk"),
    ("breached", "breached"),
    ("paused", "paused"),
]


def with_clocks(queryset: QuerySet) -> QuerySet:
    """Tickets with their clocks (and the clocks' calendars) in one more query."""
    return queryset.prefetch_related(
        Prefetch(
            "sla_clocks",
            queryset=SlaClock.objects.select_related("calendar").order_by("metric"),
        )
    )


def with_next_due(queryset: QuerySet) -> QuerySet:
    """Annotate ``next_due``: the earliest due time of a running clock."""
    running = SlaClock.objects.filter(ticket=OuterRef("pk"), status=SlaClock.Status.RUNNING)
    return queryset.annotate(next_due=Subquery(running.order_by("due_at").values("due_at")[:1]))


def order_by_urgency(queryset: QuerySet) -> QuerySet:
    """Nearest SLA due time first; tickets with no running clock after, by priority."""
    return with_next_due(queryset).order_by(
        F("next_due").asc(nulls_last=True), "priority", "created_at", "id"
    )


def filter_sla_status(queryset: QuerySet, state: str, now: datetime) -> QuerySet:
    """Tickets with at least one clock at risk, breached or paused as of ``now``."""
    clocks = SlaClock.objects.filter(ticket=OuterRef("pk"))
    running = Q(status=SlaClock.Status.RUNNING)
    conditions = {
        "at_risk": running & Q(warn_at__lte=now, due_at__gt=now),
        "breached": Q(status=SlaClock.Status.BREACHED) | (running & Q(due_at__lte=now)),
        "paused": Q(status=SlaClock.Status.PAUSED),
    }
    return queryset.filter(Exists(clocks.filter(conditions[state])))


def priority_definitions() -> list[PriorityDefinition]:
    return list(PriorityDefinition.objects.order_by("priority"))
