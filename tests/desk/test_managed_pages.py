"""Escalating into management shows the managed escalation; closing it with
open action items asks first and records them; a closed one takes no update."""

import pytest

from escalations.models import ActionItem, Escalation
from escalations.services import escalate
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import create_ticket


def escalate_data(to_tier):
    return {"to_tier": to_tier, "reason": "Management must know", **HANDOFF}


@pytest.fixture
def managed_one(network_path):
    ticket = create_ticket(user("agent1"), title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    return Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)


def test_escalating_into_management_shows_the_managed_escalation(client, network_path):
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    client.force_login(user("agent1"))
    response = client.post(f"/tickets/{ticket.pk}/escalate/", escalate_data("MGMT"))
    managed = Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)
    assert response.status_code == 302
    assert response.url == f"/escalations/{managed.pk}/"


def submit_review(client, managed_one):
    review = {**REVIEW, "lessons_learned": "Spare switch", "customer_satisfaction": "3"}
    assert client.post(f"/escalations/{managed_one.pk}/review/", review).status_code == 302


def test_closing_with_open_action_items_asks_and_records_them(client, managed_one):
    ActionItem.objects.create(escalation=managed_one, description="Replace the switch")
    client.force_login(user("manager"))
    url = f"/escalations/{managed_one.pk}/"
    submit_review(client, managed_one)
    page = client.get(url).content.decode()
    assert "Replace the switch" in page
    assert "close_open_actions" in page
    data = {"closure_note": "Customer confirmed", "customer_agreed": "on"}
    refused = client.post(url + "close/", data)
    assert refused.status_code == 400
    assert "still open" in str(refused.context["close_form"].errors)
    managed_one.refresh_from_db()
    assert managed_one.status == "active"
    done = client.post(url + "close/", {**data, "close_open_actions": "on"})
    assert done.status_code == 302
    managed_one.refresh_from_db()
    assert managed_one.status == "closed"
    trail = managed_one.ticket.events.filter(field=f"escalation:{managed_one.pk}")
    assert any("Replace the switch" in event.note for event in trail)


def test_the_api_refuses_to_close_over_open_items_without_saying_so(api_as, managed_one):
    ActionItem.objects.create(escalation=managed_one, description="Replace the switch")
    client = api_as(user("manager"))
    client.post(f"/api/v1/escalations/{managed_one.pk}/review/", REVIEW, format="json")
    url = f"/api/v1/escalations/{managed_one.pk}/close/"
    data = {"closure_note": "ok", "customer_agreed": True}
    refused = client.post(url, data, format="json")
    assert refused.status_code == 400
    assert "close_open_actions" in refused.json()
    assert client.post(url, {**data, "close_open_actions": True}, format="json").status_code == 200


def test_a_closed_escalation_offers_no_status_update(client, managed_one):
    client.force_login(user("manager"))
    url = f"/escalations/{managed_one.pk}/"
    assert 'id="status-update-form"' in client.get(url).content.decode()
    submit_review(client, managed_one)
    client.post(url + "close/", {"closure_note": "Done", "customer_agreed": "on"})
    managed_one.refresh_from_db()
    assert managed_one.status == "closed"
    assert 'id="status-update-form"' not in client.get(url).content.decode()


def closing_over_one_open_item(client, managed_one) -> tuple[str, dict]:
    """The manager, about to close ``managed_one`` with one action item open: the
    escalation's page and the close form's data."""
    ActionItem.objects.create(escalation=managed_one, description="Replace the switch")
    client.force_login(user("manager"))
    submit_review(client, managed_one)
    return (
        f"/escalations/{managed_one.pk}/",
        {"closure_note": "Customer confirmed", "customer_agreed": "on"},
    )


def test_one_open_action_item_is_counted_in_the_singular(client, managed_one):
    url, data = closing_over_one_open_item(client, managed_one)
    refused = client.post(url + "close/", data)
    assert refused.context["close_form"].errors["close_open_actions"] == [
        "1 action item is still open: Replace the switch. Confirm to close with it open."
    ]


def test_the_history_of_a_close_over_open_items_reads_as_one_sentence(client, managed_one):
    """The closure note (a person's words, no full stop) does not run into the list."""
    url, data = closing_over_one_open_item(client, managed_one)
    assert client.post(url + "close/", {**data, "close_open_actions": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert (
        "Managed escalation closed with open action items (Replace the switch): "
        "Customer confirmed" in page
    )
