"""Functional escalation by hand: an agent escalates with the full hand-off
information; into a level that needs approval, a P3/P4 ticket waits for the
target team's manager, who approves or rejects. Carrying out a move
(``escalation_carry_out``) is shared with the automatic triggers (``automatic``).

Exactly once: a manual escalation names the target level and locks the ticket, so
a second identical request finds the ticket already there; a ticket has at most
one request awaiting approval.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import events
from escalations.models import HANDOFF_FIELDS, Escalation, EscalationLevel
from escalations.pipeline import Action, needs_approval, set_status
from escalations.services import routing
from escalations.services.managed import managed_escalation_open
from escalations.services.records import escalation_create_once, escalation_step_record
from escalations.services.steps import functional_escalations_close, step_begin
from tickets import batch, notes
from tickets.models import Ticket, User
from tickets.selectors import user_is_agent
from tickets.services import ticket_lock

Kind, Trigger, State = Escalation.Kind, Escalation.Trigger, Escalation.Status


def escalation_carry_out(
    *,
    ticket: Ticket,
    level: EscalationLevel,
    actor: User | None,
    escalation: Escalation,
    now: datetime,
    note: str,
) -> None:
    """Carry out a functional escalation (by hand or automatic): the ticket moves to
    the level's team, then the step is recorded and told, so messages and webhooks
    describe the ticket where it now is. The escalation that brought the ticket to
    its old level closes; entering a management level opens a managed escalation."""
    route = routing.route_of(ticket)
    # The escalation that brought the ticket to its old level is done with.
    functional_escalations_close(ticket=ticket, now=now, keep=escalation)
    ticket = routing.enter_level(
        ticket=ticket,
        path=route.path,
        level=level,
        actor=actor,
        now=now,
        note=notes.note("escalation.escalated", reason=notes.stored_note(escalation, "reason")),
        handed_over=True,
    )
    if escalation.to_team_id != ticket.team_id:
        escalation.to_team = ticket.team
        if not batch.update_later(escalation, ["to_team"]):
            escalation.save(update_fields=["to_team"])
    escalation.ticket = ticket
    escalation_step_record(
        ticket=ticket, actor=actor, escalation=escalation, step=events.Step.ESCALATED, what=note
    )
    if level.tier == "MGMT":
        managed_escalation_open(
            ticket=ticket,
            actor=actor,
            trigger=escalation.trigger,
            reason=notes.stored_note(escalation, "reason"),
            now=now,
            from_tier=escalation.from_tier,
            handoff={
                name: notes.kept_note(escalation, "handoff_notes", name) for name in HANDOFF_FIELDS
            },
        )


def _check_handoff(handoff: Mapping[str, str]) -> dict[str, str]:
    cleaned = {name: (handoff.get(name) or "").strip() for name in HANDOFF_FIELDS}
    missing = {name: _("The hand-off needs this.") for name, value in cleaned.items() if not value}
    if missing:
        raise ValidationError(missing)
    return cleaned


@transaction.atomic
def escalation_request(
    *, ticket: Ticket, actor: User, to_tier: str, reason: str = "", **handoff: str
) -> Escalation:
    """Escalate by hand to the level of ``to_tier`` above the ticket's current one.

    Every hand-off field is required. Into a level that needs approval, a P3 or
    P4 ticket waits (``requested``) for the target team's manager; otherwise the
    ticket moves at once."""
    if not user_is_agent(actor):
        raise PermissionDenied(_("Only agents can escalate tickets."))
    cleaned = _check_handoff(handoff)
    ticket = ticket_lock(ticket)
    if not ticket.is_open:
        raise ValidationError({"to_tier": _("The ticket is resolved or closed.")})
    route = routing.route_of(ticket)
    if route is None:
        raise ValidationError({"to_tier": _("No escalation path applies to this ticket.")})
    if route.level.tier == to_tier:
        raise ValidationError(
            {"to_tier": _("The ticket is already at %(tier)s.") % {"tier": to_tier}}
        )
    target = routing.level_above(route, to_tier)
    if target is None:
        raise ValidationError(
            {
                "to_tier": _("%(tier)s is not above the ticket's level on its path.")
                % {"tier": to_tier}
            }
        )
    if Escalation.objects.filter(ticket=ticket, status=State.REQUESTED).exists():
        raise ValidationError(
            {"to_tier": _("An escalation of this ticket already awaits approval.")}
        )
    waits = needs_approval(level=target, priority=ticket.priority)
    now = timezone.now()
    escalation = escalation_create_once(
        ticket=ticket,
        kind=Kind.FUNCTIONAL,
        trigger=Trigger.MANUAL,
        status=State.REQUESTED if waits else State.ACTIVE,
        from_tier=route.level.tier,
        to_tier=target.tier,
        to_level=target,
        to_team=routing.team_for(target, ticket),
        reason=reason.strip(),
        requested_by=actor,
        **cleaned,
    )
    if escalation is None:  # the same request raced us to the pending slot
        raise ValidationError(
            {"to_tier": _("An escalation of this ticket already awaits approval.")}
        )
    if waits:
        escalation_step_record(
            ticket=ticket,
            actor=actor,
            escalation=escalation,
            step=events.Step.REQUESTED,
            what=notes.note("escalation.requested", team=escalation.to_team),
        )
        return escalation
    escalation_carry_out(
        ticket=ticket,
        level=target,
        actor=actor,
        escalation=escalation,
        now=now,
        note=notes.note("escalation.by_hand"),
    )
    return escalation


@transaction.atomic
def escalation_approve(*, escalation: Escalation, actor: User) -> Escalation:
    """The target team's manager (or an admin) approves a request awaiting approval:
    the ticket moves, if it is still open and below the level asked for."""
    locked = step_begin(escalation=escalation, actor=actor, action=Action.APPROVE)
    ticket = locked.ticket
    now = timezone.now()
    route = routing.route_of(ticket)
    if locked.to_level is None:  # removed from the path (in the admin) meanwhile
        raise ValidationError(
            {
                "status": _(
                    "The level this escalation asked for is no longer on the path: "
                    "reject it, and escalate again if still needed."
                )
            }
        )
    if not ticket.is_open or route is None or route.level.position >= locked.to_level.position:
        raise ValidationError(
            {"status": _("The ticket is no longer where it was when the escalation was requested.")}
        )
    set_status(locked, State.ACTIVE)
    locked.decided_by, locked.decided_at = actor, now
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    escalation_step_record(
        ticket=ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.APPROVED,
        what=notes.note("escalation.approved"),
    )
    escalation_carry_out(
        ticket=ticket,
        level=locked.to_level,
        actor=actor,
        escalation=locked,
        now=now,
        note=notes.note("escalation.on_approval"),
    )
    return locked


@transaction.atomic
def escalation_reject(*, escalation: Escalation, actor: User, reason: str) -> Escalation:
    """The target team's manager (or an admin) refuses a request awaiting approval,
    saying why (the agent who asked is told)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the escalation is rejected.")})
    locked = step_begin(escalation=escalation, actor=actor, action=Action.REJECT)
    set_status(locked, State.REJECTED)
    locked.decided_by = actor
    locked.decided_at = locked.closed_at = timezone.now()
    locked.rejection_reason = reason.strip()
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "closed_at", "rejection_reason"]
    )
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.REJECTED,
        what=notes.note("escalation.rejected", reason=locked.rejection_reason),
    )
    return locked
