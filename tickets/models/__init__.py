"""Tickets core: people, organizations, teams, tickets, comments and the audit trail.

Models hold fields, choices, constraints and indexes. Workflows live in
``tickets.services``.
"""

from tickets.models.choices import (
    DataRegion,
    Impact,
    Priority,
    RetentionAction,
    Status,
    Tier,
    Urgency,
    validate_time_zone,
)
from tickets.models.people import Category, Organization, Team, User
from tickets.models.tickets import Comment, Ticket, TicketEvent

__all__ = [
    "Category",
    "Comment",
    "DataRegion",
    "Impact",
    "Organization",
    "Priority",
    "RetentionAction",
    "Status",
    "Team",
    "Ticket",
    "TicketEvent",
    "Tier",
    "Urgency",
    "User",
    "validate_time_zone",
]
