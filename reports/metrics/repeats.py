"""Repeat escalations: tickets escalated more than once, and organization +
category pairs whose tickets keep escalating within 30 days of each other."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.db.models import Count, F, Min, Q
from django.utils.translation import gettext_lazy as _

from reports.metrics.base import Column, Report, ReportFilter
from reports.metrics.volume import escalations_in
from tickets.models import Category, Organization

REPEAT_WINDOW = timedelta(days=30)


def firsts_in(f: ReportFilter):
    """Each escalated ticket's first escalation of the period: the one whose
    previous escalation of the ticket is before the period (kept on the facts,
    so no grouping by ticket). The level filter picks escalations rather than
    tickets: it has no such row (``grouped_by_ticket``)."""
    return escalations_in(f).filter(Q(previous_at__isnull=True) | Q(previous_at__lt=f.start))


def grouped_by_ticket(f: ReportFilter) -> bool:
    return bool(f.level)


def _pairs_sql(f: ReportFilter) -> tuple[str, list]:
    """One row per escalated ticket of the period: its organization and category,
    its first escalation, and 30 days before it."""
    if grouped_by_ticket(f):
        first = Min("created_at")
        per_ticket = (
            escalations_in(f)
            .exclude(organization=None)
            .exclude(category=None)
            .annotate(org=F("organization"), cat=F("category"))
            .values("ticket", "org", "cat")
            .annotate(first=first, since=first - REPEAT_WINDOW)
        )
    else:
        per_ticket = (
            firsts_in(f)
            .exclude(organization=None)
            .exclude(category=None)
            .values(
                org=F("organization"),
                cat=F("category"),
                first=F("created_at"),
                since=F("created_at") - REPEAT_WINDOW,
            )
        )
    return per_ticket.order_by().query.sql_with_params()


def escalated_more_than_once(f: ReportFilter) -> int:
    """Tickets escalated at least twice in the period: those whose first
    escalation there has its next one inside the period too."""
    if grouped_by_ticket(f):
        return (
            escalations_in(f)
            .values("ticket")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .aggregate(tickets=Count("ticket"))["tickets"]
        )
    return firsts_in(f).filter(next_at__lt=f.end).count()


def repeats(f: ReportFilter) -> Report:
    """Per organization and category: escalations, tickets, and the tickets that
    escalated within 30 days after the pair's previous escalated ticket (a window
    over each pair's tickets in time order: one pass, no lookup per row); and how
    many tickets were escalated more than once."""
    inner, params = _pairs_sql(f)
    org, cat = Organization._meta.db_table, Category._meta.db_table
    sql = f"""
        SELECT p.org, o.name, p.cat, c.name, p.tickets, p.repeated
        FROM (
            SELECT x.org, x.cat, COUNT(*) AS tickets,
                   SUM(CASE WHEN x.previous >= x.since THEN 1 ELSE 0 END) AS repeated
            FROM (
                SELECT y.org, y.cat, y.since,
                       LAG(y.first) OVER (PARTITION BY y.org, y.cat ORDER BY y.first) AS previous
                FROM ({inner}) y
            ) x
            GROUP BY x.org, x.cat
        ) p
        JOIN {org} o ON o.id = p.org
        JOIN {cat} c ON c.id = p.cat
        WHERE p.repeated > 0
        ORDER BY p.repeated DESC, p.tickets DESC, o.name
    """  # noqa: S608  (table names from the models, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = [
        {
            "organization": org_id,
            "organization_name": org_name,
            "category": cat_id,
            "category_name": cat_name,
            "tickets": tickets,
            "repeated": repeated,
        }
        for org_id, org_name, cat_id, cat_name, tickets, repeated in found
    ]
    return Report(
        "repeats",
        _("Repeat escalations"),
        [
            Column("organization_name", _("Organization"), "text"),
            Column("category_name", _("Category"), "text"),
            Column("tickets", _("Tickets escalated")),
            Column("repeated", _("Escalated within 30 days of the previous one")),
        ],
        rows,
        summary={"tickets_escalated_more_than_once": escalated_more_than_once(f)},
        chart={"kind": "hbars", "x": "organization_name", "series": ["repeated"]},
        drill=("organization", "category"),
    )
