"""Reports models: the facts kept for reporting (level stints, escalation facts
and their daily rollups) and the customer-satisfaction survey answers."""

from reports.models.rollups import (
    ClockDay,
    ClockFact,
    EscalationDay,
    EscalationFact,
    ResolutionDay,
)
from reports.models.stints import LevelStint, StintDay, StintFact
from reports.models.surveys import DigestLog, SurveyOptOut, SurveyResponse

__all__ = [
    "ClockDay",
    "ClockFact",
    "DigestLog",
    "EscalationDay",
    "EscalationFact",
    "LevelStint",
    "ResolutionDay",
    "StintDay",
    "StintFact",
    "SurveyOptOut",
    "SurveyResponse",
]
