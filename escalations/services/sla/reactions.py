"""How SLA clocks follow their ticket: the listeners ``escalations.apps``
subscribes to the ticket events (phase ``CLOCKS``), and ``sla_refresh``.

Each listener runs in the transaction of the change, holds the ticket's clocks
(``clocks_locked``) and applies to every clock the event its state allows
(``clockstates.can_move``): pending pauses every clock that counts, leaving it
resumes every paused one, resolving meets every clock not yet met.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from escalations.clockstates import ENDED, OPEN, ClockEvent, can_move
from escalations.models import BusinessCalendar, SlaClock, SlaPolicy, TicketRoute
from escalations.services.sla.governing import calendar_for, policy_for
from escalations.services.sla.lifecycle import (
    clock_meet,
    clock_new_cycle,
    clock_pause,
    clock_reopen,
    clock_resume,
    clock_retarget,
    clock_start,
    clocks_locked,
)
from tickets import batch, notes
from tickets.models import Comment, Status, Ticket, User
from tickets.selectors import agent_filter

Metric = SlaClock.Metric
# The ticket fields a policy is matched on (the team through its calendar).
POLICY_INPUTS = {"priority", "category", "organization", "team"}


@batch.atomic
def on_ticket_created(*, ticket: Ticket, actor: User | None, now: datetime | None = None) -> None:
    """A new ticket starts its first-response and resolution clocks under the
    policy that matches it (none without one)."""
    now = now or timezone.now()
    policy = policy_for(ticket=ticket)
    if policy is None:
        return
    calendar = calendar_for(policy=policy, ticket=ticket)
    for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
        clock_start(
            ticket=ticket, metric=metric, policy=policy, calendar=calendar, now=now, actor=actor
        )


@batch.atomic
def on_ticket_changed(
    *, ticket: Ticket, actor: User | None, fields: Iterable[str], now: datetime | None = None
) -> None:
    """A change of priority, category, organization or team re-matches the policy."""
    if not POLICY_INPUTS & set(fields):
        return
    sla_refresh(ticket=ticket, actor=actor, now=now)


@batch.atomic
def sla_refresh(*, ticket: Ticket, actor: User | None = None, now: datetime | None = None) -> None:
    """Re-match the ticket's policy, re-target its open clocks keeping the time
    used (a breached clock keeps its breach), and start the clocks the policy
    sets that an open ticket lacks (a policy that applies only now times it from
    now). Level clocks are the path's, not the policy's: left alone."""
    now = now or timezone.now()
    clocks = clocks_locked(ticket=ticket)
    policy = policy_for(ticket=ticket)
    if policy is None:
        return
    calendar = calendar_for(policy=policy, ticket=ticket)
    for clock in clocks.values():
        if clock.state in OPEN and clock.metric != Metric.LEVEL:
            clock_retarget(clock=clock, policy=policy, calendar=calendar, now=now, actor=actor)
    if ticket.is_open:
        _start_missing(ticket, clocks, policy, calendar, now, actor)


@batch.atomic
def on_ticket_status_changed(
    *, ticket: Ticket, actor: User | None, old: str, new: str, now: datetime | None = None
) -> None:
    """Pending pauses every counting clock, breached ones included; leaving it
    resumes them. Resolving meets every clock; reopening counts resolution again
    with its used time kept, starts a new next-update cycle and a new cycle of
    the level clock."""
    now = now or timezone.now()
    clocks = clocks_locked(ticket=ticket)
    if new == Status.PENDING:
        for clock in clocks.values():
            if can_move(clock.state, ClockEvent.PAUSE):
                clock_pause(clock=clock, now=now, actor=actor)
    elif new == Status.RESOLVED:
        for clock in clocks.values():
            if can_move(clock.state, ClockEvent.MEET):
                clock_meet(clock=clock, now=now, actor=actor, note=notes.note("sla.resolved"))
    elif new == Status.OPEN and old == Status.PENDING:
        for clock in clocks.values():
            if can_move(clock.state, ClockEvent.RESUME):
                clock_resume(clock=clock, now=now, actor=actor)
    elif new == Status.OPEN and old == Status.RESOLVED:
        resolution = clocks.get(Metric.RESOLUTION)
        if resolution is not None and can_move(resolution.state, ClockEvent.REOPEN):
            clock_reopen(clock=resolution, now=now, actor=actor)
        _next_update_cycle(ticket, clocks, now, actor, paused=False)
        _level_restart(ticket, clocks.get(Metric.LEVEL), now, actor)


@batch.atomic
def on_comment_added(
    *, comment: Comment, actor: User | None, by_agent: bool, now: datetime | None = None
) -> None:
    """An agent's public reply meets first response (a breached one stays
    breached, with the time it was met), and meets (or, after a breach, simply
    ends) the current next-update cycle and starts the next one with the
    cadence of the policy that governs the ticket now."""
    if not (comment.is_public and by_agent):
        return
    now = now or timezone.now()
    ticket = comment.ticket
    clocks = clocks_locked(ticket=ticket)
    first = clocks.get(Metric.FIRST_RESPONSE)
    if first is not None and can_move(first.state, ClockEvent.MEET):
        clock_meet(clock=first, now=now, actor=actor, note=notes.note("sla.first_reply"))
    if not ticket.is_open:
        return
    update = clocks.get(Metric.NEXT_UPDATE)
    if update is not None and update.state in OPEN:
        clock_meet(clock=update, now=now, actor=actor, note=notes.note("sla.public_update"))
    _next_update_cycle(ticket, clocks, now, actor, paused=ticket.status == Status.PENDING)


def _agent_replied(ticket: Ticket) -> bool:
    """Whether an agent (an admin, a team member or manager) has replied in public."""
    return ticket.comments.filter(agent_filter(prefix="author__"), is_public=True).exists()


def _start_missing(
    ticket: Ticket,
    clocks: dict[str, SlaClock],
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> None:
    """Start the clocks ``policy`` sets that the open ticket lacks: first response
    until an agent has replied in public, next update after, and resolution."""
    first = clocks.get(Metric.FIRST_RESPONSE)
    responded = first.state in ENDED if first is not None else _agent_replied(ticket)
    missing = [Metric.RESOLUTION]
    if not responded:
        missing.append(Metric.FIRST_RESPONSE)
    elif policy.next_update_minutes:
        missing.append(Metric.NEXT_UPDATE)
    for metric in missing:
        if metric not in clocks:
            clocks[metric] = clock_start(
                ticket=ticket, metric=metric, policy=policy, calendar=calendar, now=now, actor=actor
            )


def _level_restart(
    ticket: Ticket, clock: SlaClock | None, now: datetime, actor: User | None
) -> None:
    """A reopened ticket gets a fresh time limit at the level it stands on, if
    that level has one (resolving met the level clock)."""
    if clock is None or clock.state in OPEN:
        return
    route = TicketRoute.objects.select_related("level").filter(ticket=ticket).first()
    if route is None or not route.level.time_limit_minutes:
        return
    clock.target = timedelta(minutes=route.level.time_limit_minutes)
    clock_new_cycle(clock=clock, now=now, actor=actor, paused=False)


def _next_update_cycle(
    ticket: Ticket, clocks: dict[str, SlaClock], now: datetime, actor: User | None, paused: bool
) -> None:
    """Start the next cycle of public updates with the cadence of the policy that
    governs the ticket now (which may have changed since the first response)."""
    update = clocks.get(Metric.NEXT_UPDATE)
    policy = policy_for(ticket=ticket) or (update.policy if update is not None else None)
    if policy is None or not policy.next_update_minutes:
        return
    calendar = calendar_for(policy=policy, ticket=ticket)
    if update is None:
        clocks[Metric.NEXT_UPDATE] = clock_start(
            ticket=ticket,
            metric=Metric.NEXT_UPDATE,
            policy=policy,
            calendar=calendar,
            now=now,
            actor=actor,
        )
        return
    update.policy, update.calendar = policy, calendar
    update.target = policy.target(Metric.NEXT_UPDATE)
    update.warning_percent = policy.warning_percent
    clock_new_cycle(clock=update, now=now, actor=actor, paused=paused)
