"""Escalation, SLA clock and stint facts and their daily rollups, kept incrementally.

A change that can move an escalation or a clock in a report refreshes the facts
of its ticket (``rollup_sql.refresh``): an escalation step (made, approved,
rejected, reviewed ...), a clock moving (the ticket created, its status changed,
a public reply, a breach the sweep recorded), a stint ending (a status change,
a move of level or team, a policy edit), or the ticket's team, category,
priority, organization or level changing. The refresh adds "what the ticket's rows
count now" minus "what its stored facts counted" to the daily rollups with one
UPSERT each, so it is idempotent. In a batch job (the SLA sweep) the
tickets are collected and refreshed together when the batch is flushed: the
sweep's statements per batch grow by two, not per ticket. A breach moves one
clock (its state and missed count), nothing else of its ticket: only the facts
of the clocks breached are refreshed, and none for a level clock (not reported;
an escalation it makes refreshes the ticket's facts through its own events).

A rebuild (``rollups_rebuild``, ``manage.py rebuild_rollups``) is the same
refresh over ranges of ticket ids: resumable, and it converges on the plain
aggregates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction

from escalations.clockstates import BREACHED, ENDED, OPEN
from escalations.models import Escalation, EscalationReview, SlaClock, SlaClockAlert
from reports.models import ClockDay, ClockFact, EscalationDay, EscalationFact, ResolutionDay
from reports.services import stint_facts, stints
from reports.services.rollup_sql import Rollup, Spec, histogram_bin, refresh, utc_day
from reports.services.stint_facts import STINT_MODELS, STINTS
from tickets import batch
from tickets.models import Comment, Ticket, User

# The ticket columns the facts carry: a change of one of them moves them.
FACT_FIELDS = frozenset({"team", "category", "priority", "organization", "level"})
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
SPECS = (ESCALATIONS, CLOCKS, STINTS)


def _kept(specs: Iterable[Spec]) -> list[Spec]:
    """The specs kept on the database in use."""
    return [s for s in specs if connection.vendor == "postgresql" or not s.postgresql_only]


def _ready(spec: Spec) -> Spec:
    """The spec with the UTC day expression of the database in use."""

    def key(of: Spec | Rollup) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, utc_day(expr.removeprefix("__day__")) if expr.startswith("__day__") else expr)
            for name, expr in of.key
        )

    more = tuple(Rollup(**{**rollup.__dict__, "key": key(rollup)}) for rollup in spec.more)
    return Spec(**{**spec.__dict__, "key": key(spec), "more": more})


def facts_refresh(*, ticket_ids: Iterable[int], specs: Iterable[Spec] = SPECS) -> None:
    """Bring the facts and daily rollups of these tickets up to date."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return
    for spec in _kept(specs):
        refresh(_ready(spec), _among(ids), ids)
        if spec is STINTS:
            stint_facts.firsts_refresh(_among(ids), ids)


def clock_facts_refresh(*, clock_ids: Iterable[int]) -> None:
    """Bring the facts of these clocks (and their share of the daily rollups)
    up to date, and no other clock's of their tickets."""
    ids = sorted(set(clock_ids))
    if ids:
        refresh(_ready(CLOCKS), _among(ids), ids, rows=True)


def _among(ids: list[int]) -> str:
    return "{col} IN (" + ", ".join(["%s"] * len(ids)) + ")"


def _memo_name(spec: Spec) -> str:
    return f"report-facts:{spec.fact_table()}"


def _touch(ticket_id: int, *specs: Spec) -> None:
    """Refresh now, or (in a batch job) once for all its tickets when it is flushed."""
    for spec in _kept(specs):
        name = _memo_name(spec)
        touched = batch.memo(name, set)
        touched.add(ticket_id)
        if not batch.on_flush(name, lambda t=touched, s=spec: _flush(t, s)):
            _flush(touched, spec)


def _flush(touched: set[int], spec: Spec) -> None:
    if spec is STINTS:  # the stints the batch ended are written first
        batch.flush_first(stints.BATCH_FLUSH)
    facts_refresh(ticket_ids=touched, specs=[spec])
    touched.clear()


def on_escalation_step(*, escalation: Escalation, actor: User | None, step, what: str) -> None:
    """Made, decided, reviewed ...: the ticket's escalation facts follow."""
    _touch(escalation.ticket_id, ESCALATIONS)


def on_ticket_created(*, ticket: Ticket, actor: User | None) -> None:
    """The new ticket's clocks (started by the CLOCKS phase)."""
    _touch(ticket.pk, CLOCKS)


def on_ticket_changed(*, ticket: Ticket, actor: User | None, fields: Iterable[str]) -> None:
    """A ticket moved to another team, category, priority, organization or level:
    its escalations and clocks count there from now on (a priority re-targets clocks)."""
    if FACT_FIELDS & set(fields):
        _touch(ticket.pk, *SPECS)


def on_ticket_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """Clocks pause, resume, are met or start again; resolving closes the
    ticket's functional escalations."""
    _touch(ticket.pk, *SPECS)


def on_comment_added(*, comment: Comment, actor: User | None, by_agent: bool) -> None:
    """An agent's public reply meets the first response or a next-update cycle."""
    if by_agent and comment.is_public:
        _touch(comment.ticket_id, CLOCKS)


def on_sla_recomputed(*, tickets: list[Ticket]) -> None:
    """A policy or calendar edit re-targeted (or met) these tickets' clocks."""
    facts_refresh(ticket_ids=[ticket.pk for ticket in tickets], specs=[CLOCKS])


def on_sla_breach(*, clock: SlaClock, now) -> None:
    """The sweep recorded a breach (and its alert): the fact of that clock
    follows, when the batch is flushed (unless its ticket's are all refreshed then)."""
    if clock.metric not in METRICS:
        return
    name = "report-facts:breached-clocks"
    breached = batch.memo(name, dict)  # clock id -> ticket id
    breached[clock.pk] = clock.ticket_id
    if not batch.on_flush(name, lambda: _flush_breached(breached)):
        _flush_breached(breached)


def _flush_breached(breached: dict[int, int]) -> None:
    # Tickets whose clocks are all refreshed in this flush need no clock of their own.
    whole = batch.recall(_memo_name(CLOCKS), set())
    ids = [pk for pk, ticket_id in breached.items() if ticket_id not in whole]
    breached.clear()
    clock_facts_refresh(clock_ids=ids)


@dataclass
class Progress:
    tickets_to: int  # the last ticket id of the batch
    rows: int  # rollup rows changed


def rollups_rebuild(
    *, batch_size: int = 50_000, after_id: int = 0, from_scratch: bool = False
) -> Iterator[Progress]:
    """Refresh the facts of every ticket in id ranges of ``batch_size``, each in
    its own transaction (stopping loses at most the range under way; start again
    with ``after_id``). ``from_scratch`` empties facts and rollups first, for a
    rollup that no longer matches its facts."""
    if from_scratch:
        with transaction.atomic():
            for model in (EscalationDay, EscalationFact, ClockDay, ResolutionDay, ClockFact):
                model.objects.all().delete()
            for model in STINT_MODELS:
                model.objects.all().delete()
    ids = Ticket.objects.filter(pk__gt=after_id).values_list("pk", flat=True)
    first, last = ids.order_by("pk").first(), ids.order_by("-pk").first()
    if first is None:
        return
    low = first - 1
    while low < last:
        high = low + batch_size
        between = "{col} > %s AND {col} <= %s"
        with transaction.atomic():
            rows = sum(refresh(_ready(spec), between, [low, high]) for spec in _kept(SPECS))
            stint_facts.firsts_refresh(between, [low, high])
        yield Progress(tickets_to=min(high, last), rows=rows)
        low = high
