"""Who writes the post-escalation review, and when it is frozen."""

import pytest
from django.core.exceptions import ValidationError

from escalations.models import Escalation, EscalationReview
from escalations.services import escalate, managed, reviews
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import AdminFactory, create_ticket
from tickets import services


@pytest.fixture
def functional(network_path, policy):
    """agent1 (L1) escalated a P2 ticket to L2 (Network Engineering, agent2)."""
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    return escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF)


@pytest.fixture
def closed_managed(network_path, policy):
    boss = user("manager")
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    reviews.review_submit(escalation=escalation, actor=boss, data=REVIEW)
    managed.managed_escalation_close(
        escalation=escalation, actor=boss, closure_note="Fixed", customer_agreed=True
    )
    return escalation


def test_only_the_people_involved_write_the_review(functional, api_as):
    url = f"/api/v1/escalations/{functional.pk}/review/"
    requester_agent = api_as(user("agent1"))  # sees it (asked for it), not involved
    seen = requester_agent.get(f"/api/v1/escalations/{functional.pk}/")
    assert seen.status_code == 200
    assert seen.json()["id"] == functional.pk
    refused = requester_agent.post(url, REVIEW, format="json")
    assert refused.status_code == 403
    assert not EscalationReview.objects.exists()
    for name in ("agent2", "manager"):  # the receiving team, its manager
        assert api_as(user(name)).post(url, REVIEW, format="json").status_code == 200, name
        assert EscalationReview.objects.get().submitted_by == user(name)
    admin = AdminFactory(username="root")
    assert api_as(admin).post(url, REVIEW, format="json").status_code == 200
    assert EscalationReview.objects.get().submitted_by == admin


def test_a_closed_managed_escalations_review_is_frozen(closed_managed, api_as, client):
    url = f"/api/v1/escalations/{closed_managed.pk}/review/"
    response = api_as(user("manager")).post(url, {**REVIEW, "root_cause": "Changed"}, format="json")
    assert response.status_code == 400
    assert "can no longer be changed" in str(response.json())
    assert api_as(user("manager")).get(url).json()["root_cause"] == "Bad firmware"

    client.force_login(user("manager"))
    page = client.post(f"/escalations/{closed_managed.pk}/review/", {**REVIEW, "root_cause": "x"})
    assert page.status_code == 400
    assert EscalationReview.objects.get().root_cause == "Bad firmware"
    body = client.get(f"/escalations/{closed_managed.pk}/").content.decode()
    assert 'id="review-submitted"' in body
    assert "Bad firmware" in body
    assert 'id="review-frozen"' in body
    assert 'id="review-form"' not in body


def test_the_page_shows_the_review_read_only_to_those_who_may_not_write_it(functional, client):
    reviews.review_submit(escalation=functional, actor=user("agent2"), data=REVIEW)
    client.force_login(user("agent1"))
    body = client.get(f"/escalations/{functional.pk}/").content.decode()
    assert 'id="review-submitted"' in body
    assert "Bad firmware" in body
    assert 'id="review-form"' not in body
    response = client.post(f"/escalations/{functional.pk}/review/", REVIEW)
    assert response.status_code == 403

    client.force_login(user("agent2"))
    body = client.get(f"/escalations/{functional.pk}/").content.decode()
    assert 'id="review-form"' in body


def test_a_functional_escalations_review_stays_open_until_the_ticket_is_closed(functional):
    ticket = functional.ticket
    services.ticket_transition(ticket=ticket, actor=user("agent2"), status="resolved")
    functional.refresh_from_db()
    assert functional.status == "closed"
    reviews.review_submit(escalation=functional, actor=user("agent2"), data=REVIEW)
    services.ticket_transition(ticket=ticket, actor=user("agent2"), status="closed")
    functional.refresh_from_db()
    with pytest.raises(ValidationError, match="can no longer be changed"):
        reviews.review_submit(escalation=functional, actor=user("agent2"), data=REVIEW)
