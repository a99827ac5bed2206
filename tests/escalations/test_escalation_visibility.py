"""Escalations are internal: requesters (people in no team) see none of them."""

import pytest

from escalations.models import Escalation
from escalations.services import escalate
from tests.escalations.data import HANDOFF
from tests.factories import UserFactory, create_ticket
from tickets.models import User


@pytest.fixture
def customer_ticket_escalated(network_path, policy):
    customer = UserFactory(username="customer", email="customer@acme.example")
    ticket = create_ticket(
        User.objects.get(username="agent1"),
        requester_email="customer@acme.example",
        impact=2,
        urgency=2,
    )
    escalation = escalate.escalation_request(
        ticket=ticket, actor=User.objects.get(username="agent1"), to_tier="L2", **HANDOFF
    )
    return customer, ticket, escalation


def test_requesters_see_no_escalations_in_the_api(customer_ticket_escalated, api_as):
    customer, ticket, escalation = customer_ticket_escalated
    client = api_as(customer)
    theirs = client.get(f"/api/v1/tickets/{ticket.pk}/")
    assert theirs.status_code == 200
    assert theirs.json()["id"] == ticket.pk
    listed = client.get("/api/v1/escalations/")
    assert listed.status_code == 200
    assert listed.json()["count"] == 0
    assert client.get(f"/api/v1/escalations/{escalation.pk}/").status_code == 404
    assert client.get(f"/api/v1/escalations/{escalation.pk}/review/").status_code == 404


def test_requesters_see_no_escalation_pages(customer_ticket_escalated, client):
    customer, ticket, escalation = customer_ticket_escalated
    client.force_login(customer)
    for url in ("/escalations/", "/escalations/approvals/", f"/escalations/{escalation.pk}/"):
        assert client.get(url).status_code in (403, 404), url
    page = client.get(ticket.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert ticket.reference in body
    assert f"/escalations/{escalation.pk}/" not in body


def test_a_former_escalation_manager_out_of_every_team_sees_it_no_more(
    customer_ticket_escalated, api_as
):
    _customer, _ticket, escalation = customer_ticket_escalated
    former = UserFactory(username="former")
    Escalation.objects.filter(pk=escalation.pk).update(manager=former, requested_by=former)
    assert api_as(former).get(f"/api/v1/escalations/{escalation.pk}/").status_code == 404
