"""What reports adds to the ticket page (registered in ``reports.apps``): the
requester of a resolved ticket rates it there with one click, from the inbox
message that leads to the ticket."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from reports.models import SurveyResponse
from reports.services.surveys import survey_token
from tickets.hooks import PageExtension
from tickets.models import Status, Ticket
from tickets.selectors import user_is_agent


def survey_context(request: HttpRequest, ticket: Ticket) -> dict:
    """For the requester of a resolved or closed ticket: rating links while its
    survey is open, the rating they gave once it is answered (agents: nothing,
    and no query). A reopened ticket asks nothing: the resolution did not hold."""
    if user_is_agent(request.user) or ticket.status not in (Status.RESOLVED, Status.CLOSED):
        return {}
    survey = SurveyResponse.objects.filter(ticket=ticket).first()
    if survey is None:
        return {}
    links = []
    if survey.closed_at is None and survey.expires_at > timezone.now():
        links = [
            (r, reverse("reports:survey", args=[survey_token(survey, r)])) for r in range(1, 6)
        ]
    if not links and survey.rating is None:
        return {}
    return {"survey": survey, "survey_links": links}


SURVEY_PAGES = PageExtension(
    detail_template="reports/_ticket_survey.html", detail_context=survey_context
)
