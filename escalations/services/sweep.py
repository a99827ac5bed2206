"""The SLA sweep: record warnings and breaches that have come due, exactly once.

Due work is found by one indexed query on ``SlaClock.next_action_at``, never by
scanning open tickets, so a sweep with nothing due costs one index probe
whatever the number of open tickets. Clocks are claimed together with their
tickets with ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL) in small
transactions, so sweepers running side by side share the work instead of
repeating it, and a ticket being changed right now (its service holds the
ticket, then wants the clocks) is left for the next sweep instead of
deadlocking with it: everyone takes the ticket before its clocks. Each
warning or breach is inserted into ``SlaClockAlert`` under a uniqueness
constraint on (clock, cycle, kind): a retried task, a second sweeper or a
worker killed mid-batch can never record one twice, and because due times live
in the database, a stopped worker or broker only delays the next sweep. A batch
is written with a few set-based statements (one per outcome, bulk inserts for
alerts and audit entries), so a burst of due clocks clears quickly.

A batch is one unit of work (``tickets.batch``): the listeners that react to its
alerts (escalations, notifications) share what they read, queue their audit
entries and messages for one bulk insert each, and find the tickets already held.
It is handled in chunks, each written and then handed to the listeners in one
savepoint; the time budget is checked after every chunk, so a batch holds its
locks for about one chunk beyond the budget at most, and what it did not reach
is left, untouched, for the next sweep. A listener that fails undoes the whole
chunk's reactions: they are then run again alert by alert, each in a savepoint
of its own, so only the failing one is logged and undone, and the alert it
reacted to stays recorded.
"""

from __future__ import annotations

import logging
import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import reduce
from time import monotonic

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Value, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from escalations.clocks import next_action
from escalations.clockstates import ClockEvent, can_move, clock_move, states_allowing
from escalations.models import SlaClock, SlaClockAlert
from escalations.services.automatic import escalation_read_ahead
from escalations.services.sla.urgency import ticket_urgency_rerank
from tickets import batch as work
from tickets import events, notes
from tickets.bulk import new_row, rows_insert
from tickets.models import TicketEvent

Alert = SlaClockAlert.Kind
logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0
    clocks: int = 0
    batches: int = 0
    # The time budget ran out with clocks still due (or a full batch just done):
    # the caller should sweep again at once rather than wait for the next beat.
    more: bool = False


def _claim(now: datetime, batch_size: int) -> list[SlaClock]:
    """Lock up to ``batch_size`` due clocks and their tickets, skipping any row
    another transaction holds, and load what the alerts and listeners need."""
    due = (
        SlaClock.objects.filter(next_action_at__lte=now)
        .select_related("ticket", "policy")
        .order_by("next_action_at")
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self", "ticket"))
    clocks = list(due[:batch_size])
    # What the messages about each ticket show, a query per relation for the whole
    # batch rather than per clock; nothing at all when nothing is due.
    prefetch_related_objects(
        clocks,
        "ticket__team__manager",
        "ticket__assignee",
        "ticket__organization",
        "ticket__category",
    )
    work.hold([clock.ticket for clock in clocks])
    return clocks


def _outcome(clock: SlaClock, now: datetime) -> list[tuple[str, datetime]]:
    """Advance the clock in memory; the alerts that came due, with their due times."""
    due: list[tuple[str, datetime]] = []
    warning_due = clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= now
    if warning_due and can_move(clock.state, ClockEvent.WARN):
        clock.warned_at = now
        if clock.warn_at < clock.due_at:
            due.append((Alert.WARNING, clock.warn_at))
    breach_due = clock.breached_at is None and clock.due_at is not None and clock.due_at <= now
    if breach_due and can_move(clock.state, ClockEvent.BREACH):
        clock.breached_at = now
        clock.state = clock_move(clock.state, ClockEvent.BREACH)
        due.append((Alert.BREACH, clock.due_at))
    clock.next_action_at = next_action(clock)
    return due


def _note(clock: SlaClock, alert: str) -> notes.Note:
    key = "sla.missed" if alert == Alert.BREACH else "sla.due_soon"
    return notes.note(key, metric=clock.metric)


def _process(clocks: list[SlaClock], now: datetime, result: SweepResult) -> None:
    """Record a chunk's alerts with a handful of statements, whatever its size,
    then hand them to the listeners."""
    done = set(
        SlaClockAlert.objects.filter(clock__in=clocks).values_list("clock_id", "cycle", "kind")
    )
    alerts, trail, published = [], [], []
    breached: dict[str, list[SlaClock]] = defaultdict(list)  # by the state they breached from
    warned, idle, to_warn, to_due = [], [], [], []
    for clock in clocks:
        was_warned, was_state = clock.warned_at is not None, clock.state
        for alert, at in _outcome(clock, now):
            if (clock.pk, clock.cycle, alert) in done:
                continue  # recorded by an earlier, interrupted run: never twice
            alerts.append(
                new_row(SlaClockAlert, clock=clock, cycle=clock.cycle, kind=alert, due_at=at)
            )
            trail.append(
                new_row(
                    TicketEvent,
                    ticket_id=clock.ticket_id,
                    kind=TicketEvent.Kind.SLA_BREACH
                    if alert == Alert.BREACH
                    else TicketEvent.Kind.SLA_WARNING,
                    field=f"sla:{clock.metric}",
                    new_value=clock.due_at.isoformat(timespec="seconds"),
                    **notes.event_fields(_note(clock, alert)),
                )
            )
            published.append((alert, clock))
        if clock.state != was_state:
            breached[was_state].append(clock)
        elif clock.next_action_at is None:
            idle.append(clock)
        elif not was_warned and clock.warned_at is not None:
            warned.append(clock)
        elif clock.next_action_at == clock.warn_at:
            to_warn.append(clock)  # a stale next action: only re-aim it
        else:
            to_due.append(clock)
    # The new state first: a listener may start a new cycle of a clock (a level
    # clock after an escalation), which must not be overwritten afterwards. Each
    # update is guarded by the state and the cycle the clock was claimed in: a
    # chunk handled after an earlier one escalated its ticket leaves the new
    # cycle alone.
    for old, claimed in breached.items():
        SlaClock.objects.filter(_as_claimed(claimed), state=old).update(
            state=clock_move(old, ClockEvent.BREACH),
            breached_at=now,
            warned_at=Coalesce("warned_at", Value(now)),
            next_action_at=None,
        )
    watched = states_allowing(ClockEvent.BREACH)  # clocks with a warning or breach to come
    if warned:
        # Guarded: a clock warned before keeps the time it was first warned at.
        SlaClock.objects.filter(
            _as_claimed(warned), state__in=states_allowing(ClockEvent.WARN), warned_at__isnull=True
        ).update(warned_at=now, next_action_at=F("due_at"))
    if to_warn:
        SlaClock.objects.filter(_as_claimed(to_warn), state__in=watched).update(
            next_action_at=F("warn_at")
        )
    if to_due:
        SlaClock.objects.filter(_as_claimed(to_due), state__in=watched).update(
            next_action_at=F("due_at")
        )
    if idle:
        SlaClock.objects.filter(_as_claimed(idle)).update(next_action_at=None)
    rows_insert(SlaClockAlert, alerts)
    rows_insert(TicketEvent, trail)
    result.breaches += sum(alert == Alert.BREACH for alert, _clock in published)
    result.warnings += sum(alert == Alert.WARNING for alert, _clock in published)
    result.clocks += len(clocks)
    _publish(published, now)


def _as_claimed(clocks: list[SlaClock]) -> Q:
    """These clocks, in the cycle they were claimed in (one term per cycle)."""
    by_cycle: dict[int, list[int]] = defaultdict(list)
    for clock in clocks:
        by_cycle[clock.cycle].append(clock.pk)
    terms = [Q(pk__in=pks, cycle=cycle) for cycle, pks in by_cycle.items()]
    return reduce(operator.or_, terms)


def _publish(published: list[tuple[str, SlaClock]], now: datetime) -> None:
    """Hand the chunk's alerts to the listeners in one savepoint; if a listener
    fails, again one by one, each in a savepoint: what the failing one wrote is
    undone and logged, the alert and the rest of the chunk stand."""
    if not published:
        return
    batch = work.current()
    escalation_read_ahead(clocks=[clock for alert, clock in published if alert == Alert.BREACH])
    try:
        with transaction.atomic():
            for alert, clock in published:
                events.publish(_EVENTS[alert], clock=clock, now=now)
            if batch is not None:
                batch.flush()
        return
    except Exception:
        logger.warning("A listener failed in a chunk of %s alerts: one by one", len(published))
    for alert, clock in published:
        if batch is not None:
            batch.reset()
        try:
            with transaction.atomic():
                events.publish(_EVENTS[alert], clock=clock, now=now)
                if batch is not None:
                    batch.flush()
        except Exception:
            logger.exception("A listener of %s failed for SLA clock %s", alert, clock.pk)


_EVENTS = {Alert.WARNING: events.SLA_WARNING, Alert.BREACH: events.SLA_BREACH}


def sla_sweep(
    *, now: datetime | None = None, batch_size: int = 100, time_budget: float | None = None
) -> SweepResult:
    """Record every warning and breach due by ``now`` (by default, the moment each
    batch begins: what came due while the sweep ran is caught in the same run, and
    is stamped when it was seen), in transactions of ``batch_size`` clocks, until
    none is left or ``time_budget`` seconds pass; ``more`` says it stopped early."""
    fixed = now
    now = fixed or timezone.now()
    deadline = None if time_budget is None else monotonic() + time_budget
    result = SweepResult()
    while deadline is None or monotonic() < deadline:
        now = fixed or timezone.now()
        with transaction.atomic(), work.work_batch():
            clocks = _claim(now, batch_size)
            reached = _process_in_chunks(clocks, now, result, deadline)
        if not clocks:
            break
        result.batches += 1
        if reached < len(clocks):
            result.more = True
            break
        if len(clocks) < batch_size:
            break
    else:
        result.more = result.batches > 0  # out of time after a full batch
    # The queue's rank follows the clocks' warning and due times as they pass.
    ticket_urgency_rerank(now=now)
    return result


def _process_in_chunks(
    clocks: list[SlaClock], now: datetime, result: SweepResult, deadline: float | None
) -> int:
    """Handle the claimed clocks a chunk at a time until the deadline; how many
    were handled (the rest stay due, for the next sweep). A chunk holds at most
    ``SLA_SWEEP_CHUNK_SIZE`` clocks whose breach may escalate (the costly part),
    and any number of others, so a batch that only records alerts is one chunk."""
    size = max(1, settings.SLA_SWEEP_CHUNK_SIZE)
    done, chunk, heavy = 0, [], 0
    for clock in clocks:
        if heavy == size:
            if done and deadline is not None and monotonic() >= deadline:
                return done
            _process(chunk, now, result)
            done, chunk, heavy = done + len(chunk), [], 0
        chunk.append(clock)
        heavy += _may_escalate(clock)
    if chunk and not (done and deadline is not None and monotonic() >= deadline):
        _process(chunk, now, result)
        done += len(chunk)
    return done


def _may_escalate(clock: SlaClock) -> bool:
    """Whether the clock's breach, if due, may escalate its ticket."""
    if clock.metric == SlaClock.Metric.LEVEL:
        return True
    return bool(clock.policy_id and clock.policy.escalate_on_breach)
