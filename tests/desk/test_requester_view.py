"""Requesters see their ticket, not the desk's internals."""

import pytest

from escalations.models import SlaClock
from notifications.models import Delivery
from tests.factories import UserFactory, create_ticket
from tickets import services
from tickets.models import Status, User


def user(name):
    return User.objects.get(username=name)


@pytest.fixture
def customer_ticket(network_path, policy):
    customer = UserFactory(username="customer", email="customer@acme.example")
    ticket = create_ticket(user("agent1"), requester_email="customer@acme.example")
    return customer, ticket


def test_the_ticket_page_hides_level_team_and_the_level_clock(client, customer_ticket):
    customer, ticket = customer_ticket
    assert ticket.sla_clocks.filter(metric=SlaClock.Metric.LEVEL).exists()
    client.force_login(customer)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "Service Desk" not in body
    assert 'data-metric="level"' not in body
    assert ">API<" not in body


def test_the_queue_offers_requesters_no_priority_nor_sla_filter(client, customer_ticket):
    customer, _ticket = customer_ticket
    client.force_login(customer)
    body = client.get("/").content.decode()
    assert 'id="priority"' not in body
    assert 'id="sla_status"' not in body
    client.force_login(user("agent1"))
    body = client.get("/").content.decode()
    assert 'id="priority"' in body
    assert 'id="sla_status"' in body


def test_a_requesters_list_holds_the_resolved_tickets_that_wait_on_them(client, customer_ticket):
    customer, ticket = customer_ticket
    agent1 = user("agent1")
    services.comment_add(ticket=ticket, actor=agent1, body="Looking.")
    services.ticket_transition(ticket=ticket, actor=agent1, status=Status.RESOLVED)
    closed = create_ticket(agent1, requester_email="customer@acme.example", title="Old one")
    services.ticket_transition(ticket=closed, actor=agent1, status=Status.RESOLVED)
    services.ticket_transition(ticket=closed, actor=agent1, status=Status.CLOSED)

    client.force_login(customer)
    body = client.get("/").content.decode()
    assert ticket.reference in body  # resolved: to confirm or reopen
    assert closed.reference not in body
    client.force_login(agent1)
    assert ticket.reference not in client.get("/").content.decode()  # the desk's open work


def test_notifications_to_requesters_carry_no_routing(network_path, policy):
    dispatcher = UserFactory(username="dispatcher", is_superuser=True)
    create_ticket(dispatcher, requester_email="customer@acme.example")
    delivery = Delivery.objects.get(kind="ticket.created", address="customer@acme.example")
    assert delivery.context["ticket"]["team"] == ""
    assert delivery.context["ticket"]["level"] == ""
    agents = Delivery.objects.get(kind="ticket.created", address="agent1@example.com")
    assert "Service Desk" in agents.context["ticket"]["team"]
    from notifications.rendering import render_message

    text = render_message(
        kind="ticket.created", context=delivery.context, language="en", time_zone="UTC"
    ).text
    assert "level" not in text
    assert "team" not in text


def test_status_notes_are_internal_unless_made_public(client, customer_ticket):
    customer, ticket = customer_ticket
    agent1 = user("agent1")
    client.force_login(agent1)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Note visibility" in page
    url = f"/tickets/{ticket.pk}/transition/"
    client.post(url, {"status": "open", "note": "Escalating to vendor", "note_public": "internal"})
    client.post(url, {"status": "pending", "note": "Please send logs", "note_public": "public"})
    client.force_login(customer)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "Please send logs" in body
    assert "Escalating to vendor" not in body


def test_the_api_transition_note_is_internal_by_default(api_as, customer_ticket):
    _customer, ticket = customer_ticket
    client = api_as(user("agent1"))
    url = f"/api/v1/tickets/{ticket.pk}/transition/"
    assert client.post(url, {"status": "open", "note": "inside"}, format="json").status_code == 200
    event = ticket.events.filter(kind="status").last()
    assert event.note_public is False
    services.ticket_transition(
        ticket=ticket, actor=user("agent1"), status="pending", note="out", note_public=True
    )
    assert ticket.events.filter(kind="status").last().note_public is True


def test_each_writer_is_told_who_reads_what_they_sent(client, customer_ticket):
    customer, ticket = customer_ticket
    client.force_login(customer)
    page = client.post(f"/tickets/{ticket.pk}/comment/", {"body": "Still broken."}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["Your reply is added to the request."]
    client.force_login(user("agent1"))
    page = client.post(
        f"/tickets/{ticket.pk}/comment/", {"body": "On it.", "is_public": "public"}, follow=True
    )
    assert [str(m) for m in page.context["messages"]] == ["Reply sent: the requester sees it."]
    page = client.post(
        f"/tickets/{ticket.pk}/transition/", {"status": "pending", "note": ""}, follow=True
    )
    assert [str(m) for m in page.context["messages"]] == [
        "Status changed to Pending (waiting on customer)."
    ]


def test_the_requester_is_led_back_to_their_requests_not_to_a_queue(client, customer_ticket):
    customer, _ticket = customer_ticket
    client.force_login(customer)
    body = client.get("/").content.decode()
    assert 'id="nav-queue">My requests<' in body
    refused = client.get("/escalations/")
    assert refused.status_code == 403
    assert "Back to my requests" in refused.content.decode()
    client.force_login(user("agent1"))
    assert 'id="nav-queue">Queue<' in client.get("/").content.decode()


def test_the_ticket_page_gives_every_element_its_own_id(client, customer_ticket):
    import re
    from collections import Counter

    customer, ticket = customer_ticket
    for reader in (user("agent1"), customer):
        client.force_login(reader)
        body = client.get(ticket.get_absolute_url()).content.decode()
        twice = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', body)).items() if n > 1]
        assert twice == [], reader.username


AGENT_ONLY = {"level", "team", "priority_override"}


def test_the_api_gives_requesters_no_routing_fields_nor_the_level_clock(api_as, customer_ticket):
    customer, ticket = customer_ticket
    client = api_as(customer)
    listed = client.get("/api/v1/tickets/").json()["results"]
    assert [row["id"] for row in listed] == [ticket.pk]
    shown = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    for row in (listed[0], shown):
        assert AGENT_ONLY.isdisjoint(row)
        metrics = {clock["metric"] for clock in row["sla_clocks"]}
        assert metrics
        assert "level" not in metrics
    history = client.get(f"/api/v1/tickets/{ticket.pk}/sla-clocks/").json()
    assert history
    assert "level" not in {clock["metric"] for clock in history}
    # The ticket given back after a write (closing their own resolved ticket) too.
    services.ticket_transition(ticket=ticket, actor=user("agent1"), status="resolved")
    answer = client.post(
        f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "closed"}, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "closed"
    assert AGENT_ONLY.isdisjoint(answer.json())
    # Agents still get everything.
    agent = api_as(user("agent1"))
    row = agent.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert set(row) >= AGENT_ONLY
    assert "level" in {clock["metric"] for clock in row["sla_clocks"]}
    assert "level" in {
        clock["metric"] for clock in agent.get(f"/api/v1/tickets/{ticket.pk}/sla-clocks/").json()
    }


def test_a_requester_cannot_narrow_the_list_by_level_or_team(api_as, customer_ticket):
    customer, ticket = customer_ticket
    client = api_as(customer)
    for query in ("level=L3", f"team={ticket.team_id}", "level=L1"):
        rows = client.get(f"/api/v1/tickets/?{query}").json()["results"]
        assert [row["id"] for row in rows] == [ticket.pk], query
    agent = api_as(user("agent1"))
    assert agent.get("/api/v1/tickets/?level=L3").json()["results"] == []


def test_the_schema_says_routing_fields_are_for_agents_only(client):
    schema = client.get("/api/schema/?format=json").json()
    ticket = schema["components"]["schemas"]["Ticket"]
    for name in AGENT_ONLY:
        assert name not in ticket["required"]
        assert "requesters" in ticket["properties"][name]["description"]


def test_a_requester_cannot_filter_by_sla_status(api_as, customer_ticket):
    customer, ticket = customer_ticket
    rows = api_as(customer).get("/api/v1/tickets/?sla_status=paused").json()["results"]
    assert [row["id"] for row in rows] == [ticket.pk]
    assert api_as(user("agent1")).get("/api/v1/tickets/?sla_status=paused").json()["results"] == []
