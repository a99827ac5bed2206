"""The queue and the ticket list at scale: a count that stops at a cap (an
estimate past it), pages that still know whether another follows, and rows of
the API list written out without DRF's per-field round trip (same JSON)."""

import pytest
from django.db import connection
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from config.paging import CappedPaginator, rounded
from escalations.api.serializers import TicketWithSlaSerializer
from tests.factories import CategoryFactory, OrganizationFactory, TicketFactory, create_ticket
from tickets.models import Ticket

TICKETS_URL = "/api/v1/tickets/"
ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "cap", 5)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_rounded_keeps_two_significant_figures():
    assert [rounded(n) for n in (7, 99, 123, 29_923, 1_049_000)] == [
        7,
        99,
        120,
        30_000,
        1_000_000,
    ]


def test_count_up_to_the_cap_is_exact(small_cap, l1_team):
    TicketFactory.create_batch(5, team=l1_team)
    paginator = CappedPaginator(Ticket.objects.order_by("id"), 2)
    assert (paginator.count, paginator.count_exact, paginator.num_pages) == (5, True, 3)


def test_count_past_the_cap_is_marked_when_it_is_an_estimate(small_cap, l1_team):
    TicketFactory.create_batch(8, team=l1_team)
    paginator = CappedPaginator(Ticket.objects.order_by("id"), 3)
    if ON_POSTGRES:
        assert paginator.count_exact is False
        assert paginator.count >= 6
    else:  # no planner estimate: the exact count
        assert (paginator.count, paginator.count_exact) == (8, True)


def test_pages_past_the_cap_walk_every_ticket_once(small_cap, l1_team):
    made = TicketFactory.create_batch(8, team=l1_team)
    paginator = CappedPaginator(Ticket.objects.order_by("id"), 3)
    seen, number = [], 1
    while True:
        page = paginator.page(number)
        seen += [ticket.pk for ticket in page]
        if not page.has_next():
            break
        number = page.next_page_number()
    assert seen == sorted(ticket.pk for ticket in made)
    assert number == 3


def test_a_page_past_the_real_end_falls_back_to_the_first(small_cap, l1_team):
    TicketFactory.create_batch(8, team=l1_team)
    page = CappedPaginator(Ticket.objects.order_by("id"), 3).get_page(400)
    assert page.number in (1, 3)  # the first page (estimate) or the last (exact count)
    assert len(page) in (3, 2)


def test_queue_says_about_how_many_past_the_cap(small_cap, agent_client, l1_team, agent):
    TicketFactory.create_batch(30, team=l1_team, assignee=agent)
    body = agent_client.get("/").content.decode()
    assert body.count("data-ticket=") == 25
    if ON_POSTGRES:
        assert "Page 1 of about" in body
        assert "tickets)" in body
    else:
        assert "Page 1 of 2" in body
    assert "page=2" in body  # the next page is offered either way


@pytest.mark.skipif(not ON_POSTGRES, reason="the estimate needs PostgreSQL's planner")
def test_queue_query_count_past_the_cap(
    small_cap, agent_client, l1_team, agent, django_assert_num_queries
):
    TicketFactory.create_batch(30, team=l1_team, assignee=agent)
    # As below the cap (tests/tickets/test_pages.py), and one EXPLAIN for the estimate.
    with django_assert_num_queries(10):
        agent_client.get("/")


def test_api_list_says_whether_the_count_is_exact(api_as, agent, l1_team):
    TicketFactory.create_batch(3, team=l1_team)
    body = api_as(agent).get(TICKETS_URL).json()
    assert (body["count"], body["count_exact"]) == (3, True)


def test_api_next_links_walk_every_ticket_past_the_cap(small_cap, api_as, agent, l1_team):
    made = TicketFactory.create_batch(9, team=l1_team)
    client = api_as(agent)
    body = client.get(TICKETS_URL, {"page_size": 4, "ordering": "id"}).json()
    assert body["count_exact"] is not ON_POSTGRES
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"]).json()
        seen += [row["id"] for row in body["results"]]
    assert seen == sorted(ticket.pk for ticket in made)


def test_lean_rows_are_the_json_the_declared_fields_give(agent, l1_team, policy):
    organization = OrganizationFactory(name="Acme")
    category = CategoryFactory(name="Network")
    ticket = create_ticket(
        agent, team=l1_team, organization=organization, category=category, assignee=agent
    )
    ticket.refresh_from_db()
    request = APIRequestFactory().get(TICKETS_URL)
    request.user = agent
    serializer = TicketWithSlaSerializer(ticket, context={"request": request})
    lean = serializer.to_representation(ticket)
    declared = serializers.ModelSerializer.to_representation(serializer, ticket)
    clock = serializer.fields["sla_clocks"].child
    declared["sla_clocks"] = [
        serializers.ModelSerializer.to_representation(clock, each)
        for each in ticket.sla_clocks.all()
    ]
    assert lean["sla_clocks"]  # the policy started clocks: they are compared too
    assert lean == declared
    assert list(lean) == list(declared)  # the same keys in the same order


@pytest.mark.skipif(not ON_POSTGRES, reason="the estimate needs PostgreSQL's planner")
def test_api_list_query_count_past_the_cap(
    small_cap, api_as, agent, l1_team, django_assert_num_queries
):
    TicketFactory.create_batch(12, team=l1_team)
    client = api_as(agent)
    # Token + user, the user's teams, the capped count, its estimate, the page, its clocks.
    with django_assert_num_queries(6):
        body = client.get(TICKETS_URL, {"page_size": 5}).json()
    assert (len(body["results"]), body["count_exact"]) == (5, False)


@pytest.mark.skipif(not ON_POSTGRES, reason="full-text search runs on PostgreSQL")
def test_a_search_lists_the_newest_matches_up_to_the_limit(monkeypatch, api_as, agent, l1_team):
    monkeypatch.setattr("tickets.search.SEARCH_LIMIT", 2)
    made = [create_ticket(agent, title=f"Firmware fails {n}", team=l1_team) for n in range(3)]
    create_ticket(agent, title="Printer jammed", team=l1_team)
    body = api_as(agent).get(TICKETS_URL, {"q": "firmware"}).json()
    assert sorted(row["id"] for row in body["results"]) == sorted(t.pk for t in made[1:])
