"""The queue's one-click and many-ticket actions: take a ticket, and change the
assignee, status, priority or team of many at once.

Each ticket goes through the same services as a single change, in a savepoint
of its own, after a check that the actor works on it: what is allowed commits,
what is refused is listed with the reason, and one refusal never undoes the
others."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tickets.models import Priority, Status, Team, Ticket, User
from tickets.selectors import ticket_list, user_is_agent
from tickets.services.edit import ticket_override_priority, ticket_update
from tickets.services.status import ticket_transition

BULK_ACTIONS = ("assign", "status", "priority", "team")
BULK_LIMIT = 200


@dataclass
class BulkResult:
    done: list[Ticket] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (reference or id, why)


def ticket_take(*, ticket: Ticket, actor: User) -> Ticket:
    """Assign the ticket to oneself ("take it"): the actor must work on it and be
    in its team (the assignee rule of ``ticket_update``)."""
    if not user_is_agent(actor) or not ticket_list(user=actor).filter(pk=ticket.pk).exists():
        raise PermissionDenied(_("You do not work on this ticket."))
    return ticket_update(ticket=ticket, actor=actor, data={"assignee": actor})


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Not allowed.")


def _apply(*, ticket: Ticket, actor: User, action: str, value, note: str) -> None:
    if action == "assign":
        ticket_update(ticket=ticket, actor=actor, data={"assignee": value})
    elif action == "team":
        ticket_update(ticket=ticket, actor=actor, data={"team": value})
    elif action == "status":
        ticket_transition(ticket=ticket, actor=actor, status=value, note=note)
    elif action == "priority":
        ticket_override_priority(ticket=ticket, actor=actor, priority=value, reason=note)


def _check_value(action: str, value) -> None:
    if action not in BULK_ACTIONS:
        raise ValidationError({"action": _("Choose an action.")})
    if action == "status" and value not in Status.values:
        raise ValidationError({"value": _("Choose a status.")})
    if action == "priority" and value not in Priority.values:
        raise ValidationError({"value": _("Choose a priority.")})
    if action == "team" and not isinstance(value, Team):
        raise ValidationError({"value": _("Choose a team.")})
    if action == "assign" and value is not None and not isinstance(value, User):
        raise ValidationError({"value": _("Choose an assignee.")})


def tickets_bulk_change(
    *,
    actor: User,
    ticket_ids: Iterable[int],
    action: str,
    value=None,
    note: str = "",
) -> BulkResult:
    """Apply one change to many tickets, each checked and written on its own.

    Tickets the actor does not work on are refused (as if unknown); each other
    refusal (workflow, assignee not in the team, missing reason) is listed with
    its message. A priority set in bulk needs ``note`` as its reason."""
    if not user_is_agent(actor):
        raise PermissionDenied(_("Only agents change tickets in bulk."))
    _check_value(action, value)
    ids = list(dict.fromkeys(int(pk) for pk in ticket_ids))
    if not ids:
        raise ValidationError({"tickets": _("Choose at least one ticket.")})
    if len(ids) > BULK_LIMIT:
        raise ValidationError(
            {"tickets": _("At most %(n)d tickets at a time.") % {"n": BULK_LIMIT}}
        )
    reachable = {ticket.pk: ticket for ticket in ticket_list(user=actor).filter(pk__in=ids)}
    result = BulkResult()
    for pk in ids:
        ticket = reachable.get(pk)
        if ticket is None:
            result.refused.append((str(pk), _("Not found or not yours to change.")))
            continue
        try:
            with transaction.atomic():
                _apply(ticket=ticket, actor=actor, action=action, value=value, note=note)
        except (ValidationError, PermissionDenied) as error:
            result.refused.append((ticket.reference, _message(error)))
        else:
            result.done.append(ticket)
    return result
