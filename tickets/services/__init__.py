"""Writes on tickets. Every change goes through here and leaves TicketEvents behind.

Pages, the API, admin and tasks all call these functions; none of them holds
ticket rules of its own. One module per use case; this package names them all.
"""

from tickets.services.base import (
    FLAG_FIELDS,
    PRIORITY_INPUTS,
    check_assignee,
    ticket_event_record,
    ticket_lock,
    tickets_locked,
)
from tickets.services.comments import comment_add
from tickets.services.create import ticket_create
from tickets.services.directory import category_save, organization_save, team_save
from tickets.services.edit import (
    EDITABLE_FIELDS,
    ticket_override_priority,
    ticket_route,
    ticket_update,
)
from tickets.services.status import REQUESTER_TRANSITIONS, ticket_transition, transitions_for

__all__ = [
    "EDITABLE_FIELDS",
    "FLAG_FIELDS",
    "PRIORITY_INPUTS",
    "REQUESTER_TRANSITIONS",
    "category_save",
    "check_assignee",
    "comment_add",
    "organization_save",
    "team_save",
    "ticket_create",
    "ticket_event_record",
    "ticket_lock",
    "ticket_override_priority",
    "ticket_route",
    "ticket_transition",
    "ticket_update",
    "tickets_locked",
    "transitions_for",
]
