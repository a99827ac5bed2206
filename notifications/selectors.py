"""Reads of the notification layer: a user's inbox and channel choices, the plan of
a priority, a ticket's cadence and status updates, and who may send one."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from escalations.models import Escalation
from escalations.selectors import escalation_list
from notifications.models import (
    CommunicationPlan,
    Delivery,
    DeliveryAttempt,
    EventKind,
    Notification,
    Preference,
    StatusUpdate,
    UpdateCadence,
)
from notifications.preferences import USER_CHANNELS, default
from tickets.models import Ticket, User
from tickets.selectors import ticket_get, ticket_list, user_is_agent

OPEN_MANAGED = (Escalation.Status.ACTIVE, Escalation.Status.MONITORING)


# --- the inbox and preferences --------------------------------------------------------------


def inbox_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first, with their tickets."""
    rows = Notification.objects.filter(recipient=user).select_related("ticket")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def preference_choices(*, user_ids: Iterable[int], kind: str) -> dict[tuple[int, str], bool]:
    """{(user id, channel): enabled} for ``kind``: each user's choice, else the
    default; one query, none when there is nobody to ask about."""
    ids = list(user_ids)
    rows = Preference.objects.filter(user_id__in=ids, kind=kind) if ids else ()
    chosen = {(row.user_id, row.channel): row.enabled for row in rows}
    return {
        (uid, channel): chosen.get((uid, channel), default(kind, channel))
        for uid in ids
        for channel in USER_CHANNELS
    }


# Events only agents and managers are told of: a requester's preferences do not
# offer them (the desk's timers, routing, duty and reports are not theirs).
AGENT_ONLY_KINDS = frozenset(
    {
        EventKind.TICKET_ASSIGNED,
        EventKind.SLA_WARNING,
        EventKind.SLA_BREACH,
        EventKind.ESCALATED,
        EventKind.APPROVAL_REQUESTED,
        EventKind.APPROVAL_DECIDED,
        EventKind.REVIEW_REQUESTED,
        EventKind.UPDATE_DUE,
        EventKind.UPDATE_MISSED,
        EventKind.WEBHOOK_DISABLED,
        EventKind.HANDED_OVER,
        EventKind.LEVEL_OFF_DUTY,
        EventKind.REPORT_DIGEST,
    }
)


def preference_grid(*, user: User) -> list[dict]:
    """Every event the user may be told of with their choice per channel, for the
    preferences page and API (a requester's without the agents' events)."""
    chosen = {(row.kind, row.channel): row.enabled for row in Preference.objects.filter(user=user)}
    hidden = set() if user_is_agent(user) else AGENT_ONLY_KINDS
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            **{
                channel.value: chosen.get((kind.value, channel.value), default(kind, channel))
                for channel in USER_CHANNELS
            },
        }
        for kind in EventKind
        if kind != EventKind.WEBHOOK_TEST  # sent to one endpoint on an admin's request only
        and kind not in hidden
    ]


# --- communication plans and status updates ------------------------------------------------


def plan_for(*, priority: str) -> CommunicationPlan | None:
    """The active plan of ``priority``, if there is one."""
    return CommunicationPlan.objects.filter(priority=priority, is_active=True).first()


def cadence_of(*, ticket: Ticket) -> UpdateCadence | None:
    """The ticket's update cadence with its plan (stopped ones too), if it ever had one."""
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


def managed_escalations_by_ticket(*, ticket_ids: Iterable[int]) -> dict[int, Escalation]:
    """{ticket id: its open managed escalation, with its manager}, in one query."""
    found = Escalation.objects.filter(
        ticket_id__in=list(ticket_ids),
        kind=Escalation.Kind.HIERARCHICAL,
        status__in=OPEN_MANAGED,
    ).select_related("manager")
    return {e.ticket_id: e for e in found}


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


# --- the outbox ----------------------------------------------------------------------------


def delivery_list(*, endpoint_id: int | None = None) -> QuerySet[Delivery]:
    """Deliveries, newest first, each with its attempts in order (two queries a
    page); only those of one webhook endpoint when ``endpoint_id`` is given."""
    attempts = DeliveryAttempt.objects.order_by("number")
    rows = Delivery.objects.prefetch_related(Prefetch("attempt_log", queryset=attempts))
    rows = rows.order_by("-created_at", "-pk")
    return rows if endpoint_id is None else rows.filter(endpoint_id=endpoint_id)
