"""Canned replies: the ones an agent may use, and their text for one ticket."""

from django.db.models import Q, QuerySet

from tickets.models import CannedReply, Ticket, User
from tickets.selectors import user_is_admin, user_is_agent, user_team_ids


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
