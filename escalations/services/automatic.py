"""Automatic functional escalation: a ticket moves up its path, with what it can
say for itself in place of a hand-off.

Triggers:
- time: the level clock or (when the policy says so) an SLA clock breaches
  (``on_clock_breach``, a listener of ``SLA_BREACH``);
- severity: a priority criterion that names a level, at creation or on change
  (``intake``).

Exactly once: each carries a ``trigger_key`` (the clock cycle or the criterion)
under a unique constraint with the ticket.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from escalations.clockstates import ClockState
from escalations.models import Escalation, SlaClock
from escalations.services import routing
from escalations.services.escalate import escalation_carry_out
from escalations.services.managed import managed_escalation_open
from escalations.services.records import (
    escalation_create_once,
    handoff_columns,
    trigger_keys_read_ahead,
)
from escalations.services.sla.lifecycle import clocks_locked, clocks_read_ahead
from tickets import batch, notes
from tickets.models import Comment, Ticket
from tickets.services import ticket_lock

Kind, Trigger, State = Escalation.Kind, Escalation.Trigger, Escalation.Status
BREACHED = {ClockState.BREACHED_RUNNING, ClockState.BREACHED_PAUSED, ClockState.BREACHED_MET}


def automatic_handoff(*, ticket: Ticket, why: str | notes.Note) -> dict[str, str | notes.Note]:
    """What an automatic escalation can say for itself, from the ticket: system
    notes (``handoff.*``), read in the reader's language; names as they are."""
    org = ticket.organization
    customer = f"{ticket.requester_name} <{ticket.requester_email}>"
    comments = batch.memo(("comments", ticket.pk), ticket.comments.count)
    return {
        "summary": notes.note("handoff.summary", ref=ticket.reference, title=ticket.title, why=why),
        "steps_taken": notes.note("handoff.comments", n=comments),
        "impact_assessment": notes.note(
            "handoff.impact", p=ticket.priority, i=ticket.impact, u=ticket.urgency
        ),
        "customer_context": notes.note("handoff.customer", who=customer, org=org, tier=org.tier)
        if org
        else customer,
        "time_constraints": why,
        "assistance_requested": notes.note("handoff.assistance"),
    }


@batch.atomic
def ticket_escalate_automatically(
    *,
    ticket: Ticket,
    trigger: str,
    key: str,
    why: str | notes.Note,
    to_tier: str | None = None,
    now: datetime | None = None,
) -> Escalation | None:
    """Move the ticket up one level for ``trigger``, once per ``key``; or, for a
    criterion naming ``to_tier``, to that tier's first level, or the highest level
    below it on a path without that tier.

    At the top of its path the ticket cannot climb further: a time trigger brings
    management in with a managed escalation instead; a jump does nothing. Nothing
    happens to a resolved or closed ticket, or one no path fits."""
    now = now or timezone.now()
    ticket = ticket_lock(ticket)
    if not ticket.is_open:
        return None
    route = routing.route_of(ticket)
    if route is None:
        return None
    if to_tier:
        target = routing.level_for_jump(route, to_tier)
        if target is None:  # nothing higher on this path up to that tier
            return None
    else:
        target = routing.level_above(route)
    if target is None:
        return managed_escalation_open(
            ticket=ticket, actor=None, trigger=trigger, reason=why, now=now, key=f"mgmt:{key}"
        )
    escalation = escalation_create_once(
        ticket=ticket,
        kind=Kind.FUNCTIONAL,
        trigger=trigger,
        status=State.ACTIVE,
        from_tier=route.level.tier,
        to_tier=target.tier,
        to_level=target,
        to_team=routing.team_for(target, ticket),
        trigger_key=key,
        **notes.text_fields(why, "reason"),
        **handoff_columns(automatic_handoff(ticket=ticket, why=why)),
    )
    if escalation is None:
        return None
    escalation_carry_out(
        ticket=ticket,
        level=target,
        actor=None,
        escalation=escalation,
        now=now,
        note=notes.note("escalation.automatic", why=why),
    )
    return escalation


def on_clock_breach(*, clock: SlaClock, now: datetime) -> None:
    """The sweep found a breach: a level clock always escalates; an SLA clock does
    when its policy says so. Only while the breach is still the clock's current
    cycle when it acts: a level clock whose ticket an earlier breach of the same
    sweep moved on to a new level (a new cycle) escalates nothing."""
    if not _may_escalate(clock) or not _still_current(clock):
        return
    ticket = clock.ticket
    key = f"clock:{clock.pk}:{clock.cycle}"
    if clock.metric == SlaClock.Metric.LEVEL:
        why = notes.note("escalation.level_time", level=ticket.level)
        trigger = Trigger.TIME_LIMIT
    else:
        why = notes.note("escalation.sla_breached", metric=clock.metric)
        trigger = Trigger.SLA_BREACH
    ticket_escalate_automatically(ticket=ticket, trigger=trigger, key=key, why=why, now=now)


def escalation_read_ahead(*, clocks: list[SlaClock]) -> None:
    """Before a batch job hands breaches to ``on_clock_breach``: what escalating
    their tickets reads (their clocks, routes, comment counts and used trigger
    keys), one query each for the whole batch."""
    if batch.current() is None:
        return
    # Every breached ticket's route: breach notices go to the management on its path.
    routing.routes_read_ahead(ticket_ids=list({c.ticket_id for c in clocks}))
    tickets = {c.ticket_id: c.ticket for c in clocks if _may_escalate(c)}
    if not tickets:
        return
    clocks_read_ahead(tickets=list(tickets.values()))
    trigger_keys_read_ahead(ticket_ids=list(tickets))
    counts = dict(
        Comment.objects.filter(ticket_id__in=list(tickets))
        .values("ticket_id")
        .annotate(n=Count("id"))
        .values_list("ticket_id", "n")
    )
    for ticket_id in tickets:
        batch.remember(("comments", ticket_id), counts.get(ticket_id, 0))


def _may_escalate(clock: SlaClock) -> bool:
    if clock.state not in BREACHED:
        return False
    if clock.metric == SlaClock.Metric.LEVEL:
        return True
    return bool(
        clock.metric in (SlaClock.Metric.FIRST_RESPONSE, SlaClock.Metric.RESOLUTION)
        and clock.policy_id
        and clock.policy.escalate_on_breach
    )


def _still_current(clock: SlaClock) -> bool:
    """Whether ``clock``'s breached cycle is the one the ticket has now (read
    under the ticket's lock, before its clocks)."""
    ticket = ticket_lock(clock.ticket_id)
    held = clocks_locked(ticket=ticket).get(clock.metric)
    return (
        held is not None
        and held.pk == clock.pk
        and held.cycle == clock.cycle
        and held.state in BREACHED
    )
