"""Tickets core: people, organizations, teams, tickets, comments and the audit trail.

Models hold fields, choices, constraints and indexes. Workflows live in
``tickets.services``.
"""

from tickets.models.attachments import Attachment
from tickets.models.canned import CannedReply
from tickets.models.choices import (
    DataRegion,
    Impact,
    Priority,
    RetentionAction,
    SlaRank,
    Status,
    Tier,
    Urgency,
    validate_time_zone,
)
from tickets.models.followers import CcAddress, Follower
from tickets.models.people import Category, Organization, Team, User
from tickets.models.tickets import Comment, Ticket, TicketEvent
from tickets.models.views import SavedView

__all__ = [
    "Attachment",
    "CannedReply",
    "Category",
    "CcAddress",
    "Comment",
    "DataRegion",
    "Follower",
    "Impact",
    "Organization",
    "Priority",
    "RetentionAction",
    "SavedView",
    "SlaRank",
    "Status",
    "Team",
    "Ticket",
    "TicketEvent",
    "Tier",
    "Urgency",
    "User",
    "validate_time_zone",
]
