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

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalations.models import Escalation, SlaClock
from escalations.services import routing
from escalations.services.escalate import escalation_carry_out
from escalations.services.managed import managed_escalation_open
from escalations.services.records import escalation_create_once
from tickets.models import Ticket
from tickets.services import ticket_lock

Kind, Trigger, State = Escalation.Kind, Escalation.Trigger, Escalation.Status


def _comments_so_far(n: int) -> str:
    return ngettext(
        "%(n)s comment so far; see the ticket's timeline.",
        "%(n)s comments so far; see the ticket's timeline.",
        n,
    ) % {"n": n}


def automatic_handoff(*, ticket: Ticket, why: str) -> dict[str, str]:
    """What an automatic escalation can say for itself, from the ticket."""
    org = ticket.organization
    return {
        "summary": f"{ticket.reference} {ticket.title}: {why}",
        "steps_taken": _comments_so_far(ticket.comments.count()),
        "impact_assessment": _("Priority %(p)s (impact %(i)s, urgency %(u)s).")
        % {"p": ticket.priority, "i": ticket.impact, "u": ticket.urgency},
        "customer_context": f"{ticket.requester_name} <{ticket.requester_email}>"
        + (f", {org} ({org.get_tier_display()})" if org else ""),
        "time_constraints": why,
        "assistance_requested": _("Take over at the next level."),
    }


@transaction.atomic
def ticket_escalate_automatically(
    *,
    ticket: Ticket,
    trigger: str,
    key: str,
    why: str,
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
        reason=why,
        trigger_key=key,
        **automatic_handoff(ticket=ticket, why=why),
    )
    if escalation is None:
        return None
    escalation_carry_out(
        ticket=ticket,
        level=target,
        actor=None,
        escalation=escalation,
        now=now,
        note=_("Escalated automatically: %(why)s") % {"why": why},
    )
    return escalation


def on_clock_breach(*, clock: SlaClock, now: datetime) -> None:
    """The sweep found a breach: a level clock always escalates; an SLA clock does
    when its policy says so."""
    ticket = clock.ticket
    key = f"clock:{clock.pk}:{clock.cycle}"
    if clock.metric == SlaClock.Metric.LEVEL:
        why = _("%(level)s time limit ran out.") % {"level": ticket.level}
        ticket_escalate_automatically(
            ticket=ticket, trigger=Trigger.TIME_LIMIT, key=key, why=why, now=now
        )
    elif (
        clock.metric in (SlaClock.Metric.FIRST_RESPONSE, SlaClock.Metric.RESOLUTION)
        and clock.policy_id
        and clock.policy.escalate_on_breach
    ):
        why = _("%(metric)s SLA breached.") % {"metric": clock.get_metric_display()}
        ticket_escalate_automatically(
            ticket=ticket, trigger=Trigger.SLA_BREACH, key=key, why=why, now=now
        )
