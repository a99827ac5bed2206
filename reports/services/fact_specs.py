"""The escalation and SLA clock facts and their daily rollups, described for
``rollup_sql``: what a ticket's escalations and clocks count (read again from
the live tables on every refresh) and the rollup keys and measures. Kept by
``reports.services.rollups``; the stints' are in ``stint_facts``."""

from __future__ import annotations

from django.db import connection

from escalations.clockstates import BREACHED, ENDED, OPEN
from escalations.models import Escalation, EscalationReview, SlaClock, SlaClockAlert
from reports.models import ClockDay, ClockFact, EscalationDay, EscalationFact, ResolutionDay
from reports.services.rollup_sql import Rollup, Spec, histogram_bin
from tickets.models import Ticket

METRICS = ("first_response", "next_update", "resolution")


def _in(values) -> str:
    # Fixed values of the code (states, metrics), never user input.
    return "(" + ", ".join(f"'{v}'" for v in sorted(values)) + ")"


def _escalations_select(where: str) -> str:
    return f"""
        SELECT e.id AS escalation_id, e.ticket_id, e.created_at, t.team_id, t.category_id,
               t.organization_id, t.priority, e.kind, e.trigger, e.status, e.from_tier,
               e.to_tier, e.decided_by_id IS NOT NULL AS decided, e.decided_at,
               COALESCE(r.root_cause_category, '') AS root_cause,
               LAG(e.created_at) OVER ticket AS previous_at,
               LEAD(e.created_at) OVER ticket AS next_at,
               LAG(e.created_at) OVER same AS previous_same_at
        FROM {Ticket._meta.db_table} t
        JOIN {Escalation._meta.db_table} e ON e.ticket_id = t.id
        LEFT JOIN {EscalationReview._meta.db_table} r ON r.escalation_id = e.id
        WHERE {where}
        WINDOW ticket AS (PARTITION BY e.ticket_id ORDER BY e.created_at, e.id),
               same AS (PARTITION BY e.ticket_id, e.from_tier,
                        COALESCE(r.root_cause_category, '') ORDER BY e.created_at, e.id)"""  # noqa: S608


def _resolved() -> str:
    """A resolution met, with its seconds as the time-to-resolve report computes
    them (``EXTRACT(EPOCH ...)::float``), on PostgreSQL; NULLs on SQLite."""
    if connection.vendor != "postgresql":
        names = ("met_at", "business", "wall", "business_bin", "wall_bin")
        return ", ".join(f"NULL AS {name}" for name in names)
    met = f"c.metric = 'resolution' AND c.state IN {_in(ENDED)}"
    business = "EXTRACT(EPOCH FROM c.business_used)::float"
    wall = "EXTRACT(EPOCH FROM (c.met_at - c.started_at))::float"
    return (
        f"CASE WHEN {met} THEN c.met_at END AS met_at, "
        f"CASE WHEN {met} THEN {business} END AS business, "
        f"CASE WHEN {met} THEN {wall} END AS wall, "
        f"CASE WHEN {met} THEN {histogram_bin(business)} END AS business_bin, "
        f"CASE WHEN {met} THEN {histogram_bin(wall)} END AS wall_bin"
    )


def _clocks_select(where: str) -> str:
    return f"""
        SELECT c.id AS clock_id, c.ticket_id, t.created_at AS ticket_created_at, t.team_id,
               t.category_id, t.organization_id, t.priority, t.level, c.metric, c.state,
               c.cycle,
               (SELECT COUNT(*) FROM {SlaClockAlert._meta.db_table} a
                WHERE a.clock_id = c.id AND a.kind = 'breach') AS missed,
               {_resolved()}
        FROM {SlaClock._meta.db_table} c
        JOIN {Ticket._meta.db_table} t ON t.id = c.ticket_id
        WHERE c.metric IN {_in(METRICS)} AND {where}"""  # noqa: S608


_FILTERS = (
    ("team_id", "COALESCE(s.team_id, 0)"),
    ("category_id", "COALESCE(s.category_id, 0)"),
    ("organization_id", "COALESCE(s.organization_id, 0)"),
    ("priority", "s.priority"),
)

ESCALATIONS = Spec(
    fact_table=lambda: EscalationFact._meta.db_table,
    fact_columns=(
        *("escalation_id", "ticket_id", "created_at", "team_id", "category_id"),
        *("organization_id", "priority", "kind", "trigger", "status", "from_tier"),
        *("to_tier", "decided", "decided_at", "root_cause", "previous_at", "next_at"),
        "previous_same_at",
    ),
    select=_escalations_select,
    # Tickets by primary key: on ``e.ticket_id`` the planner, misled by a table grown
    # since analysed, hash-joined a scan of every ticket.
    ticket_column="t.id",
    row_column="e.id",
    day_table=lambda: EscalationDay._meta.db_table,
    key=(
        ("day", "__day__s.created_at"),
        *_FILTERS,
        ("level", "s.to_tier"),
        ("kind", "s.kind"),
        ("trigger", "s.trigger"),
    ),
    measures=(("n", "1"),),
)

CLOCKS = Spec(
    fact_table=lambda: ClockFact._meta.db_table,
    fact_columns=(
        *("clock_id", "ticket_id", "ticket_created_at", "team_id", "category_id"),
        *("organization_id", "priority", "level", "metric", "state", "cycle", "missed"),
        *("met_at", "business", "wall", "business_bin", "wall_bin"),
    ),
    select=_clocks_select,
    ticket_column="c.ticket_id",
    row_column="c.id",
    day_table=lambda: ClockDay._meta.db_table,
    key=(
        ("day", "__day__s.ticket_created_at"),
        *_FILTERS,
        ("level", "s.level"),
        ("metric", "s.metric"),
    ),
    measures=(
        ("clocks", "1"),
        # A running next-update cycle is not decided yet (as the report counts).
        ("targets", f"CASE WHEN s.state IN {_in(OPEN)} THEN s.cycle - 1 ELSE s.cycle END"),
        ("breached", f"CASE WHEN s.state IN {_in(BREACHED)} THEN 1 ELSE 0 END"),
        ("missed", "s.missed"),
    ),
    more=(
        # Resolutions per day and team: all of them ("n") and each value's histogram.
        Rollup(
            day_table=lambda: ResolutionDay._meta.db_table,
            key=(
                ("day", "__day__s.met_at"),
                ("team_id", "COALESCE(s.team_id, 0)"),
                ("kind", "k.kind"),
                (
                    "bin",
                    "CASE k.kind WHEN 'business' THEN s.business_bin "
                    "WHEN 'wall' THEN s.wall_bin ELSE 0 END",
                ),
            ),
            # Both values of a resolution are set (the clock's start and
            # business time are never NULL), so each counts in all three.
            measures=(("n", "1"),),
            spread="CROSS JOIN (VALUES ('n'), ('business'), ('wall')) k(kind)",
            where="s.met_at IS NOT NULL",
            postgresql_only=True,
        ),
    ),
)
