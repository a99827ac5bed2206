"""Who is told: each event decides from the ticket, its path and the escalation team."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from escalations.models import Escalation, EscalationLevel, TicketRoute
from escalations.services import routing
from notifications.dispatch import Recipient, users
from tickets.models import Team, Ticket, Tier, User


def team_members(team: Team | None) -> list[Recipient]:
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
    if not ticket.organization_id:
        return []
    return users(ticket.organization.contacts.filter(is_active=True))


def management_chain(ticket: Ticket) -> list[Recipient]:
    """The manager of the ticket's team, and the people of the management tier on
    the ticket's path (every management team when the path has none)."""
    people: list[User | None] = [ticket.team.manager if ticket.team_id else None]
    route = TicketRoute.objects.filter(ticket=ticket).only("path_id").first()
    levels = EscalationLevel.objects.filter(tier=Tier.MGMT)
    teams = Team.objects.filter(tier=Tier.MGMT)
    if route is not None and levels.filter(path_id=route.path_id).exists():
        teams = Team.objects.filter(escalation_levels__in=levels.filter(path_id=route.path_id))
    for team in teams.select_related("manager").prefetch_related("members").distinct():
        people.append(team.manager)
        people.extend(m for m in team.members.all() if m.is_active)
    return users(people)


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


def admins() -> list[Recipient]:
    return users(User.objects.filter(is_superuser=True, is_active=True))


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True
