"""Public replies and internal notes."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
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
from tickets.selectors import user_is_agent, user_works_on
from tickets.services import base
from tickets.services.attachments import attachments_add, attachments_check
from tickets.services.base import ticket_event_record
from tickets.services.status import ticket_transition
from tickets.services.stored_files import atomic_with_files


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


def comment_send(
    *,
    ticket: Ticket,
    actor: User,
    body: str,
    is_public: bool = True,
    files: Sequence[UploadedFile] = (),
    set_status: str = "",
) -> Comment:
    """A reply or note as the reply box sends it: the text, its files, and (a
    canned reply's) status change, all kept or all undone together.

    Every file is checked before anything is written, and files stored for a write
    that fails later are removed from storage. Only those who work the ticket may
    set its status with the reply.
    """
    attachments_check(ticket=ticket, files=files)
    if set_status and not user_works_on(user=actor, ticket=ticket):
        raise PermissionDenied(_("Only agents working on the ticket can change its status."))
    with atomic_with_files():
        comment = comment_add(ticket=ticket, actor=actor, body=body, is_public=is_public)
        if files:
            attachments_add(ticket=ticket, actor=actor, files=files, comment=comment)
        if set_status:
            ticket_transition(ticket=comment.ticket, actor=actor, status=set_status)
    return comment
