"""Escalations models, one module per concern. Models hold fields, choices,
constraints and indexes; rules live in the pure modules and the services."""

from escalations.models.calendars import (
    BusinessCalendar,
    Holiday,
    TeamCalendar,
    Weekday,
    WorkingInterval,
)
from escalations.models.duty import (
    Absence,
    DutyOverride,
    Rotation,
    RotationMember,
    RotationWindow,
    Shift,
    TeamSchedule,
)
from escalations.models.escalation import (
    HANDOFF_FIELDS,
    ActionItem,
    Escalation,
    EscalationTeamMember,
)
from escalations.models.handover import (
    DutyProfile,
    Handover,
    HandoverNote,
    LevelHandover,
    TeamAssignment,
)
from escalations.models.paths import EscalationLevel, EscalationPath, TicketRoute
from escalations.models.priority import PriorityCriterion, PriorityDefinition, PriorityMatrixRow
from escalations.models.review import EscalationReview
from escalations.models.sla import SlaClock, SlaClockAlert, SlaPolicy

__all__ = [
    "HANDOFF_FIELDS",
    "Absence",
    "ActionItem",
    "BusinessCalendar",
    "DutyOverride",
    "DutyProfile",
    "Escalation",
    "EscalationLevel",
    "EscalationPath",
    "EscalationReview",
    "EscalationTeamMember",
    "Handover",
    "HandoverNote",
    "Holiday",
    "LevelHandover",
    "PriorityCriterion",
    "PriorityDefinition",
    "PriorityMatrixRow",
    "Rotation",
    "RotationMember",
    "RotationWindow",
    "Shift",
    "SlaClock",
    "SlaClockAlert",
    "SlaPolicy",
    "TeamAssignment",
    "TeamCalendar",
    "TeamSchedule",
    "TicketRoute",
    "Weekday",
    "WorkingInterval",
]
