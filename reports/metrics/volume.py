"""Escalation volume, the level funnel and repeat escalations."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from escalations.models import Escalation
from reports.metrics.base import Column, Report, ReportFilter, percent, with_empty_buckets
from reports.metrics.daily import by_day
from reports.models import EscalationFact, LevelStint
from tickets.models import Tier

Kind, Trigger = Escalation.Kind, Escalation.Trigger


def escalations_in(f: ReportFilter):
    """Escalations made in the period (those rejected included: they were asked
    for), on tickets the filters keep; the level is the one escalated to. Read
    from the escalation facts, which carry the ticket's columns (no join)."""
    return EscalationFact.objects.filter(
        f.period_q("created_at"), f.ticket_q("", level_field="to_tier")
    )


def volume(f: ReportFilter) -> Report:
    """Escalations per day / week / month: functional and hierarchical, by trigger."""
    filters = {
        "functional": Q(kind=Kind.FUNCTIONAL),
        "hierarchical": Q(kind=Kind.HIERARCHICAL),
        **{t.value: Q(trigger=t.value) for t in Trigger},
    }
    rows = with_empty_buckets(
        by_day(f, filters, facts=escalations_in), f, dict.fromkeys(["total", *filters], 0)
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


def by_first_stints(f: ReportFilter) -> bool:
    """Whether the funnel counts its distinct tickets from the stints' flags
    (kept on PostgreSQL): not when a team or level filter drops some of a
    ticket's stints (its first of them need not be flagged)."""
    return connection.vendor == "postgresql" and not (f.teams is not None or f.team or f.level)


def funnel(f: ReportFilter) -> Report:
    """Of the tickets opened in the period, the share that reached each level,
    and the bounce-backs (stints that ended by going down a level). Every stint
    of a ticket shares its creation time, so a ticket's stints are all in the
    period or none: its first stint, first at a level and first sent back count
    its distinct tickets without a sort by ticket (``by_first_stints``)."""
    stints = LevelStint.objects.filter(
        f.period_q("ticket_created_at"), f.ticket_q(team_field="team_id", level_field="level")
    )
    bounce = Q(how_left=LevelStint.How.DE_ESCALATED)
    if by_first_stints(f):
        tickets = {
            "tickets": Count("pk", filter=Q(first_of_ticket=True)),
            "bounced_tickets": Count("pk", filter=Q(first_bounce=True)),
            **{
                tier.value: Count("pk", filter=Q(level=tier.value, first_at_level=True))
                for tier in Tier
            },
        }
    else:
        tickets = {
            "tickets": Count("ticket", distinct=True),
            "bounced_tickets": Count("ticket", distinct=True, filter=bounce),
            **{
                tier.value: Count("ticket", distinct=True, filter=Q(level=tier.value))
                for tier in Tier
            },
        }
    figures = stints.aggregate(
        **tickets,
        bounced=Count("pk", filter=bounce),
        **{f"back_{tier.value}": Count("pk", filter=Q(level=tier.value) & bounce) for tier in Tier},
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
