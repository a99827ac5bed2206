"""Reads: who may see what, and the querysets pages and the API list from."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tickets.models import Comment, Organization, Team, Ticket, TicketEvent, User


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


def ticket_list(*, user: User) -> QuerySet[Ticket]:
    """Tickets the user may see, with what list pages and the API show joined in."""
    return (
        Ticket.objects.filter(ticket_visibility_filter(user))
        .select_related("organization", "category", "team", "assignee")
        .order_by("-created_at", "-id")
    )


def ticket_get(*, user: User, pk: int | str) -> Ticket:
    """One ticket the user may see; a ticket out of reach is a 404, not a 403."""
    try:
        return ticket_list(user=user).get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such ticket.")) from exc


def ticket_comments(*, ticket: Ticket, user: User) -> QuerySet[Comment]:
    """Comments on a ticket; requesters see public replies only."""
    qs = ticket.comments.select_related("author").order_by("created_at", "id")
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
