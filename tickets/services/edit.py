"""Changing a ticket: its fields, its priority by hand, its team and level."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tickets import batch, notes
from tickets.models import (
    Priority,
    Team,
    Ticket,
    TicketEvent,
    User,
)
from tickets.search import ticket_search_refresh
from tickets.selectors import assignable_users, user_is_agent
from tickets.services import base
from tickets.services.base import (
    FLAG_FIELDS,
    PRIORITY_INPUTS,
    changed_publish,
    check_assignee,
    priority_decide,
    priority_record,
    ticket_event_record,
)
from tickets.services.followers import follower_record_assignee

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
    locked = base.ticket_lock(ticket)
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
        locked.priority, reason = priority_decide(locked)
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
    if "assignee" in changes:
        follower_record_assignee(ticket=locked, assignee=old_values["assignee"])
        follower_record_assignee(ticket=locked, assignee=locked.assignee)
    if {"title", "description"} & set(changes):
        ticket_search_refresh(ticket_ids=[locked.pk])
    changed = set(changes)
    if locked.priority != old_priority:
        changed.add("priority")
        priority_record(ticket=locked, actor=actor, old=old_priority, why=reason)
    return changed_publish(ticket=locked, actor=actor, fields=changed)


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
    locked = base.ticket_lock(ticket)
    old_priority, old_override = locked.priority, locked.priority_override
    locked.priority_override = priority
    locked.priority, why = priority_decide(locked)
    locked.save(update_fields=["priority", "priority_override", "updated_at"])
    note = (
        notes.note("priority.set", reason=reason)
        if priority
        else notes.note("priority.back_to_rules", why=why, reason=reason)
    )
    priority_record(ticket=locked, actor=actor, old=old_priority, why=note)
    changed = {"priority_override"} if old_override != priority else set()
    if locked.priority != old_priority:
        changed.add("priority")
    if changed:
        return changed_publish(ticket=locked, actor=actor, fields=changed)


@batch.atomic
def ticket_route(
    *,
    ticket: Ticket,
    actor: User | None,
    team: Team | None,
    level: str,
    note: str | notes.Note,
    clear_assignee: bool = False,
) -> Ticket:
    """Move a ticket to another team and level (escalation, routing), saying why.

    An assignee outside the new team is dropped, any assignee with
    ``clear_assignee``; the ``changed`` hooks see the move."""
    locked = base.ticket_lock(ticket)
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
    if batch.held(locked.pk) is locked:
        # A batch job (the sweep escalating a chunk) writes its tickets together.
        locked.updated_at = timezone.now()
        batch.update_later(locked, [*changes, "updated_at"])
    else:
        locked.save(update_fields=[*changes, "updated_at"])
    for name, (old, new) in changes.items():
        kind = TicketEvent.Kind.ASSIGNED if name == "assignee" else TicketEvent.Kind.CHANGED
        ticket_event_record(
            ticket=locked, actor=actor, kind=kind, field=name, old=old, new=new, note=note
        )
    if "assignee" in changes:
        follower_record_assignee(ticket=locked, assignee=changes["assignee"][0])
    return changed_publish(ticket=locked, actor=actor, fields=set(changes))
