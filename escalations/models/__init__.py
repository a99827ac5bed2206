"""Escalations models, one module per concern. Models hold fields, choices,
constraints and indexes; rules live in the pure modules and the services."""

from escalations.models.calendars import (
    BusinessCalendar,
    Holiday,
    TeamCalendar,
    Weekday,
    WorkingInterval,
)
from escalations.models.escalation import (
    HANDOFF_FIELDS,
    ActionItem,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
)
from escalations.models.paths import EscalationLevel, EscalationPath, TicketRoute
from escalations.models.priority import PriorityCriterion, PriorityDefinition, PriorityMatrixRow
from escalations.models.sla import SlaClock, SlaClockAlert, SlaPolicy

__all__ = [
    "HANDOFF_FIELDS",
    "ActionItem",
    "BusinessCalendar",
    "Escalation",
    "EscalationLevel",
    "EscalationPath",
    "EscalationReview",
    "EscalationTeamMember",
    "Holiday",
    "PriorityCriterion",
    "PriorityDefinition",
    "PriorityMatrixRow",
    "SlaClock",
    "SlaClockAlert",
    "SlaPolicy",
    "TeamCalendar",
    "TicketRoute",
    "Weekday",
    "WorkingInterval",
]
