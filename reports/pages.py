"""What reports adds to the ticket page (registered in ``reports.apps``): the
requester of a resolved ticket rates it there with one click, from the inbox
message that leads to the ticket."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from reports.models import SurveyResponse
from reports.services.surveys import survey_token
from tickets.hooks import PageExtension
from tickets.models import Ticket
from tickets.selectors import user_is_agent


def survey_context(request: HttpRequest, ticket: Ticket) -> dict:
    """Rating links for the requester while the ticket's survey is open (agents:
    nothing, and no query)."""
    if user_is_agent(request.user):
        return {}
    survey = SurveyResponse.objects.filter(
        ticket=ticket, closed_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if survey is None:
        return {}
    links = [(r, reverse("reports:survey", args=[survey_token(survey, r)])) for r in range(1, 6)]
    return {"survey": survey, "survey_links": links}


SURVEY_PAGES = PageExtension(
    detail_template="reports/_ticket_survey.html", detail_context=survey_context
)
