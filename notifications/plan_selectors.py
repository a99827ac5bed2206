"""Reads for communication plans and status updates: the plan of a priority, a
ticket's cadence and updates, and who may send one."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from escalations.models import Escalation
from escalations.selectors import escalation_list
from notifications.models import CommunicationPlan, StatusUpdate, UpdateCadence
from tickets.models import Ticket, User
from tickets.selectors import ticket_get, ticket_list, user_is_agent

OPEN_MANAGED = (Escalation.Status.ACTIVE, Escalation.Status.MONITORING)


def plan_for(*, priority: str) -> CommunicationPlan | None:
    """The active plan of ``priority``, if there is one."""
    return CommunicationPlan.objects.filter(priority=priority, is_active=True).first()


def cadence_of(*, ticket: Ticket) -> UpdateCadence | None:
    return UpdateCadence.objects.filter(ticket=ticket).select_related("plan").first()


def managed_escalation_of(*, ticket: Ticket) -> Escalation | None:
    """The ticket's open managed escalation (at most one: a constraint says so)."""
    return (
        Escalation.objects.filter(
            ticket=ticket, kind=Escalation.Kind.HIERARCHICAL, status__in=OPEN_MANAGED
        )
        .select_related("manager")
        .first()
    )


def status_update_list(*, ticket: Ticket) -> QuerySet[StatusUpdate]:
    """A ticket's status updates, newest first, with their authors."""
    return StatusUpdate.objects.filter(ticket=ticket).select_related("author")


def _managed_reach(*, user: User) -> QuerySet[Escalation]:
    """Open managed escalations ``user`` runs or works in: as their escalation
    manager or a member of their escalation team."""
    return (
        Escalation.objects.filter(kind=Escalation.Kind.HIERARCHICAL, status__in=OPEN_MANAGED)
        .filter(Q(manager=user) | Q(members__user=user))
        .distinct()
    )


def can_send_update(*, user: User, ticket: Ticket, escalation: Escalation | None = None) -> bool:
    """Agents who may see the ticket; and, through an open managed escalation of
    it, its escalation manager and escalation team (the manager often works
    outside the ticket's team, and is the one told when an update is missed)."""
    if not user_is_agent(user):
        return False
    if ticket_list(user=user).filter(pk=ticket.pk).exists():
        return True
    return (
        escalation is not None
        and escalation.ticket_id == ticket.pk
        and _managed_reach(user=user).filter(pk=escalation.pk).exists()
    )


def update_target(
    *, user: User, pk: int | str, escalation_pk: int | str | None = None
) -> tuple[Ticket, Escalation | None]:
    """The ticket a status update is about (and the escalation it is sent from), as
    ``user`` may reach them: agents only; the ticket as its page shows it, with any
    escalation of it the user may see; or a ticket outside the user's reach
    through an open managed escalation the user runs or works in. Anything else,
    a closed or merely requested escalation included, is a 404."""
    if not user_is_agent(user):
        raise Http404(_("No such ticket."))
    if escalation_pk in (None, ""):
        return ticket_get(user=user, pk=pk), None
    try:
        if ticket_list(user=user).filter(pk=pk).exists():
            escalations = escalation_list(user=user)
        else:
            escalations = _managed_reach(user=user)
        escalation = escalations.filter(pk=escalation_pk, ticket_id=pk).first()
    except (ValueError, TypeError) as exc:  # not an id at all
        raise Http404(_("No such escalation of this ticket.")) from exc
    if escalation is None:
        raise Http404(_("No such escalation of this ticket."))
    ticket = Ticket.objects.select_related("organization", "category", "team", "assignee").get(
        pk=escalation.ticket_id
    )
    return ticket, escalation
