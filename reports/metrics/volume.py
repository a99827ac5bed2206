"""Escalation volume, the level funnel and repeat escalations."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from escalations.models import Escalation
from reports.metrics.base import Column, Report, ReportFilter, percent
from reports.models import LevelStint
from tickets.models import Tier

Kind, Trigger = Escalation.Kind, Escalation.Trigger
REPEAT_WINDOW = timedelta(days=30)


def escalations_in(f: ReportFilter):
    """Escalations made in the period (those rejected included: they were asked
    for), on tickets the filters keep; the level is the one escalated to."""
    return Escalation.objects.filter(f.period_q("created_at"), f.ticket_q(level_field="to_tier"))


def volume(f: ReportFilter) -> Report:
    """Escalations per day / week / month: functional and hierarchical, by trigger."""
    counts = {
        "functional": Count("pk", filter=Q(kind=Kind.FUNCTIONAL)),
        "hierarchical": Count("pk", filter=Q(kind=Kind.HIERARCHICAL)),
        **{t.value: Count("pk", filter=Q(trigger=t.value)) for t in Trigger},
    }
    rows = list(
        escalations_in(f)
        .annotate(bucket=f.bucket("created_at"))
        .values("bucket")
        .annotate(total=Count("pk"), **counts)
        .order_by("bucket")
    )
    columns = [
        Column("bucket", _("Period"), "date"),
        Column("total", _("Escalations")),
        Column("functional", _("Functional")),
        Column("hierarchical", _("Hierarchical")),
        *[Column(t.value, t.label) for t in Trigger],
    ]
    summary = {c.key: sum(r[c.key] for r in rows) for c in columns[1:]}
    return Report(
        "volume",
        _("Escalation volume"),
        columns,
        rows,
        summary=summary,
        chart={"kind": "bars", "x": "bucket", "series": ["functional", "hierarchical"]},
        drill=("bucket",),
    )


def funnel(f: ReportFilter) -> Report:
    """Of the tickets opened in the period, the share that reached each level,
    and the bounce-backs (stints that ended by going down a level)."""
    stints = LevelStint.objects.filter(
        f.period_q("ticket__created_at"), f.ticket_q(team_field="team_id", level_field="level")
    )
    figures = stints.aggregate(
        tickets=Count("ticket", distinct=True),
        bounced=Count("pk", filter=Q(how_left=LevelStint.How.DE_ESCALATED)),
        bounced_tickets=Count(
            "ticket", distinct=True, filter=Q(how_left=LevelStint.How.DE_ESCALATED)
        ),
        **{tier.value: Count("ticket", distinct=True, filter=Q(level=tier.value)) for tier in Tier},
        **{
            f"back_{tier.value}": Count(
                "pk", filter=Q(level=tier.value, how_left=LevelStint.How.DE_ESCALATED)
            )
            for tier in Tier
        },
    )
    total = figures["tickets"]
    rows = [
        {
            "level": tier.value,
            "tickets": figures[tier.value],
            "share": percent(figures[tier.value], total),
            "bounced": figures[f"back_{tier.value}"],
        }
        for tier in Tier
    ]
    return Report(
        "funnel",
        _("Funnel L1 → L2 → L3 → management"),
        [
            Column("level", _("Level"), "text"),
            Column("tickets", _("Tickets reaching it")),
            Column("share", _("Share of tickets"), "percent"),
            Column("bounced", _("Sent back down from it")),
        ],
        rows,
        summary={
            "tickets": total,
            "bounce_backs": figures["bounced"],
            "tickets_bounced": figures["bounced_tickets"],
        },
        chart={"kind": "bars", "x": "level", "series": ["tickets"]},
        drill=("level",),
    )


def repeats(f: ReportFilter) -> Report:
    """Tickets escalated more than once, and organization + category pairs whose
    tickets escalate again within 30 days of an earlier escalation."""
    base = escalations_in(f).exclude(ticket__organization=None).exclude(ticket__category=None)
    again = Escalation.objects.filter(
        ticket__organization=OuterRef("ticket__organization"),
        ticket__category=OuterRef("ticket__category"),
        created_at__gt=OuterRef("created_at"),
        created_at__lte=OuterRef("created_at") + REPEAT_WINDOW,
    ).exclude(ticket=OuterRef("ticket"))
    rows = list(
        base.annotate(again=Exists(again))
        .values(
            "ticket__organization",
            "ticket__organization__name",
            "ticket__category",
            "ticket__category__name",
        )
        .annotate(
            escalations=Count("pk"),
            tickets=Count("ticket", distinct=True),
            repeated=Count("pk", filter=Q(again=True)),
        )
        .filter(repeated__gt=0)
        .order_by("-repeated", "-escalations", "ticket__organization__name")
    )
    rows = [
        {
            "organization": r["ticket__organization"],
            "organization_name": r["ticket__organization__name"],
            "category": r["ticket__category"],
            "category_name": r["ticket__category__name"],
            "escalations": r["escalations"],
            "tickets": r["tickets"],
            "repeated": r["repeated"],
        }
        for r in rows
    ]
    multi = (
        escalations_in(f)
        .values("ticket")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .aggregate(tickets=Count("ticket"))
    )
    return Report(
        "repeats",
        _("Repeat escalations"),
        [
            Column("organization_name", _("Organization"), "text"),
            Column("category_name", _("Category"), "text"),
            Column("escalations", _("Escalations")),
            Column("tickets", _("Tickets")),
            Column("repeated", _("Escalated again within 30 days")),
        ],
        rows,
        summary={"tickets_escalated_more_than_once": multi["tickets"]},
        chart={"kind": "hbars", "x": "organization_name", "series": ["repeated"]},
        drill=("organization", "category"),
    )
