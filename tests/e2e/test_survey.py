"""The satisfaction survey on a 390 px phone: the ratings in one row, the opt-out
box beside its label, nothing wider than the screen."""

import pytest

from reports.models import SurveyResponse
from reports.services.surveys import survey_token
from tests.factories import create_ticket
from tickets import services
from tickets.models import User

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_the_survey_reads_well_on_a_phone(new_page, network_path, policy, requester):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(requester)
    services.ticket_update(ticket=ticket, actor=agent1, data={"assignee": agent1})
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    survey = SurveyResponse.objects.get(ticket=ticket)

    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/survey/{survey_token(survey, 4)}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tops = page.locator("#survey-ratings a").evaluate_all(
        "links => links.map(a => Math.round(a.getBoundingClientRect().top))"
    )
    assert len(tops) == 5
    assert len(set(tops)) == 1, "the five ratings wrap over lines"
    box = page.locator("#survey-comment input[type=checkbox]").bounding_box()
    label = page.locator("#survey-comment .form-check-label").bounding_box()
    # The box sits on the label's first line, to its left.
    assert box["x"] + box["width"] <= label["x"]
    assert label["y"] - 4 <= box["y"] <= label["y"] + 16
