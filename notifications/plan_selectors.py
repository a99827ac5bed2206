"""Reads for communication plans and status updates: the plan of a priority, a
ticket's cadence and updates, and who may send one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from escalations.models import Escalation
from escalations.selectors import escalation_get, escalation_list
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


def can_send_update(*, user: User, ticket: Ticket, escalation: Escalation | None = None) -> bool:
    """Agents who may see the ticket, or the escalation the update is sent from:
    the escalation manager often works outside the ticket's team, and is the one
    told when an update is missed."""
    if not user_is_agent(user):
        return False
    if ticket_list(user=user).filter(pk=ticket.pk).exists():
        return True
    return (
        escalation is not None
        and escalation.ticket_id == ticket.pk
        and escalation_list(user=user).filter(pk=escalation.pk).exists()
    )


def update_target(
    *, user: User, pk: int | str, escalation_pk: int | str | None = None
) -> tuple[Ticket, Escalation | None]:
    """The ticket a status update is about (and the escalation it is sent from), as
    ``user`` may reach them: agents only, the ticket as its page shows it or
    through an escalation of it the user may see. Anything else is a 404."""
    if not user_is_agent(user):
        raise Http404("No such ticket.")
    if escalation_pk in (None, ""):
        return ticket_get(user=user, pk=pk), None
    escalation = escalation_get(user=user, pk=escalation_pk)
    if str(escalation.ticket_id) != str(pk):
        raise Http404("No such escalation of this ticket.")
    ticket = (
        Ticket.objects.select_related("organization", "category", "team", "assignee")
        .filter(pk=escalation.ticket_id)
        .get()
    )
    return ticket, escalation
