"""What the reviews say: hand-off quality, effectiveness, review completion,
root causes and what to train on."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalations.models import EscalationReview
from reports.metrics.base import Column, Report, ReportFilter, percent, rounded
from tickets.models import Category

RootCause = EscalationReview.RootCause


def reviews_of(f: ReportFilter):
    """Reviews of escalations made in the period; the level is the receiving one."""
    return EscalationReview.objects.filter(
        f.period_q("escalation__created_at"),
        f.ticket_q("escalation__ticket__", level_field="escalation__to_tier"),
    )


def quality(f: ReportFilter, *, now=None) -> Report:
    """Per receiving level: reviews requested, submitted, overdue, and the mean
    hand-off quality, effectiveness and customer satisfaction (1-5)."""
    now = now or timezone.now()
    due = now - timedelta(days=settings.REPORTS_REVIEW_DUE_DAYS)
    rows = list(
        reviews_of(f)
        .values("escalation__to_tier")
        .annotate(
            requested=Count("pk"),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            overdue=Count("pk", filter=Q(submitted_at__isnull=True, requested_at__lt=due)),
            handoff_quality=Avg("handoff_quality"),
            effectiveness=Avg("effectiveness"),
            satisfaction=Avg("customer_satisfaction"),
        )
        .order_by("escalation__to_tier")
    )
    rows = [
        {
            "level": row.pop("escalation__to_tier"),
            **row,
            "completion": percent(row["submitted"], row["requested"]),
            "handoff_quality": rounded(row["handoff_quality"], 2),
            "effectiveness": rounded(row["effectiveness"], 2),
            "satisfaction": rounded(row["satisfaction"], 2),
        }
        for row in rows
    ]
    requested = sum(r["requested"] for r in rows)
    submitted = sum(r["submitted"] for r in rows)
    return Report(
        "quality",
        _("Hand-off quality and reviews"),
        [
            Column("level", _("Receiving level"), "text"),
            Column("requested", _("Reviews requested")),
            Column("submitted", _("Submitted")),
            Column("completion", _("Completion"), "percent"),
            Column("overdue", _("Overdue")),
            Column("handoff_quality", _("Hand-off quality (1-5)"), "float"),
            Column("effectiveness", _("Effectiveness (1-5)"), "float"),
            Column("satisfaction", _("Customer satisfaction (1-5)"), "float"),
        ],
        rows,
        summary={
            "requested": requested,
            "completion": percent(submitted, requested),
            "overdue": sum(r["overdue"] for r in rows),
        },
        chart={"kind": "bars", "x": "level", "series": ["handoff_quality", "effectiveness"]},
        drill=("level",),
    )


def root_causes(f: ReportFilter) -> Report:
    """Submitted reviews by root-cause category, most frequent first."""
    rows = list(
        reviews_of(f)
        .filter(submitted_at__isnull=False)
        .exclude(root_cause_category="")
        .values("root_cause_category")
        .annotate(reviews=Count("pk"), tickets=Count("escalation__ticket", distinct=True))
        .order_by("-reviews", "root_cause_category")
    )
    total = sum(r["reviews"] for r in rows)
    labels = dict(RootCause.choices)
    rows = [
        {
            "cause": r["root_cause_category"],
            "cause_name": str(labels.get(r["root_cause_category"], r["root_cause_category"])),
            "reviews": r["reviews"],
            "tickets": r["tickets"],
            "share": percent(r["reviews"], total),
        }
        for r in rows
    ]
    return Report(
        "root_causes",
        _("Top root causes"),
        [
            Column("cause_name", _("Root cause"), "text"),
            Column("reviews", _("Reviews")),
            Column("tickets", _("Tickets")),
            Column("share", _("Share"), "percent"),
        ],
        rows,
        summary={"reviews": total},
        chart={"kind": "hbars", "x": "cause_name", "series": ["reviews"]},
        drill=("cause",),
    )


def train_on(f: ReportFilter) -> Report:
    """What to train on: the categories and levels that escalate most (the level
    escalated from), with the root causes their reviews found.

    A group's tickets are its escalations whose ticket had no escalation of the
    same level and cause earlier in the period (kept on the facts), so the
    groups are counted in one pass without sorting by ticket; with a level
    filter, which drops some of a ticket's escalations, they are counted
    distinct. The category names are read for the groups alone."""
    from reports.metrics.volume import escalations_in

    if f.level:
        tickets = Count("ticket", distinct=True)
    else:
        first = Q(previous_same_at__isnull=True) | Q(previous_same_at__lt=f.start)
        tickets = Count("pk", filter=first)
    groups = list(
        escalations_in(f)
        .values("category", "from_tier", "root_cause")
        .annotate(escalations=Count("pk"), tickets=tickets)
        .order_by()
    )
    names = dict(
        Category.objects.filter(pk__in={r["category"] for r in groups}).values_list("pk", "name")
    )
    no_category = str(_("(no category)"))
    for r in groups:
        r["category__name"] = names.get(r["category"])
    groups.sort(
        key=lambda r: (
            -r["escalations"],
            r["category__name"] is None,
            r["category__name"] or "",
            r["from_tier"],
        )
    )
    labels = dict(RootCause.choices)
    rows = [
        {
            "category": r["category"],
            "category_name": r["category__name"] or no_category,
            "level": r["from_tier"],
            "cause": r["root_cause"],
            "cause_name": str(labels.get(r["root_cause"], _("not reviewed"))),
            "escalations": r["escalations"],
            "tickets": r["tickets"],
        }
        for r in groups[:50]
    ]
    return Report(
        "train_on",
        _("What to train on"),
        [
            Column("category_name", _("Category"), "text"),
            Column("level", _("Escalated from"), "text"),
            Column("cause_name", _("Root cause"), "text"),
            Column("escalations", _("Escalations")),
            Column("tickets", _("Tickets")),
        ],
        rows,
        chart={"kind": "hbars", "x": "category_name", "series": ["escalations"]},
        drill=("category", "level"),
    )
