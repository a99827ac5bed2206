"""Writes on tickets. Every change goes through here and leaves TicketEvents behind.

Pages, the API, admin and tasks all call these functions; none of them holds
ticket rules of its own.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import events, hooks
from tickets.models import (
    Category,
    Comment,
    Organization,
    Priority,
    Status,
    Team,
    Ticket,
    TicketEvent,
    Tier,
    User,
)
from tickets.priority import default_priority
from tickets.selectors import assignable_users, user_is_agent
from tickets.workflow import allowed_transitions, check_transition

FLAG_FIELDS = ("is_security", "is_safety", "is_legal", "is_major_outage")
# Fields an agent may change with ticket_update; status and level have their own services.
EDITABLE_FIELDS = (
    "title",
    "description",
    "requester_name",
    "requester_email",
    "requester_language",
    "organization",
    "category",
    "impact",
    "urgency",
    *FLAG_FIELDS,
    "team",
    "assignee",
)
# Transitions a requester may make on their own ticket: answer a pending question,
# confirm or reopen a resolution.
REQUESTER_TRANSITIONS = {
    (Status.PENDING, Status.OPEN),
    (Status.RESOLVED, Status.OPEN),
    (Status.RESOLVED, Status.CLOSED),
}


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def transitions_for(*, status: str, actor: User) -> list[str]:
    """The statuses ``actor`` may move a ticket in ``status`` to."""
    allowed = allowed_transitions(status)
    if user_is_agent(actor):
        return allowed
    return [target for target in allowed if (status, target) in REQUESTER_TRANSITIONS]


def ticket_event_record(
    *,
    ticket: Ticket,
    actor: User | None,
    kind: str,
    field: str = "",
    old: Any = None,
    new: Any = None,
    note: str = "",
) -> TicketEvent:
    """Append one entry to a ticket's audit trail (for this app and those built on it)."""
    return TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        field=field,
        old_value=_display(old),
        new_value=_display(new),
        note=note,
    )


# Changes to these fields may change the priority (matrix, criteria on category,
# organization tier, flags and keywords).
PRIORITY_INPUTS = {
    "impact",
    "urgency",
    "category",
    "organization",
    "title",
    "description",
    *FLAG_FIELDS,
}


def _resolve_priority(ticket: Ticket) -> tuple[str, str]:
    """The priority a ticket should have now, and why."""
    if ticket.priority_override:
        return ticket.priority_override, _("Priority set by hand.")
    resolver = hooks.priority_resolver()
    if resolver is not None:
        return resolver(ticket)
    priority = default_priority(impact=ticket.impact, urgency=ticket.urgency)
    return priority, _("Priority %(priority)s from impact %(impact)s x urgency %(urgency)s.") % {
        "priority": priority,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
    }


def _default_team() -> Team | None:
    return Team.objects.filter(tier=Tier.L1).order_by("name").first()


def check_assignee(*, team: Team | None, assignee: User | None) -> None:
    """A ticket's assignee must be a member or the manager of the ticket's team."""
    if assignee is None:
        return
    if team is None:
        raise ValidationError({"assignee": _("Choose a team before assigning the ticket.")})
    if not assignable_users(team=team).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {"assignee": _("%(user)s is not in team %(team)s.") % {"user": assignee, "team": team}}
        )


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    title: str,
    description: str,
    requester_name: str = "",
    requester_email: str = "",
    requester_language: str = "",
    organization: Organization | None = None,
    category: Category | None = None,
    impact: int = 3,
    urgency: int = 3,
    is_security: bool = False,
    is_safety: bool = False,
    is_legal: bool = False,
    is_major_outage: bool = False,
    team: Team | None = None,
    assignee: User | None = None,
) -> Ticket:
    """Open a ticket and record its creation.

    A requester (a user in no team) files tickets for themself: the requester
    details and organization come from their account, and they may not set
    team, assignee or flags. Without a team the ticket lands on the first L1 team.
    The priority comes from the impact x urgency matrix, raised by any priority
    criteria that apply (see ``tickets.hooks``).
    """
    if not user_is_agent(actor):
        if team is not None or assignee is not None:
            raise PermissionDenied(_("Only agents can choose the team or the assignee."))
        if is_security or is_safety or is_legal or is_major_outage:
            raise PermissionDenied(_("Only agents can flag a ticket."))
        requester_name = actor.get_full_name() or actor.username
        requester_email = actor.email
        requester_language = actor.language
        organization = actor.organization
        requester = actor
    else:
        requester = (
            User.objects.filter(email__iexact=requester_email).first()
            if (requester_email)
            else None
        )
        if requester is not None and organization is None:
            organization = requester.organization
    if team is None:
        team = _default_team()
    check_assignee(team=team, assignee=assignee)
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})

    ticket = Ticket(
        title=title,
        description=description,
        requester=requester,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_language=requester_language or "en",
        organization=organization,
        category=category,
        impact=impact,
        urgency=urgency,
        is_security=is_security,
        is_safety=is_safety,
        is_legal=is_legal,
        is_major_outage=is_major_outage,
        status=Status.NEW,
        level=team.tier if team else Tier.L1,
        team=team,
        assignee=assignee,
        created_by=actor,
    )
    ticket.priority, reason = _resolve_priority(ticket)
    ticket.full_clean()
    ticket.save()
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.CREATED,
        field="priority",
        new=ticket.priority,
        note=reason,
    )
    if assignee is not None:
        ticket_event_record(
            ticket=ticket,
            actor=actor,
            kind=TicketEvent.Kind.ASSIGNED,
            field="assignee",
            new=assignee,
        )
    return events.publish(events.TICKET_CREATED, ticket=ticket, actor=actor)["ticket"]


def tickets_locked(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """``tickets`` held as ``ticket_lock`` holds one (batch jobs lock in id order)."""
    return tickets.select_for_update(of=("self",), no_key=True)


def ticket_lock(ticket: Ticket | int) -> Ticket:
    """Hold the ticket against concurrent changes for the rest of the transaction,
    and return it as it is now.

    The one lock order of the whole system: the ticket first, then what hangs
    off it (its SLA clocks, escalations, cadences). The SLA sweep claims clocks
    together with their tickets the same way, so nobody waits in a cycle. It is
    a no-key lock: rows that only point at the ticket (its audit trail, its
    comments) can still be inserted meanwhile."""
    return tickets_locked(Ticket.objects.select_related("team", "assignee", "organization")).get(
        pk=ticket if isinstance(ticket, int) else ticket.pk
    )


def _changed(ticket: Ticket, actor: User | None, fields: set[str]) -> Ticket:
    """Tell the listeners which fields changed; the ticket as they left it."""
    return events.publish(events.TICKET_CHANGED, ticket=ticket, actor=actor, fields=fields)[
        "ticket"
    ]


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor: User, data: Mapping[str, Any]) -> Ticket:
    """Change a ticket's fields, one audit event per changed field.

    Only agents edit tickets. A change of impact or urgency recomputes the
    priority; the assignee must belong to the ticket's team.
    """
    if not user_is_agent(actor):
        raise PermissionDenied(_("Only agents can edit tickets."))
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    locked = ticket_lock(ticket)
    changes = {name: value for name, value in data.items() if getattr(locked, name) != value}
    if not changes:
        return locked
    if (
        "category" in changes
        and changes["category"] is not None
        and not (changes["category"].is_active)
    ):
        raise ValidationError({"category": _("This category is no longer in use.")})
    old_values = {name: getattr(locked, name) for name in changes}
    for name, value in changes.items():
        setattr(locked, name, value)
    # A ticket handed to another team leaves its old assignee behind.
    if (
        "team" in changes
        and "assignee" not in changes
        and locked.assignee is not None
        and not assignable_users(team=locked.team).filter(pk=locked.assignee_id).exists()
    ):
        old_values["assignee"] = locked.assignee
        changes["assignee"] = None
        locked.assignee = None
    if "team" in changes or "assignee" in changes:
        check_assignee(team=locked.team, assignee=locked.assignee)
    old_priority = locked.priority
    reason = ""
    if PRIORITY_INPUTS & set(changes):
        locked.priority, reason = _resolve_priority(locked)
    locked.full_clean()
    update_fields = [*changes, "updated_at"]
    if locked.priority != old_priority:
        update_fields.append("priority")
    locked.save(update_fields=update_fields)

    for name in changes:
        kind = TicketEvent.Kind.ASSIGNED if name == "assignee" else TicketEvent.Kind.CHANGED
        ticket_event_record(
            ticket=locked,
            actor=actor,
            kind=kind,
            field=name,
            old=old_values[name],
            new=getattr(locked, name),
        )
    changed = set(changes)
    if locked.priority != old_priority:
        changed.add("priority")
        _record_priority(locked, actor, old_priority, reason)
    return _changed(locked, actor, changed)


def _record_priority(ticket: Ticket, actor: User | None, old: str, why: str) -> None:
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.PRIORITY,
        field="priority",
        old=old,
        new=ticket.priority,
        note=why,
    )


@transaction.atomic
def ticket_override_priority(*, ticket: Ticket, actor: User, priority: str, reason: str) -> Ticket:
    """Set the priority by hand, with a reason; an empty ``priority`` hands the
    decision back to the matrix and the criteria. Agents only; always audited."""
    if not user_is_agent(actor):
        raise PermissionDenied(_("Only agents can set the priority by hand."))
    if priority and priority not in Priority.values:
        raise ValidationError({"priority": _("Unknown priority “%(p)s”.") % {"p": priority}})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the priority is set by hand.")})
    locked = ticket_lock(ticket)
    old_priority, old_override = locked.priority, locked.priority_override
    locked.priority_override = priority
    locked.priority, why = _resolve_priority(locked)
    locked.save(update_fields=["priority", "priority_override", "updated_at"])
    note = (
        _("Set by hand: %(reason)s") % {"reason": reason}
        if priority
        else _("Back to the rules (%(why)s): %(reason)s") % {"why": why, "reason": reason}
    )
    _record_priority(locked, actor, old_priority, note)
    changed = {"priority_override"} if old_override != priority else set()
    if locked.priority != old_priority:
        changed.add("priority")
    if changed:
        return _changed(locked, actor, changed)


@transaction.atomic
def ticket_route(
    *,
    ticket: Ticket,
    actor: User | None,
    team: Team | None,
    level: str,
    note: str,
    clear_assignee: bool = False,
) -> Ticket:
    """Move a ticket to another team and level (escalation, routing), saying why.

    An assignee outside the new team is dropped, any assignee with
    ``clear_assignee``; the ``changed`` hooks see the move."""
    locked = ticket_lock(ticket)
    changes = {}
    if locked.team_id != (team.pk if team else None):
        changes["team"] = (locked.team, team)
        locked.team = team
    if locked.level != level:
        changes["level"] = (locked.level, level)
        locked.level = level
    if locked.assignee_id and (
        clear_assignee or not assignable_users(team=team).filter(pk=locked.assignee_id).exists()
    ):
        changes["assignee"] = (locked.assignee, None)
        locked.assignee = None
    if not changes:
        return locked
    locked.save(update_fields=[*changes, "updated_at"])
    for name, (old, new) in changes.items():
        kind = TicketEvent.Kind.ASSIGNED if name == "assignee" else TicketEvent.Kind.CHANGED
        ticket_event_record(
            ticket=locked, actor=actor, kind=kind, field=name, old=old, new=new, note=note
        )
    return _changed(locked, actor, set(changes))


@transaction.atomic
def ticket_transition(*, ticket: Ticket, actor: User, status: str, note: str = "") -> Ticket:
    """Move a ticket along the status workflow (``tickets.workflow.TRANSITIONS``).

    Agents make any allowed move; a requester may only answer a pending ticket,
    or reopen or close their resolved ticket. Resolving stamps ``resolved_at``, reopening clears it.
    """
    locked = ticket_lock(ticket)
    check_transition(locked.status, status)
    if not user_is_agent(actor) and (locked.status, status) not in REQUESTER_TRANSITIONS:
        raise PermissionDenied(_("Only agents can make this status change."))
    old = locked.status
    now = timezone.now()
    locked.status = status
    if status == Status.RESOLVED:
        locked.resolved_at = now
    elif status == Status.CLOSED:
        locked.closed_at = now
    elif old == Status.RESOLVED:
        locked.resolved_at = None
    locked.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    ticket_event_record(
        ticket=locked,
        actor=actor,
        kind=TicketEvent.Kind.STATUS,
        field="status",
        old=old,
        new=status,
        note=note,
    )
    return events.publish(
        events.TICKET_STATUS_CHANGED, ticket=locked, actor=actor, old=old, new=status
    )["ticket"]


@transaction.atomic
def comment_add(*, ticket: Ticket, actor: User, body: str, is_public: bool = True) -> Comment:
    """Add a public reply or an internal note.

    Requesters only write public replies. An agent's first public reply opens a
    new ticket; a requester's reply to a pending or resolved ticket reopens it.
    """
    agent = user_is_agent(actor)
    if not is_public and not agent:
        raise PermissionDenied(_("Only agents can write internal notes."))
    ticket = ticket_lock(ticket)
    if ticket.status == Status.CLOSED:
        raise ValidationError({"body": _("The ticket is closed; open a new ticket instead.")})
    comment = Comment(ticket=ticket, author=actor, body=body, is_public=is_public)
    comment.full_clean()
    comment.save()
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.COMMENTED,
        field="comment",
        new=comment.pk,
        note=_("Public reply") if is_public else _("Internal note"),
    )
    events.publish(events.COMMENT_ADDED, comment=comment, actor=actor, by_agent=agent)
    if is_public and agent and ticket.status == Status.NEW:
        ticket_transition(
            ticket=ticket,
            actor=actor,
            status=Status.OPEN,
            note=_("Opened by the first public reply."),
        )
    elif not agent and ticket.status in (Status.PENDING, Status.RESOLVED):
        ticket_transition(
            ticket=ticket, actor=actor, status=Status.OPEN, note=_("The requester replied.")
        )
    else:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return comment
