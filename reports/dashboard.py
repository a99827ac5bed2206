"""The manager dashboard: what needs a manager now in his teams, and this week
against last week. A fixed number of aggregate queries, whatever the size."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from escalations.clockstates import BREACHED, ENDED, ClockState
from escalations.models import Escalation, EscalationReview, SlaClock, SlaClockAlert
from notifications.models import UpdateCadence
from reports.metrics.sla import METRICS
from tickets.models import Status, Ticket

OPEN = [Status.NEW, Status.OPEN, Status.PENDING]


def _teams(prefix: str, teams: tuple[int, ...] | None) -> Q:
    return Q() if teams is None else Q(**{f"{prefix}team__in": teams})


def week_start(now: datetime, time_zone: str) -> datetime:
    """Monday 00:00 of the week of ``now`` in ``time_zone``."""
    local = now.astimezone(zoneinfo.ZoneInfo(time_zone))
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, time(0), tzinfo=local.tzinfo)


def breached_clocks(*, teams: tuple[int, ...] | None, now: datetime):
    """SLA clocks of open tickets that are past their target now."""
    return SlaClock.objects.filter(
        _teams("ticket__", teams),
        Q(state__in=BREACHED - ENDED) | Q(state=ClockState.RUNNING, due_at__lte=now),
        ticket__status__in=OPEN,
        metric__in=METRICS,
    )


def manager_dashboard(
    *, teams: tuple[int, ...] | None, time_zone: str = "UTC", now: datetime | None = None
) -> dict:
    now = now or timezone.now()
    this_week = week_start(now, time_zone)
    last_week = this_week - timedelta(days=7)
    next_week = this_week + timedelta(days=7)
    running = Q(state=ClockState.RUNNING)
    clocks = SlaClock.objects.filter(
        _teams("ticket__", teams), ticket__status__in=OPEN, metric__in=METRICS
    ).aggregate(
        breached=Count(
            "ticket",
            distinct=True,
            filter=Q(state__in=BREACHED - ENDED) | (running & Q(due_at__lte=now)),
        ),
        at_risk=Count(
            "ticket", distinct=True, filter=running & Q(warn_at__lte=now, due_at__gt=now)
        ),
    )
    worst = list(
        breached_clocks(teams=teams, now=now)
        .select_related("ticket", "ticket__team")
        .order_by("due_at", "pk")[:10]
    )
    escalations = Escalation.objects.filter(_teams("ticket__", teams)).aggregate(
        open=Count(
            "pk", filter=Q(status__in=[Escalation.Status.ACTIVE, Escalation.Status.MONITORING])
        ),
        approvals=Count("pk", filter=Q(status=Escalation.Status.REQUESTED)),
        this_week=Count("pk", filter=Q(created_at__gte=this_week, created_at__lt=next_week)),
        last_week=Count("pk", filter=Q(created_at__gte=last_week, created_at__lt=this_week)),
    )
    due = now - timedelta(days=settings.REPORTS_REVIEW_DUE_DAYS)
    reviews = EscalationReview.objects.filter(
        _teams("escalation__ticket__", teams), submitted_at__isnull=True
    ).aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(requested_at__lt=due)))
    missed = UpdateCadence.objects.filter(
        _teams("ticket__", teams), ticket__status__in=OPEN, due_at__lt=now
    ).count()
    tickets = Ticket.objects.filter(_teams("", teams)).aggregate(
        created_this=Count("pk", filter=Q(created_at__gte=this_week, created_at__lt=next_week)),
        created_last=Count("pk", filter=Q(created_at__gte=last_week, created_at__lt=this_week)),
        resolved_this=Count("pk", filter=Q(resolved_at__gte=this_week, resolved_at__lt=next_week)),
        resolved_last=Count("pk", filter=Q(resolved_at__gte=last_week, resolved_at__lt=this_week)),
    )
    breaches = SlaClockAlert.objects.filter(
        _teams("clock__ticket__", teams),
        kind=SlaClockAlert.Kind.BREACH,
        recorded_at__gte=last_week,
        recorded_at__lt=next_week,
    ).aggregate(
        this_week=Count("pk", filter=Q(recorded_at__gte=this_week)),
        last_week=Count("pk", filter=Q(recorded_at__lt=this_week)),
    )
    return {
        "breached_now": clocks["breached"],
        "at_risk": clocks["at_risk"],
        "open_escalations": escalations["open"],
        "approvals_waiting": escalations["approvals"],
        "reviews_due": reviews["due"],
        "reviews_overdue": reviews["overdue"],
        "missed_updates": missed,
        "worst": worst,
        "week_start": this_week,
        "weeks": [
            ("tickets_created", tickets["created_this"], tickets["created_last"]),
            ("tickets_resolved", tickets["resolved_this"], tickets["resolved_last"]),
            ("escalations", escalations["this_week"], escalations["last_week"]),
            ("breaches", breaches["this_week"], breaches["last_week"]),
        ],
    }
