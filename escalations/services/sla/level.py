"""The level clock: how long a ticket may stay at its level (its team's time
limit), started afresh on each move, stopped where the new level has no limit,
and laid out again when the calendar timing it is edited."""

from __future__ import annotations

from datetime import datetime, timedelta

from escalations import clocks
from escalations.clockstates import OPEN, ClockState
from escalations.models import BusinessCalendar, SlaClock
from escalations.services.sla.lifecycle import (
    _due_note,
    _record,
    _spec,
    clock_meet,
    clock_new_cycle,
    clocks_locked,
)
from escalations.services.sla.urgency import clock_save
from tickets import notes
from tickets.models import Status, Ticket, User

Metric = SlaClock.Metric


def level_clock_start(
    *,
    ticket: Ticket,
    target: timedelta,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> SlaClock:
    """Time the ticket's stay at its new level: a new cycle of its level clock
    (its first one on the ticket's first level), paused while the ticket is pending."""
    held = clocks_locked(ticket=ticket)
    clock = held.get(Metric.LEVEL)
    if clock is None:
        clock = held[Metric.LEVEL] = SlaClock(
            ticket=ticket, metric=Metric.LEVEL, cycle=0, started_at=now
        )
    clock.target, clock.calendar, clock.policy = target, calendar, None
    clock.warning_percent = 75
    clock_new_cycle(clock=clock, now=now, actor=actor, paused=ticket.status == Status.PENDING)
    return clock


def level_clock_stop(*, ticket: Ticket, now: datetime, actor: User | None) -> None:
    """The ticket left its level for one without a time limit: an open level
    clock has nothing more to time (a breached one keeps its breach as it is)."""
    clock = clocks_locked(ticket=ticket).get(Metric.LEVEL)
    if clock is not None and clock.state in OPEN:
        clock_meet(clock=clock, now=now, actor=actor, note=notes.note("sla.left_level"))


def level_clock_reschedule(*, ticket: Ticket, calendar_id: int, actor: User | None = None) -> None:
    """The calendar ``calendar_id`` was edited: lay out again the ticket's running
    level clock if that calendar times it (no policy re-targets level clocks).
    The stretch already running is measured with the calendar as it is now."""
    clock = clocks_locked(ticket=ticket).get(Metric.LEVEL)
    if clock is None or clock.state != ClockState.RUNNING or clock.calendar_id != calendar_id:
        return
    old_due = clock.due_at
    clocks.schedule(clock, _spec(clock))
    if clock.due_at == old_due:
        return
    clock_save(clock)
    _record(
        clock,
        actor,
        old_due.isoformat(timespec="seconds") if old_due else "",
        clock.due_at.isoformat(timespec="seconds"),
        notes.note("sla.calendar_changed", calendar=clock.calendar, due=_due_note(clock)),
    )
