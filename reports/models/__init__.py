"""Reports models: the facts kept for reporting (level stints) and the
customer-satisfaction survey answers."""

from reports.models.stints import LevelStint
from reports.models.surveys import DigestLog, SurveyOptOut, SurveyResponse

__all__ = ["DigestLog", "LevelStint", "SurveyOptOut", "SurveyResponse"]
