"""Requester replies, followers and copied addresses are told."""

import pytest

from notifications.models import Delivery, Notification
from tests.factories import UserFactory, create_ticket
from tickets import services
from tickets.models import Status, User


def user(name):
    return User.objects.get(username=name)


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def emails(kind):
    return set(
        Delivery.objects.filter(kind=kind, channel="email").values_list("address", flat=True)
    )


@pytest.fixture
def customer_ticket(network_path, policy):
    customer = UserFactory(username="customer", email="customer@acme.example")
    ticket = create_ticket(user("agent1"), requester_email="customer@acme.example")
    ticket.requester = customer
    ticket.save(update_fields=["requester"])
    return customer, ticket


def test_a_requester_reply_tells_the_team_when_nobody_is_assigned(customer_ticket):
    customer, ticket = customer_ticket
    colleague = UserFactory(username="colleague")
    ticket.team.members.add(colleague)
    services.comment_add(ticket=ticket, actor=customer, body="Still broken")
    assert told("ticket.replied") == {"agent1", "colleague"}
    assert "agent1@example.com" in emails("ticket.replied")


def test_a_requester_reply_tells_the_assignee_and_the_followers(customer_ticket):
    customer, ticket = customer_ticket
    agent1 = user("agent1")
    services.ticket_update(ticket=ticket, actor=agent1, data={"assignee": agent1})
    watcher = user("agent2")
    services.ticket_follow(ticket=ticket, actor=watcher)
    services.comment_add(ticket=ticket, actor=customer, body="Still broken")
    assert told("ticket.replied") == {"agent1", "agent2"}


def test_copied_addresses_hear_of_public_replies_and_status_changes(customer_ticket):
    customer, ticket = customer_ticket
    services.cc_add(ticket=ticket, actor=customer, email="Boss@Acme.example")
    agent1 = user("agent1")
    services.comment_add(ticket=ticket, actor=agent1, body="On it", is_public=True)
    assert "boss@acme.example" in emails("ticket.replied")
    services.comment_add(ticket=ticket, actor=agent1, body="secret", is_public=False)
    assert Delivery.objects.filter(address="boss@acme.example", kind="ticket.replied").count() == 1
    ticket.refresh_from_db()
    services.ticket_transition(ticket=ticket, actor=agent1, status=Status.RESOLVED, note="done")
    assert "boss@acme.example" in emails("ticket.status")


def test_a_bad_cc_address_is_a_field_error(customer_ticket):
    from django.core.exceptions import ValidationError

    customer, ticket = customer_ticket
    with pytest.raises(ValidationError) as error:
        services.cc_add(ticket=ticket, actor=customer, email="not an address")
    assert "email" in error.value.message_dict


def test_the_requester_copies_an_address_from_the_page(client, customer_ticket):
    customer, ticket = customer_ticket
    client.force_login(customer)
    assert (
        client.post(f"/tickets/{ticket.pk}/cc/", {"email": "boss@acme.example"}).status_code == 302
    )
    assert list(ticket.cc_addresses.values_list("email", flat=True)) == ["boss@acme.example"]
    bad = client.post(f"/tickets/{ticket.pk}/cc/", {"email": "nope"})
    assert bad.status_code == 400
    removed = client.post(
        f"/tickets/{ticket.pk}/cc/", {"email": "boss@acme.example", "remove": "1"}
    )
    assert removed.status_code == 302
    assert not ticket.cc_addresses.exists()


def test_the_api_follows_and_copies(api_as, customer_ticket):
    customer, ticket = customer_ticket
    agent1 = user("agent1")
    client = api_as(agent1)
    assert client.post(f"/api/v1/tickets/{ticket.pk}/follow/").status_code == 204
    assert ticket.followers.get(user=agent1).notify is True
    assert client.delete(f"/api/v1/tickets/{ticket.pk}/follow/").status_code == 204
    assert ticket.followers.get(user=agent1).notify is False
    mine = api_as(customer)
    url = f"/api/v1/tickets/{ticket.pk}/cc/"
    added = mine.post(url, {"email": "boss@acme.example"}, format="json")
    assert added.json() == [{"email": "boss@acme.example"}]
    assert mine.post(url, {"email": "bad"}, format="json").status_code == 400
    assert mine.post(url, {"email": "boss@acme.example"}, format="json").status_code == 400
    assert mine.delete(url, {"email": "boss@acme.example"}, format="json").json() == []
    assert mine.post(f"/api/v1/tickets/{ticket.pk}/follow/").status_code == 403
