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

from escalations.models import Escalation, SlaClock
from reports.models import ClockDay, ClockFact, EscalationDay, EscalationFact, ResolutionDay
from reports.services import stints
from reports.services.fact_specs import CLOCKS, ESCALATIONS, METRICS
from reports.services.rollup_sql import Rollup, Spec, refresh, utc_day
from reports.services.stint_facts import STINT_MODELS, STINTS
from tickets import batch
from tickets.models import Comment, Ticket, User

# The ticket columns the facts carry: a change of one of them moves them.
FACT_FIELDS = frozenset({"team", "category", "priority", "organization", "level"})
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
        yield Progress(tickets_to=min(high, last), rows=rows)
        low = high
