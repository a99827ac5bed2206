"""The life of an SLA clock: started, paused, resumed, met, reopened,
re-targeted, and started again for a new cycle.

Each function moves the clock through ``clockstates.clock_move`` (a move the
table does not declare is a defect and raises), writes the row and records
the change in the ticket's audit trail. The caller holds the ticket's clocks,
read with ``clocks_locked`` in its transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from escalations import businesstime as bt
from escalations import clocks
from escalations.clockstates import ClockEvent, ClockState, can_move, clock_move
from escalations.models import BusinessCalendar, SlaClock, SlaClockAlert, SlaPolicy
from escalations.services.sla.governing import calendar_spec
from escalations.services.sla.urgency import clock_save
from tickets import batch, notes
from tickets.models import Status, Ticket, TicketEvent, User
from tickets.services import ticket_event_record

Metric = SlaClock.Metric
Event = ClockEvent


def clocks_locked(*, ticket: Ticket) -> dict[str, SlaClock]:
    """The ticket's clocks by metric, locked against the sweep for the rest of
    the transaction (the caller holds the ticket already: ticket before clocks).
    In a batch job, the same objects for the rest of the batch (``clocks_read_ahead``)."""

    def load() -> dict[str, SlaClock]:
        found = {c.metric: c for c in _locked_rows().filter(ticket=ticket)}
        for clock in found.values():
            clock.ticket = ticket
        return found

    return batch.memo(("clocks", ticket.pk), load)


def clocks_read_ahead(*, tickets: list[Ticket]) -> None:
    """Lock and keep the clocks of tickets a batch job holds, in one query."""
    if batch.current() is None or not tickets:
        return
    by_ticket: dict[int, dict[str, SlaClock]] = {t.pk: {} for t in tickets}
    held = {t.pk: t for t in tickets}
    for clock in _locked_rows().filter(ticket_id__in=list(held)):
        clock.ticket = held[clock.ticket_id]
        by_ticket[clock.ticket_id][clock.metric] = clock
    for ticket_id, found in by_ticket.items():
        batch.remember(("clocks", ticket_id), found)


def _locked_rows():
    return SlaClock.objects.select_for_update(of=("self",)).select_related("calendar")


def clock_start(
    *,
    ticket: Ticket,
    metric: str,
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> SlaClock | None:
    """Start timing ``metric`` under ``policy`` from ``now``; paused from the
    start while the ticket is pending. None when the policy sets no such target."""
    target = policy.target(metric)
    if target is None:
        return None
    clock = SlaClock(
        ticket=ticket,
        metric=metric,
        policy=policy,
        calendar=calendar,
        target=target,
        warning_percent=policy.warning_percent,
        started_at=now,
    )
    _begin(clock, now, paused=ticket.status == Status.PENDING)
    clock_save(clock)
    _record(clock, actor, "", clock.state, _due_note(clock))
    return clock


def clock_pause(*, clock: SlaClock, now: datetime, actor: User | None) -> None:
    """Stop counting; a breached clock stays breached, only its overrun stops growing."""
    _breach_missed(clock, now)
    old = clock.state
    clock.business_used = clocks.used(clock, now, _spec(clock))
    clock.state = clock_move(old, Event.PAUSE)
    clock.resumed_at, clock.paused_at, clock.next_action_at = None, now, None
    clock_save(clock)
    _record(
        clock,
        actor,
        old,
        clock.state,
        notes.note("sla.used", used=clock.business_used),
    )


def clock_resume(*, clock: SlaClock, now: datetime, actor: User | None) -> None:
    """Count again from ``now``: the due time moves by the paused business time.
    A breached clock only counts its overrun again (its breach is not due twice)."""
    old = clock.state
    clock.state = clock_move(old, Event.RESUME)
    clock.resumed_at, clock.paused_at = now, None
    if clock.state == ClockState.RUNNING:
        clocks.schedule(clock, _spec(clock))
    clock_save(clock)
    _record(clock, actor, old, clock.state, _due_note(clock))


def clock_meet(*, clock: SlaClock, now: datetime, actor: User | None, note: notes.Note) -> None:
    """Stop the clock for good with the time used so far; a breached one stays
    breached, with the time it was met."""
    _breach_missed(clock, now)
    old = clock.state
    clock.business_used = clocks.used(clock, now, _spec(clock))
    clock.state = clock_move(old, Event.MEET)
    clock.met_at, clock.resumed_at, clock.next_action_at = now, None, None
    clock_save(clock)
    _record(clock, actor, old, clock.state, note)


def clock_reopen(*, clock: SlaClock, now: datetime, actor: User | None) -> None:
    """The ticket was reopened: the met clock counts again from ``now`` with the
    time already used; a breached one counts its overrun again."""
    old = clock.state
    clock.state = clock_move(old, Event.REOPEN)
    clock.met_at, clock.resumed_at, clock.paused_at = None, now, None
    if clock.state == ClockState.RUNNING:
        clocks.schedule(clock, _spec(clock))
    clock_save(clock)
    _record(
        clock,
        actor,
        old,
        clock.state,
        notes.note("sla.reopened", used=clock.business_used, due=_due_note(clock)),
    )


def clock_new_cycle(*, clock: SlaClock, now: datetime, actor: User | None, paused: bool) -> None:
    """Start the clock afresh, whatever its state (a new level, the next public
    update): nothing used, no warning or breach yet; paused while ``paused``."""
    clock.cycle += 1
    clock.business_used = timedelta(0)
    clock.started_at = now
    clock.warned_at = clock.breached_at = clock.met_at = None
    _begin(clock, now, paused=paused)
    clock_save(clock)
    _record(
        clock,
        actor,
        "",
        clock.state,
        notes.note("sla.cycle", cycle=clock.cycle, due=_due_note(clock)),
    )


def clock_retarget(
    *,
    clock: SlaClock,
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> None:
    """Apply ``policy`` and ``calendar`` to an open clock, keeping the business
    time already used; a clock already past its new target breaches at the next
    sweep, once. A policy without this target meets the clock."""
    target = policy.target(clock.metric)
    if target is None:
        note = notes.note("sla.no_target", policy=policy)
        clock_meet(clock=clock, now=now, actor=actor, note=note)
        return
    old_due, before = clock.due_at, _retargeted_fields(clock)
    clock.state = clock_move(clock.state, Event.RETARGET)
    if clock.calendar_id != (calendar.pk if calendar else None):
        # Time so far was measured on the old calendar; the new one counts from now.
        clocks.rebase(clock, now, _spec(clock))
    clock.policy, clock.calendar, clock.target = policy, calendar, target
    clock.warning_percent = policy.warning_percent
    clock.applied = clocks.applied_snapshot(clock)
    if clock.state == ClockState.RUNNING:
        clocks.schedule(clock, _spec(clock))
    if _retargeted_fields(clock) == before:
        return  # the same policy, calendar and times (a team change that moves nothing)
    clock_save(clock)
    _record(
        clock,
        actor,
        old_due.isoformat(timespec="seconds") if old_due else "",
        clock.due_at.isoformat(timespec="seconds") if clock.due_at else "",
        notes.note("sla.retargeted", policy=policy, due=_due_note(clock), used=clock.business_used),
    )


# --- the level clock: time spent at the ticket's current escalation level ----------------


# --- helpers ---------------------------------------------------------------------------------


def _begin(clock: SlaClock, now: datetime, *, paused: bool) -> None:
    """Move a new clock, or one starting a new cycle, to running (scheduled) or paused."""
    current = None if clock.pk is None else clock.state
    clock.applied = clocks.applied_snapshot(clock)
    if paused:
        clock.state = clock_move(current, Event.START_PAUSED)
        clock.resumed_at, clock.paused_at, clock.next_action_at = None, now, None
    else:
        clock.state = clock_move(current, Event.START)
        clock.resumed_at, clock.paused_at = now, None
        clocks.schedule(clock, _spec(clock))


def _retargeted_fields(clock: SlaClock) -> tuple:
    return (
        clock.state,
        clock.policy_id,
        clock.calendar_id,
        clock.target,
        clock.warning_percent,
        clock.business_used,
        clock.resumed_at,
        clock.warn_at,
        clock.due_at,
        clock.next_action_at,
    )


def _breach_missed(clock: SlaClock, now: datetime) -> None:
    """A counting clock stopped past its due time before the sweep came by (a
    reply a few seconds late, or no sweep running) records its breach first, as
    the sweep would have, dated when it fell due: a late answer is a breach
    however soon after the due time it came. Nobody is told and nothing is
    escalated: the clock is being stopped, the answer is there."""
    if clock.breached_at is not None or clock.due_at is None or clock.due_at > now:
        return
    if not can_move(clock.state, Event.BREACH):
        return
    old = clock.state
    clock.state = clock_move(old, Event.BREACH)
    clock.breached_at = clock.due_at
    SlaClockAlert.objects.get_or_create(
        clock=clock,
        cycle=clock.cycle,
        kind=SlaClockAlert.Kind.BREACH,
        defaults={"due_at": clock.due_at},
    )
    _record(clock, None, old, clock.state, notes.note("sla.missed", metric=clock.metric))


def _spec(clock: SlaClock) -> bt.Calendar:
    return calendar_spec(clock.calendar)


def _record(clock: SlaClock, actor: User | None, old: str, new: str, note: notes.Note) -> None:
    ticket_event_record(
        ticket=clock.ticket,
        actor=actor,
        kind=TicketEvent.Kind.SLA,
        field=f"sla:{clock.metric}",
        old=old,
        new=new,
        note=note,
    )


def _due_note(clock: SlaClock) -> notes.Note:
    # Rendered when read: the due time in the reader's zone, the target in their words.
    return notes.note("sla.due", metric=clock.metric, due=clock.due_at, target=clock.target)
