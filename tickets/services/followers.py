"""Following a ticket (agents) and copying addresses on it (requesters)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tickets import batch
from tickets.models import CcAddress, Follower, Ticket, TicketEvent, User
from tickets.selectors import user_is_agent
from tickets.services.base import ticket_event_record

CC_LIMIT = 10


def follower_record_assignee(*, ticket: Ticket, assignee: User | None) -> None:
    """An assignee takes part in the ticket from now on: read access stays with
    them after a reassignment. Notices come from following, not from this record."""
    if assignee is None:
        return
    pending = batch.memo("assignee-followers", list)
    if batch.on_flush("assignee-followers", lambda: _followers_write(pending)):
        # a batch job (the sweep moving tickets on) writes them in one statement
        pending.append(
            Follower(ticket=ticket, user=assignee, reason=Follower.Reason.ASSIGNED, notify=False)
        )
        return
    Follower.objects.get_or_create(
        ticket=ticket, user=assignee, defaults={"reason": Follower.Reason.ASSIGNED, "notify": False}
    )


def _followers_write(rows: list[Follower]) -> None:
    Follower.objects.bulk_create(rows, ignore_conflicts=True)  # kept as they are if known
    rows.clear()


@transaction.atomic
def ticket_follow(*, ticket: Ticket, actor: User, follow: bool = True) -> Follower:
    """An agent follows a ticket (told of public replies and status changes) or stops
    following it. Requesters are told of their own tickets already and cannot follow."""
    if not user_is_agent(actor):
        raise PermissionDenied(_("Only agents follow tickets."))
    follower, created = Follower.objects.get_or_create(
        ticket=ticket, user=actor, defaults={"notify": follow}
    )
    if not created and follower.notify != follow:
        follower.notify = follow
        follower.save(update_fields=["notify"])
    return follower


@transaction.atomic
def cc_add(*, ticket: Ticket, actor: User, email: str) -> CcAddress:
    """Copy an address on the ticket: told of public replies and status changes.
    At most ``CC_LIMIT`` addresses; the requester's own is refused as a copy."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    if email == ticket.requester_email.lower():
        raise ValidationError({"email": _("That is the requester's own address.")})
    if CcAddress.objects.filter(ticket=ticket, email=email).exists():
        raise ValidationError({"email": _("That address is copied already.")})
    if CcAddress.objects.filter(ticket=ticket).count() >= CC_LIMIT:
        raise ValidationError(
            {"email": _("At most %(limit)d addresses may be copied.") % {"limit": CC_LIMIT}}
        )
    cc = CcAddress.objects.create(ticket=ticket, email=email, added_by=actor)
    ticket_event_record(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.CHANGED, field="cc", new=email
    )
    return cc


@transaction.atomic
def cc_remove(*, ticket: Ticket, actor: User, email: str) -> None:
    """Stop copying an address on the ticket (audited)."""
    deleted, _rows = CcAddress.objects.filter(ticket=ticket, email=email.strip().lower()).delete()
    if deleted:
        ticket_event_record(
            ticket=ticket, actor=actor, kind=TicketEvent.Kind.CHANGED, field="cc", old=email
        )
