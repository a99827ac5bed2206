"""Moving a ticket along its status workflow."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import events, notes
from tickets.models import (
    Status,
    Ticket,
    TicketEvent,
    User,
)
from tickets.selectors import user_is_agent
from tickets.services import base
from tickets.services.base import ticket_event_record
from tickets.workflow import allowed_transitions, check_transition

# Transitions a requester may make on their own ticket: answer a pending question,
# confirm or reopen a resolution.
REQUESTER_TRANSITIONS = {
    (Status.PENDING, Status.OPEN),
    (Status.RESOLVED, Status.OPEN),
    (Status.RESOLVED, Status.CLOSED),
}


def transitions_for(*, status: str, actor: User) -> list[str]:
    """The statuses ``actor`` may move a ticket in ``status`` to."""
    allowed = allowed_transitions(status)
    if user_is_agent(actor):
        return allowed
    return [target for target in allowed if (status, target) in REQUESTER_TRANSITIONS]


@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    actor: User,
    status: str,
    note: str | notes.Note = "",
    note_public: bool = False,
) -> Ticket:
    """Move a ticket along the status workflow (``tickets.workflow.TRANSITIONS``).

    The requester sees the change; its note only with ``note_public`` (a
    requester's own note always is).

    Agents make any allowed move; a requester may only answer a pending ticket,
    or reopen or close their resolved ticket. Resolving stamps ``resolved_at``, reopening clears it.
    """
    locked = base.ticket_lock(ticket)
    check_transition(locked.status, status)
    if not user_is_agent(actor) and (locked.status, status) not in REQUESTER_TRANSITIONS:
        raise PermissionDenied(_("Only agents can make this status change."))
    old = locked.status
    now = timezone.now()
    locked.status = status
    if status == Status.RESOLVED:
        locked.resolved_at = now
    elif status == Status.CLOSED:
        locked.closed_at = now
    elif old == Status.RESOLVED:
        locked.resolved_at = None
    locked.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    ticket_event_record(
        ticket=locked,
        actor=actor,
        kind=TicketEvent.Kind.STATUS,
        field="status",
        old=old,
        new=status,
        note=note,
        note_public=note_public or not user_is_agent(actor),
    )
    return events.publish(
        events.TICKET_STATUS_CHANGED, ticket=locked, actor=actor, old=old, new=status
    )["ticket"]
