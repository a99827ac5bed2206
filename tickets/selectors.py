"""Reads: who may see what, and the querysets pages and the API list from."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tickets import hooks
from tickets.models import (
    Attachment,
    Comment,
    Follower,
    Organization,
    SavedView,
    Team,
    Ticket,
    TicketEvent,
    User,
)


def user_is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def user_team_ids(user: User) -> frozenset[int]:
    """Teams the user works in: as a member or as the team's manager (cached per user)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_team_ids", None)
    if cached is None:
        cached = frozenset(
            Team.objects.filter(Q(members=user) | Q(manager=user)).values_list("id", flat=True)
        )
        user._team_ids = cached
    return cached


# --- who is an agent: the one definition ----------------------------------------------------
# An agent is an admin (a superuser), or a member or the manager of a team;
# everybody else is a requester. ``user_is_agent`` asks it of one user,
# ``agent_filter`` and ``agents`` of many; nothing else spells the rule out.


def user_is_agent(user: User) -> bool:
    """Whether ``user`` is an agent: an admin, or a member or manager of a team."""
    return user_is_admin(user) or bool(user_team_ids(user))


def _in_a_team(prefix: str) -> Q:
    return Q(**{f"{prefix}teams__isnull": False}) | Q(**{f"{prefix}managed_teams__isnull": False})


def agent_filter(*, prefix: str = "") -> Q:
    """The users who are agents, as a filter; ``prefix`` reaches them through a
    relation (``agent_filter(prefix="author__")`` on comments: written by an agent)."""
    return Q(**{f"{prefix}is_superuser": True}) | _in_a_team(prefix)


def agents() -> QuerySet[User]:
    """Active agents, by name: who may own an action or manage an escalation."""
    return (
        User.objects.filter(agent_filter(), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def assignees() -> QuerySet[User]:
    """Active agents a ticket may be assigned to on some team: the members and the
    managers of teams, by user name. An admin in no team is nobody's assignee;
    who fits one ticket's team is ``assignable_users``."""
    return User.objects.filter(_in_a_team(""), is_active=True).distinct().order_by("username")


def ticket_visibility_filter(user: User) -> Q:
    """The tickets a user may see: all for admins; their teams' and their own for agents;
    tickets with their e-mail for requesters."""
    if user_is_admin(user):
        return Q()
    team_ids = user_team_ids(user)
    if team_ids:
        return Q(team_id__in=team_ids) | Q(assignee=user)
    if user.email:
        return Q(requester_email__iexact=user.email)
    return Q(requester=user)


def ticket_visibility_branches(user: User) -> list[Q]:
    """The agent's visibility as conditions each served by an index in any list order
    (one per team, then their own tickets), whose union is ``ticket_visibility_filter``;
    empty for admins and requesters (one condition already)."""
    if user_is_admin(user):  # (before the teams: an admin's list needs no query for them)
        return []
    team_ids = user_team_ids(user)
    if not team_ids:
        return []
    return [*(Q(team_id=pk) for pk in sorted(team_ids)), Q(assignee=user)]


def _tickets(condition: Q) -> QuerySet[Ticket]:
    """Tickets matching ``condition``, with what list pages and the API show joined
    in (not the search vector: only the database reads it, and it is the largest
    column)."""
    return (
        Ticket.objects.filter(condition)
        .select_related("organization", "category", "team", "assignee")
        .defer("search_vector")
        .order_by("-created_at", "-id")
    )


def ticket_list(*, user: User) -> QuerySet[Ticket]:
    """Tickets the user may see (and, an agent, work on)."""
    return _tickets(ticket_visibility_filter(user))


def ticket_readable(*, user: User) -> QuerySet[Ticket]:
    """``ticket_list`` and, for an agent, the tickets they take part in
    (``ticket_involvement_filter``): what they may read, not all of it work."""
    condition = ticket_visibility_filter(user)
    if user_is_agent(user) and not user_is_admin(user):
        condition |= ticket_involvement_filter(user)
    return _tickets(condition)


def ticket_get(*, user: User, pk: int | str) -> Ticket:
    """One ticket the user works on; a ticket out of reach is a 404, not a 403."""
    try:
        ticket = ticket_list(user=user).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such ticket.")) from exc
    ticket._works_on = True
    return ticket


def ticket_involvement_filter(user: User) -> Q:
    """Tickets an agent takes part in outside their teams: opened by them (for a
    caller, then routed to a team on duty elsewhere), followed or once assigned
    (``Follower``), and what other apps add (escalations the agent asked for or is
    named on the escalation team of). Requesters take part in none."""
    if not user_is_agent(user):
        return Q(pk__in=[])
    condition = Q(created_by=user)
    condition |= Q(Exists(Follower.objects.filter(ticket=OuterRef("pk"), user=user)))
    for reach in hooks.reach_filters():
        condition |= reach(user)
    return condition


def ticket_read(*, user: User, pk: int | str) -> Ticket:
    """One ticket the user may read: one they work on (``ticket_get``) or, for an
    agent, one they take part in (``ticket_involvement_filter``); the latter comes
    with ``user_works_on`` false. Anything else is a 404."""
    try:
        return ticket_get(user=user, pk=pk)
    except Http404:
        if not user_is_agent(user):
            raise
    try:
        ticket = _tickets(ticket_involvement_filter(user)).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such ticket.")) from exc
    ticket._works_on = False
    return ticket


def user_works_on(*, user: User, ticket: Ticket) -> bool:
    """Whether ``user`` may work the ticket (reply, change status and routing), not
    only read it; answered once per loaded ticket."""
    known = getattr(ticket, "_works_on", None)
    if known is None:
        known = ticket_list(user=user).filter(pk=ticket.pk).exists()
        ticket._works_on = known
    return known


def user_may_take(*, user: User, ticket: Ticket, team_ids: frozenset[int]) -> bool:
    """Whether "Take it" is offered: an open ticket of one of the agent's teams
    (``team_ids``, ``user_team_ids``), someone else's or nobody's. The queue and
    the ticket page ask the same; ``ticket_take`` decides."""
    return ticket.is_open and ticket.assignee_id != user.pk and ticket.team_id in team_ids


def user_follows(*, user: User, ticket: Ticket) -> bool:
    """Whether ``user`` follows the ticket (and is told of its changes)."""
    return Follower.objects.filter(ticket=ticket, user=user, notify=True).exists()


def ticket_comments(*, ticket: Ticket, user: User) -> QuerySet[Comment]:
    """Comments on a ticket; requesters see public replies only."""
    qs = (
        ticket.comments.select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    if not user_is_agent(user):
        qs = qs.filter(is_public=True)
    return qs


def ticket_events(*, ticket: Ticket, user: User) -> QuerySet[TicketEvent]:
    """The audit trail of a ticket; requesters see creation and status changes only."""
    qs = ticket.events.select_related("actor").order_by("created_at", "id")
    if not user_is_agent(user):
        qs = qs.filter(kind__in=[TicketEvent.Kind.CREATED, TicketEvent.Kind.STATUS])
    return qs


def team_list(*, user: User) -> QuerySet[Team]:
    return (
        Team.objects.select_related("manager").prefetch_related("members").order_by("tier", "name")
    )


def user_list(*, user: User) -> QuerySet[User]:
    """The people a user may look up: admins everyone; agents the agents and the
    requesters of the tickets they may see; a requester only themselves."""
    works = Team.objects.filter(Q(members=OuterRef("pk")) | Q(manager=OuterRef("pk")))
    qs = (
        User.objects.select_related("organization")
        .annotate(
            is_agent=ExpressionWrapper(
                Q(is_superuser=True) | Exists(works), output_field=BooleanField()
            )
        )
        .order_by("username")
    )
    if user_is_admin(user):
        return qs
    if not user_is_agent(user):
        return qs.filter(pk=user.pk)
    asked = Ticket.objects.filter(
        ticket_visibility_filter(user),
        Q(requester=OuterRef("pk"))
        | (Q(requester_email__iexact=OuterRef("email")) & ~Q(requester_email="")),
    )
    return qs.filter(Q(is_superuser=True) | Exists(works) | Exists(asked))


def assignable_users(*, team: Team | None) -> QuerySet[User]:
    """People a ticket of ``team`` may be assigned to: its members and its manager."""
    if team is None:
        return User.objects.none()
    return (
        User.objects.filter(Q(teams=team) | Q(managed_teams=team), is_active=True)
        .distinct()
        .order_by("username")
    )


def organization_list(*, user: User) -> QuerySet[Organization]:
    """Organizations: agents see all of them, a requester only their own."""
    qs = Organization.objects.order_by("name")
    if user_is_agent(user):
        return qs
    return qs.filter(pk=user.organization_id)


def saved_views_for(*, user: User) -> list[SavedView]:
    """The queue views an agent may pick: the shared ones, then their own."""
    if not user_is_agent(user):
        return []
    return list(
        SavedView.objects.filter(Q(owner__isnull=True) | Q(owner=user)).order_by(
            F("owner").asc(nulls_first=True), "position", "name", "id"
        )
    )


def attachment_get(*, user: User, pk: int | str) -> Attachment | None:
    """An attachment whose ticket the user may read; requesters do not get those of
    internal notes. None for anything else."""
    attachment = Attachment.objects.select_related("comment").filter(pk=pk).first()
    if attachment is None:
        return None
    try:
        ticket_read(user=user, pk=attachment.ticket_id)
    except Http404:
        return None
    comment = attachment.comment
    if comment is not None and not comment.is_public and not user_is_agent(user):
        return None
    return attachment
