"""Writes on tickets. Every change goes through here and leaves TicketEvents behind.

Pages, the API, admin and tasks all call these functions; none of them holds
ticket rules of its own. One module per use case; this package names them all.
"""

from tickets.services.attachments import (
    attachments_add,
    attachments_check,
    attachments_orphans_remove,
)
from tickets.services.base import (
    FLAG_FIELDS,
    PRIORITY_INPUTS,
    check_assignee,
    ticket_event_record,
    ticket_lock,
    tickets_locked,
)
from tickets.services.bulk import BULK_ACTIONS, BulkResult, ticket_take, tickets_bulk_change
from tickets.services.canned import canned_replies_for, canned_reply_apply, canned_reply_text
from tickets.services.comments import comment_add, comment_send
from tickets.services.create import ticket_create
from tickets.services.directory import category_save, organization_save, team_save
from tickets.services.edit import (
    EDITABLE_FIELDS,
    ticket_override_priority,
    ticket_route,
    ticket_update,
)
from tickets.services.followers import cc_add, cc_remove, ticket_follow
from tickets.services.profile import api_token_create, api_token_revoke, profile_update
from tickets.services.saved_views import saved_view_create, saved_view_delete, view_query
from tickets.services.status import REQUESTER_TRANSITIONS, ticket_transition, transitions_for
from tickets.services.stored_files import atomic_with_files

__all__ = [
    "BULK_ACTIONS",
    "EDITABLE_FIELDS",
    "FLAG_FIELDS",
    "PRIORITY_INPUTS",
    "REQUESTER_TRANSITIONS",
    "BulkResult",
    "api_token_create",
    "api_token_revoke",
    "atomic_with_files",
    "attachments_add",
    "attachments_check",
    "attachments_orphans_remove",
    "canned_replies_for",
    "canned_reply_apply",
    "canned_reply_text",
    "category_save",
    "cc_add",
    "cc_remove",
    "check_assignee",
    "comment_add",
    "comment_send",
    "organization_save",
    "profile_update",
    "saved_view_create",
    "saved_view_delete",
    "team_save",
    "ticket_create",
    "ticket_event_record",
    "ticket_follow",
    "ticket_lock",
    "ticket_override_priority",
    "ticket_route",
    "ticket_take",
    "ticket_transition",
    "ticket_update",
    "tickets_bulk_change",
    "tickets_locked",
    "transitions_for",
    "view_query",
]
