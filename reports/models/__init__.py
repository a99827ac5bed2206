"""Reports models: the facts kept for reporting (level stints) and the
customer-satisfaction survey answers."""

from reports.models.stints import LevelStint
from reports.models.surveys import SurveyOptOut, SurveyResponse

__all__ = ["LevelStint", "SurveyOptOut", "SurveyResponse"]
