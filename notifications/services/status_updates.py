"""Sending a status update: one message to the chosen audiences, on their channels."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalations.models import Escalation
from notifications.models import Audience, EventKind, StatusUpdate
from notifications.recipients import audience_members
from notifications.selectors import can_send_update
from notifications.services.dispatch import event_emit
from notifications.services.plans import audiences_clean, cadence_restart
from tickets import notes
from tickets.models import Ticket, TicketEvent, User
from tickets.services import ticket_event_record, ticket_lock

BODY_MAX = 20_000


def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the update.")})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {
                "body": ngettext(
                    "An update has at most %(max)s characters (this one has %(n)s).",
                    "An update has at most %(max)s characters (this one has %(n)s).",
                    BODY_MAX,
                )
                % {"max": f"{BODY_MAX:,}", "n": f"{len(body):,}"}
            }
        )
    return body


@transaction.atomic
def status_update_send(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    audiences: Iterable[str],
    escalation: Escalation | None = None,
) -> StatusUpdate:
    """Send one status update to the chosen audiences and restart the cadence.

    Only agents who may see the ticket (or the escalation it is sent from) send
    updates. The body is required (at most 20,000 characters) and at least one
    audience must be chosen. Each person gets it once on the channels they chose,
    even when in several audiences; the author is not sent their own update.
    Updates may be sent on any ticket; on one that expects none (resolved, or a
    priority without a plan) the cadence does not start."""
    if not can_send_update(user=actor, ticket=ticket, escalation=escalation):
        raise PermissionDenied(_("Only agents working on the ticket send status updates."))
    errors: dict[str, list[str]] = {}
    try:
        body = _checked_body(body)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        chosen = audiences_clean(audiences=audiences)
    except ValidationError as error:
        errors.update(error.message_dict)
    if escalation is not None and escalation.ticket_id != ticket.pk:
        errors["escalation"] = [_("This escalation is of another ticket.")]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    ticket = ticket_lock(ticket)
    update = StatusUpdate.objects.create(
        ticket=ticket, escalation=escalation, author=actor, audiences=chosen, body=body
    )
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.COMMENTED,
        field="status_update",
        new=", ".join(str(Audience(a).label) for a in chosen),
        note=notes.note("update.sent"),
    )
    # Not tied to the escalation: the message's link must open for every
    # audience, requesters included, and they may see the ticket only.
    event_emit(
        kind=EventKind.UPDATE_SENT,
        ticket=ticket,
        actor=actor,
        recipients=audience_members(ticket=ticket, audiences=chosen, escalation=escalation),
        extra={"body": body},
    )
    cadence_restart(ticket=ticket, now=now)
    return update
