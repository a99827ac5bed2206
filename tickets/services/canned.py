"""Canned replies: the ones an agent may use, and their text for one ticket."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tickets.models import CannedReply, Comment, Ticket, User
from tickets.selectors import user_is_admin, user_is_agent, user_team_ids, user_works_on
from tickets.services.comments import comment_send


def canned_replies_for(*, user: User) -> QuerySet[CannedReply]:
    """Active canned replies of no team or of the agent's teams (all for admins)."""
    if not user_is_agent(user):
        return CannedReply.objects.none()
    qs = CannedReply.objects.filter(is_active=True)
    if not user_is_admin(user):
        qs = qs.filter(Q(team__isnull=True) | Q(team_id__in=user_team_ids(user)))
    return qs.order_by("title", "id")


def canned_reply_text(*, reply: CannedReply, ticket: Ticket, agent: User) -> str:
    """The reply's text with its placeholders filled in (plain replacement: a
    brace in the text or in a value is never interpreted)."""
    values = {
        "{requester_name}": ticket.requester_name,
        "{reference}": ticket.reference,
        "{title}": ticket.title,
        "{agent_name}": agent.get_full_name() or agent.username,
    }
    text = reply.body
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def canned_reply_apply(
    *,
    reply: CannedReply,
    ticket: Ticket,
    actor: User,
    is_public: bool = True,
    set_status: str | None = None,
) -> Comment:
    """Send a canned reply on a ticket as the reply box does (``comment_send``): its
    text with the placeholders filled, as a public reply or an internal note, and
    the reply's status (or ``set_status``; "" for none) set with it. Only agents
    working on the ticket may, and only with a reply offered to them."""
    if not user_works_on(user=actor, ticket=ticket):
        raise PermissionDenied(_("Only agents working on the ticket can use canned replies."))
    if not canned_replies_for(user=actor).filter(pk=reply.pk).exists():
        raise PermissionDenied(_("This canned reply is not offered to you."))
    return comment_send(
        ticket=ticket,
        actor=actor,
        body=canned_reply_text(reply=reply, ticket=ticket, agent=actor),
        is_public=is_public,
        set_status=reply.set_status if set_status is None else set_status,
    )
