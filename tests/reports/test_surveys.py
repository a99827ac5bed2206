"""The satisfaction survey: sent on resolution, one click to rate without
signing in, refused cleanly when forged, expired, used or for another ticket."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from escalations.models import Escalation, EscalationReview
from notifications.models import Delivery, Notification
from notifications.services import outbox
from reports.models import SurveyOptOut, SurveyResponse
from reports.services.surveys import SALT, survey_links, survey_token
from tests.factories import create_ticket
from tickets import services
from tickets.models import User


@pytest.fixture
def resolved(network_path, policy, requester):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(requester)  # filed by the requester from their account
    services.ticket_update(ticket=ticket, actor=agent1, data={"assignee": agent1})
    return services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")


def link(survey, rating):
    return f"/survey/{survey_token(survey, rating)}/"


def test_resolving_sends_the_survey_by_mail_and_to_the_inbox(resolved, requester):
    survey = SurveyResponse.objects.get(ticket=resolved)
    assert (survey.rating, survey.team.name, survey.level) == (None, "Service Desk", "L1")
    note = Notification.objects.get(recipient=requester, kind="ticket.resolved")
    assert "/survey/" in note.body
    assert Delivery.objects.filter(channel="email", kind="ticket.resolved", user=requester).exists()


def test_one_click_rates_without_sign_in_and_a_second_click_changes_it(resolved, client):
    survey = SurveyResponse.objects.get(ticket=resolved)
    page = client.get(link(survey, 2))
    assert page.status_code == 200
    assert "You rated the handling" in page.content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.agent.username, survey.team.name) == (2, "agent1", "Service Desk")
    client.get(link(survey, 5))
    survey.refresh_from_db()
    assert survey.rating == 5
    assert SurveyResponse.objects.filter(ticket=resolved).count() == 1


def test_the_comment_closes_the_survey_and_the_links_are_used_up(resolved, client):
    survey = SurveyResponse.objects.get(ticket=resolved)
    url = link(survey, 4)
    client.get(url)
    done = client.post(url, {"comment": "Quick and friendly."})
    assert "Thank you for your answer." in done.content.decode()
    survey.refresh_from_db()
    assert (survey.rating, survey.comment, survey.closed_at is not None) == (
        4,
        "Quick and friendly.",
        True,
    )
    reused = client.get(link(survey, 1))
    assert reused.status_code == 410
    assert "answered already" in reused.content.decode()
    survey.refresh_from_db()
    assert survey.rating == 4


def test_forged_links_are_refused(resolved, client):
    survey = SurveyResponse.objects.get(ticket=resolved)
    token = survey_token(survey, 5)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"/survey/{tampered}/").status_code == 400
    assert client.get("/survey/nonsense/").status_code == 400
    wrong_rating = signing.dumps(
        {"s": survey.pk, "t": resolved.pk, "n": survey.nonce, "r": 9}, salt=SALT
    )
    assert client.get(f"/survey/{wrong_rating}/").status_code == 400
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_link_for_another_ticket_is_refused(resolved, client, requester):
    survey = SurveyResponse.objects.get(ticket=resolved)
    other = create_ticket(User.objects.get(username="agent1"), requester_email="x@example.com")
    moved = signing.dumps({"s": survey.pk, "t": other.pk, "n": survey.nonce, "r": 5}, salt=SALT)
    page = client.get(f"/survey/{moved}/")
    assert page.status_code == 400
    assert "not valid" in page.content.decode()


def test_expired_links_are_refused(resolved, client, settings):
    survey = SurveyResponse.objects.get(ticket=resolved)
    assert survey.expires_at - survey.sent_at == timedelta(days=settings.SURVEY_EXPIRY_DAYS)
    SurveyResponse.objects.filter(pk=survey.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    page = client.get(link(survey, 5))
    assert page.status_code == 410
    assert "expired" in page.content.decode()


def test_links_of_an_earlier_sending_stop_working(resolved, client):
    agent1 = User.objects.get(username="agent1")
    survey = SurveyResponse.objects.get(ticket=resolved)
    old = link(survey, 3)
    services.ticket_transition(ticket=resolved, actor=agent1, status="open")
    services.ticket_transition(ticket=resolved, actor=agent1, status="resolved")
    assert client.get(old).status_code == 400
    survey.refresh_from_db()
    assert client.get(f"/survey/{survey_token(survey, 3)}/").status_code == 200


def test_organizations_and_requesters_may_opt_out(network_path, policy, requester, client):
    agent1 = User.objects.get(username="agent1")
    SurveyOptOut.objects.create(organization=requester.organization)
    ticket = create_ticket(agent1, organization=requester.organization)
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    assert not SurveyResponse.objects.filter(ticket=ticket).exists()

    lone = create_ticket(agent1, requester_email="solo@example.com")
    services.ticket_transition(ticket=lone, actor=agent1, status="resolved")
    survey = SurveyResponse.objects.get(ticket=lone)
    client.post(link(survey, 3), {"comment": "", "opt_out": "on"})
    again = create_ticket(agent1, requester_email="Solo@Example.com")
    services.ticket_transition(ticket=again, actor=agent1, status="resolved")
    assert not SurveyResponse.objects.filter(ticket=again).exists()


def test_reviews_take_the_survey_rating(resolved, client):
    escalation = Escalation.objects.create(
        ticket=resolved,
        kind="functional",
        trigger="manual",
        status="closed",
        from_tier="L1",
        to_tier="L2",
    )
    review = EscalationReview.objects.create(escalation=escalation, customer_satisfaction=1)
    survey = SurveyResponse.objects.get(ticket=resolved)
    client.get(link(survey, 5))
    review.refresh_from_db()
    assert review.customer_satisfaction == 5


def test_survey_links_point_at_the_site(resolved, settings):
    survey = SurveyResponse.objects.get(ticket=resolved)
    assert [entry["url"].startswith(settings.SITE_URL) for entry in survey_links(survey)] == [
        True
    ] * 5


def test_the_requester_rates_from_the_ticket_page_the_inbox_leads_to(resolved, client, requester):
    client.force_login(requester)
    note = Notification.objects.get(recipient=requester, kind="ticket.resolved")
    assert note.url.endswith(resolved.get_absolute_url())
    page = client.get(resolved.get_absolute_url())
    assert 'id="ticket-survey"' in page.content.decode()
    four = next(url for rating, url in page.context["survey_links"] if rating == 4)
    client.get(four)
    assert SurveyResponse.objects.get(ticket=resolved).rating == 4
    client.force_login(User.objects.get(username="agent1"))
    assert 'id="ticket-survey"' not in client.get(resolved.get_absolute_url()).content.decode()


def test_the_ticket_page_asks_only_while_the_resolution_holds_and_then_says_what_was_given(
    resolved, client, requester
):
    client.force_login(requester)
    survey = SurveyResponse.objects.get(ticket=resolved)
    services.ticket_transition(ticket=resolved, actor=requester, status="open")  # "No, reopen it"
    assert 'id="ticket-survey"' not in client.get(resolved.get_absolute_url()).content.decode()
    agent1 = User.objects.get(username="agent1")
    services.ticket_transition(ticket=resolved, actor=agent1, status="resolved")
    survey.refresh_from_db()
    client.get(link(survey, 4))
    page = client.get(resolved.get_absolute_url()).content.decode()
    assert "You rated the handling 4 out of 5. Thank you. Choose another number" in page
    client.post(link(survey, 4), {"comment": "Quick."})
    services.ticket_transition(ticket=resolved, actor=requester, status="closed")
    page = client.get(resolved.get_absolute_url())
    assert page.context["survey_links"] == []  # answered: nothing more to click
    assert "You rated the handling 4 out of 5. Thank you.</p>" in page.content.decode()


def test_a_signed_in_requester_is_led_back_to_the_ticket(resolved, client, requester):
    """Rated and commented from the ticket page: the survey page leads back to it."""
    survey = SurveyResponse.objects.get(ticket=resolved)
    url = link(survey, 4)
    back = f'href="{resolved.get_absolute_url()}" id="survey-back"'
    client.force_login(requester)
    assert back in client.get(url).content.decode()
    assert back in client.post(url, {"comment": "Quick and friendly."}).content.decode()


def test_the_way_back_is_only_for_who_may_read_the_ticket(resolved, client):
    survey = SurveyResponse.objects.get(ticket=resolved)
    url = link(survey, 4)
    assert 'id="survey-back"' not in client.get(url).content.decode()  # signed out
    client.force_login(User.objects.create_user("stranger", password="pw"))
    assert 'id="survey-back"' not in client.get(link(survey, 5)).content.decode()


def resolved_mail(requester):
    for pk in Delivery.objects.filter(
        channel="email", kind="ticket.resolved", user=requester, status="pending"
    ).values_list("pk", flat=True):
        outbox.delivery_send(delivery_id=pk)
    (message,) = [
        m for m in mail.outbox if m.extra_headers["X-Escalade-Event"] == "ticket.resolved"
    ]
    return message


def test_the_resolution_mail_carries_the_agents_public_note_and_rating_buttons(
    network_path, policy, requester
):
    requester.time_zone = "Europe/Warsaw"
    requester.save(update_fields=["time_zone"])
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(requester)
    services.ticket_transition(
        ticket=ticket,
        actor=agent1,
        status="resolved",
        note="Your mailbox quota is raised to 50 GB.",
        note_public=True,
    )
    message = resolved_mail(requester)
    assert "wrote:\nYour mailbox quota is raised to 50 GB." in message.body
    assert re.search(r"The links work until .+ \(CES?T\)\.", message.body)
    html = message.alternatives[0][0]
    assert "Your mailbox quota is raised to 50 GB." in html
    buttons = re.findall(r'<a href="([^"]+/survey/[^"]+)"[^>]*>(\d)</a>', html)
    assert [rating for _url, rating in buttons] == ["1", "2", "3", "4", "5"]
    assert html.count("/survey/") == 5  # buttons only, no addresses written out
    assert re.search(r"The links work until .+ \(CES?T\)\.", html)


def test_the_requester_hears_of_the_resolution_without_a_survey_and_not_of_internal_notes(
    network_path, policy, requester
):
    SurveyOptOut.objects.create(email=requester.email)
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(requester)
    services.ticket_transition(
        ticket=ticket, actor=agent1, status="resolved", note="Customer was rude.", note_public=False
    )
    message = resolved_mail(requester)
    assert "has been resolved" in message.body
    assert "/survey/" not in message.body
    assert "rude" not in message.body + message.alternatives[0][0]
    assert not SurveyResponse.objects.filter(ticket=ticket).exists()
