"""Drill-down: the tickets behind a figure of a report, as a queryset of
tickets, for a row's key (``Report.drill``) and the report's filter."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from escalations.models import EscalationReview, SlaClockAlert
from reports.metrics.approvals import asked_for_approval
from reports.metrics.base import ReportFilter
from reports.metrics.quality import reviews_of
from reports.metrics.sla import METRICS, clocks_of
from reports.metrics.times import resolution_clocks, stints_ended
from reports.metrics.volume import escalations_in
from reports.models import LevelStint, SurveyResponse
from tickets.bounds import DATE_RANGE_MESSAGE, FIRST_YEAR, LAST_YEAR
from tickets.models import Ticket, Tier


def _bucket(f: ReportFilter, value: str) -> tuple[datetime, datetime]:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({"bucket": _("A date (YYYY-MM-DD), please.")}) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # the bucket's end would overflow
        raise ValidationError({"bucket": DATE_RANGE_MESSAGE})
    start = datetime.combine(day, time(0), tzinfo=f.zone)
    if f.group == "day":
        end = start + timedelta(days=1)
    elif f.group == "week":
        end = start + timedelta(days=7)
    else:
        end = datetime.combine(
            date(day.year + day.month // 12, day.month % 12 + 1, 1), time(0), tzinfo=f.zone
        )
    return start, end


def _choice(key: Mapping[str, str], name: str, allowed) -> str:
    value = key.get(name, "")
    if value not in allowed:
        raise ValidationError({name: _("Not one of the choices.")})
    return value


def _id(key: Mapping[str, str], name: str) -> int | None:
    value = key.get(name, "")
    if value in ("", "None"):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError({name: _("A number, please.")}) from None


def _in_bucket(queryset: QuerySet, field: str, f: ReportFilter, key) -> QuerySet:
    start, end = _bucket(f, key.get("bucket", ""))
    return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def _volume(f, key):
    return _in_bucket(escalations_in(f), "created_at", f, key).values("ticket")


def _approvals(f, key):
    return _in_bucket(asked_for_approval(f), "created_at", f, key).values("ticket")


def _funnel(f, key):
    level = _choice(key, "level", Tier.values)
    return LevelStint.objects.filter(
        f.period_q("ticket_created_at"),
        f.ticket_q(team_field="team_id", level_field="level"),
        level=level,
    ).values("ticket")


def _time_at_level(f, key):
    return stints_ended(f).filter(level=_choice(key, "level", Tier.values)).values("ticket")


def _resolution(f, key):
    return _in_bucket(resolution_clocks(f), "met_at", f, key).values("ticket")


def _sla(f, key):
    metric = _choice(key, "metric", [m.value for m in METRICS])
    return SlaClockAlert.objects.filter(
        kind=SlaClockAlert.Kind.BREACH, clock__in=clocks_of(f).filter(metric=metric).values("pk")
    ).values("clock__ticket")


def _repeats(f, key):
    return (
        escalations_in(f)
        .filter(organization=_id(key, "organization"), category=_id(key, "category"))
        .values("ticket")
    )


def _quality(f, key):
    level = _choice(key, "level", Tier.values)
    return reviews_of(f).filter(escalation__to_tier=level).values("escalation__ticket")


def _root_causes(f, key):
    cause = _choice(key, "cause", EscalationReview.RootCause.values)
    return reviews_of(f).filter(root_cause_category=cause).values("escalation__ticket")


def _train_on(f, key):
    level = _choice(key, "level", Tier.values)
    category = _id(key, "category")
    return escalations_in(f).filter(from_tier=level, category=category).values("ticket")


def _csat(f, key):
    return SurveyResponse.objects.filter(
        f.period_q("sent_at"),
        f.ticket_q(team_field="team_id", level_field="level"),
        team=_id(key, "team"),
    ).values("ticket")


DRILLS: dict[str, Callable[[ReportFilter, Mapping[str, str]], QuerySet]] = {
    "volume": _volume,
    "funnel": _funnel,
    "time_at_level": _time_at_level,
    "resolution_time": _resolution,
    "sla": _sla,
    "repeats": _repeats,
    "quality": _quality,
    "csat": _csat,
    "root_causes": _root_causes,
    "train_on": _train_on,
    "approvals": _approvals,
}


def drill_tickets(*, name: str, f: ReportFilter, key: Mapping[str, str]) -> QuerySet[Ticket]:
    """The tickets behind the row ``key`` of report ``name`` (ValidationError on a bad key)."""
    return (
        Ticket.objects.filter(Q(pk__in=DRILLS[name](f, key)))
        .select_related("team", "organization", "category")
        .order_by("-created_at", "-id")
    )
