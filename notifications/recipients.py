"""Who is told: each event decides from the ticket, its path and the escalation team."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from escalations.models import Escalation, EscalationLevel, TicketRoute
from escalations.services import routing
from escalations.services.duty import management
from notifications.models import Audience
from notifications.selectors import managed_escalation_of
from tickets.models import Team, Ticket, Tier, User


@dataclass(frozen=True)
class Recipient:
    """A user, or a bare e-mail address (a requester without an account, a named
    contact of an escalation team)."""

    user: User | None = None
    email: str = ""
    name: str = ""
    language: str = ""
    time_zone: str = ""

    @property
    def key(self) -> str:
        return f"u{self.user.pk}" if self.user is not None else f"e{self.email.lower()}"

    @property
    def digest(self) -> str:
        """``key`` in 64 hex digits, for the outbox key."""
        return hashlib.sha256(self.key.encode()).hexdigest()


def users(people: Iterable[User | None]) -> list[Recipient]:
    """The people given, leaving out the missing ones (no manager, no assignee)."""
    return [Recipient(user=person) for person in people if person is not None]


def team_members(team: Team | None) -> list[Recipient]:
    """The team's active members (its manager only through the events that say so)."""
    if team is None:
        return []
    return users(team.members.filter(is_active=True))


def owner(ticket: Ticket) -> list[Recipient]:
    """The assignee, or the whole team while nobody (or nobody still active) has
    taken the ticket."""
    if ticket.assignee_id and ticket.assignee.is_active:
        return users([ticket.assignee])
    return team_members(ticket.team)


def approvers(escalation: Escalation) -> list[Recipient]:
    """Who decides an escalation request: the target team's manager; while that
    team has none, the admins (the only others who may decide it), so a request
    is never left unseen."""
    team = escalation.to_team
    if team is not None and team.manager_id and team.manager.is_active:
        return users([team.manager])
    return admins()


def requester(ticket: Ticket) -> list[Recipient]:
    """The requester: their account when they have one, else the e-mail address
    and language the ticket was filed with."""
    if ticket.requester_id:
        return users([ticket.requester])
    return [
        Recipient(
            email=ticket.requester_email,
            name=ticket.requester_name,
            language=ticket.requester_language,
        )
    ]


def organization_contacts(ticket: Ticket) -> list[Recipient]:
    """The active contacts of the ticket's organization."""
    if not ticket.organization_id:
        return []
    return users(ticket.organization.contacts.filter(is_active=True))


def _management_teams(ticket: Ticket) -> list[Team]:
    """The management teams on the ticket's path (every one when the path has none)."""
    route = TicketRoute.objects.filter(ticket=ticket).only("path_id").first()
    levels = EscalationLevel.objects.filter(tier=Tier.MGMT)
    teams = Team.objects.filter(tier=Tier.MGMT)
    if route is not None and levels.filter(path_id=route.path_id).exists():
        teams = Team.objects.filter(escalation_levels__in=levels.filter(path_id=route.path_id))
    return list(teams.select_related("manager").prefetch_related("members").distinct())


def management_chain(ticket: Ticket) -> list[Recipient]:
    """The management on duty: for each management team on the ticket's path
    (every one when the path has none), the manager on call in its on-call
    rotation; for a team without one on call, its manager and members, and then
    the manager of the ticket's team too."""
    teams = _management_teams(ticket)
    on_call = management.on_call_now(teams, at=timezone.now())
    people: list[User | None] = []
    if len(on_call) < len(teams) or not teams:
        people.append(ticket.team.manager if ticket.team_id else None)
    for team in teams:
        if team.pk in on_call:
            people.append(on_call[team.pk])
            continue
        people.append(team.manager)
        people.extend(m for m in team.members.all() if m.is_active)
    return users(people)


def managers_on_duty(ticket: Ticket) -> list[Recipient]:
    """Breach notices: the managers on call in the management teams on the
    ticket's path, falling back to the manager of the ticket's team."""
    on_call = management.on_call_now(_management_teams(ticket), at=timezone.now())
    if on_call:
        return users(on_call.values())
    return users([ticket.team.manager if ticket.team_id else None])


def handover_sides(handover) -> list[Recipient]:
    """Both sides of a hand-over: the team giving it and the team taking over,
    with its manager."""
    return [
        *team_members(handover.from_team),
        *team_members(handover.to_team),
        *users([handover.to_team.manager]),
    ]


def level_managers(level: EscalationLevel) -> list[Recipient]:
    """The managers of a level's teams."""
    return users(team.manager for team in level.teams.select_related("manager"))


def escalation_team(escalation: Escalation) -> list[Recipient]:
    """The escalation manager and everyone on the escalation team; named contacts
    are written to when their contact is an e-mail address."""
    found = users([escalation.manager])
    for member in escalation.members.select_related("user"):
        if member.user_id:
            found.extend(users([member.user]))
        elif _is_email(member.contact):
            found.append(Recipient(email=member.contact, name=member.name))
    return found


def level_team(escalation: Escalation) -> list[Recipient]:
    """The team the ticket moves to, and its manager when the level says so."""
    level = escalation.to_level
    team = escalation.to_team
    if team is None and level is not None:
        team = routing.team_for(level, escalation.ticket)
    found = team_members(team)
    if team is not None and (level is None or level.notify_manager):
        found.extend(users([team.manager]))
    return found


def audience_members(
    *, ticket: Ticket, audiences: Iterable[str], escalation: Escalation | None = None
) -> list[Recipient]:
    """Everyone in the chosen audiences of a status update. The escalation team is
    that of the managed escalation the update is sent from, else the ticket's open
    managed escalation (functional escalations have no team of their own)."""
    people: list[Recipient] = []
    for audience in audiences:
        if audience == Audience.REQUESTER:
            people += requester(ticket)
        elif audience == Audience.ORGANIZATION:
            people += organization_contacts(ticket)
        elif audience == Audience.MANAGEMENT:
            people += management_chain(ticket)
        elif audience == Audience.ESCALATION_TEAM:
            managed = escalation
            if managed is None or managed.kind != Escalation.Kind.HIERARCHICAL:
                managed = managed_escalation_of(ticket=ticket)
            if managed is not None:
                people += escalation_team(managed)
    return people


def admins() -> list[Recipient]:
    """Every active admin (superuser)."""
    return users(User.objects.filter(is_superuser=True, is_active=True))


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
