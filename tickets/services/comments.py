"""Public replies and internal notes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import events, notes
from tickets.models import (
    Comment,
    Status,
    Ticket,
    TicketEvent,
    User,
)
from tickets.search import ticket_search_refresh
from tickets.selectors import user_is_agent
from tickets.services import base
from tickets.services.base import ticket_event_record
from tickets.services.status import ticket_transition


@transaction.atomic
def comment_add(*, ticket: Ticket, actor: User, body: str, is_public: bool = True) -> Comment:
    """Add a public reply or an internal note.

    Requesters only write public replies. An agent's first public reply opens a
    new ticket; a requester's reply to a pending or resolved ticket reopens it.
    """
    agent = user_is_agent(actor)
    if not is_public and not agent:
        raise PermissionDenied(_("Only agents can write internal notes."))
    ticket = base.ticket_lock(ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError({"body": _("The ticket is closed; open a new ticket instead.")})
    comment = Comment(ticket=ticket, author=actor, body=body, is_public=is_public)
    comment.full_clean()
    comment.save()
    ticket_search_refresh(ticket_ids=[ticket.pk])
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.COMMENTED,
        field="comment",
        new=comment.pk,
        note=notes.note("comment.public" if is_public else "comment.internal"),
    )
    events.publish(events.COMMENT_ADDED, comment=comment, actor=actor, by_agent=agent)
    if is_public and agent and ticket.status == Status.NEW:
        ticket_transition(
            ticket=ticket,
            actor=actor,
            status=Status.OPEN,
            note=notes.note("comment.opened"),
        )
    elif not agent and ticket.status in (Status.PENDING, Status.RESOLVED):
        ticket_transition(
            ticket=ticket,
            actor=actor,
            status=Status.OPEN,
            note=notes.note("comment.requester_replied"),
        )
    else:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return comment
