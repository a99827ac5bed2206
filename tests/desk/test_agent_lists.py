"""An agent's lists at scale: pages read team by team (the same rows as the plain
query, in the same order), and "breached" read from the ticket's own row."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from config.paging import CappedPaginator
from escalations.selectors import order_by_urgency
from escalations.services.sla.urgency import ticket_urgency_refresh
from escalations.services.sweep import sla_sweep
from tests.factories import TeamFactory, TicketFactory, UserFactory, create_ticket
from tickets import selectors, selectors_narrowed, services
from tickets.models import Ticket
from tickets.search import search_tickets, ticket_search_refresh

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TICKETS_URL = "/api/v1/tickets/"
ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="branches are read on PostgreSQL")


@pytest.fixture
def world(agent, l1_team):
    """The agent works in two teams and holds one ticket of a third (and some of their
    own team's); a fourth team's tickets, and the third's others, are out of their
    reach."""
    second = TeamFactory(name="Second line")
    second.members.add(agent)
    third, fourth = TeamFactory(name="Third"), TeamFactory(name="Fourth")
    other = UserFactory(username="other")
    visible, hidden = [], []
    for n in range(24):
        team = [l1_team, second, third, fourth][n % 4]
        ticket = TicketFactory(team=team, priority=f"P{1 + n * 7 % 4}", title=f"Disk {n}")
        if team == third:
            ticket.assignee = agent if n % 8 == 2 else other
            ticket.save()
        elif team == l1_team and n % 8 == 0:  # in two branches: their team's and their own
            ticket.assignee = agent
            ticket.save()
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=T0 - timedelta(hours=n * 5 % 24),
            sla_rank=n % 4,
            sla_due_at=None if n % 4 == 3 else T0 + timedelta(minutes=n * 11 % 60),
        )
        mine = team in (l1_team, second) or ticket.assignee_id == agent.pk
        (visible if mine else hidden).append(ticket.pk)
    return visible, hidden


ORDERS = [
    ("urgency", None),
    ("newest", ("-created_at", "-id")),
    ("by priority", ("priority", "-created_at", "-id")),
    ("priority last", ("-priority", "created_at", "id")),
    ("by reference", ("-id",)),
]


@postgres_only
@pytest.mark.parametrize(("name", "order"), ORDERS, ids=[name for name, _order in ORDERS])
def test_pages_read_team_by_team_are_the_pages_of_the_plain_list(world, agent, name, order):
    listed = selectors.ticket_list(user=agent)
    listed = order_by_urgency(listed) if order is None else listed.order_by(*order)
    everything = [ticket.pk for ticket in listed]
    assert sorted(everything) == sorted(world[0])
    for bottom, top in ((0, 4), (4, 8), (8, 12), (12, 40)):
        narrowed = selectors_narrowed.ticket_rows_narrowed(listed, user=agent, rows=top)
        assert [ticket.pk for ticket in narrowed[bottom:top]] == everything[bottom:top]


@postgres_only
def test_the_page_and_its_capped_count_are_read_team_by_team(world, agent):
    listed = selectors.ticket_list(user=agent)
    narrow = lambda queryset, rows: selectors_narrowed.ticket_rows_narrowed(  # noqa: E731
        queryset, user=agent, rows=rows
    )
    with CaptureQueriesContext(connection) as queries:
        page = CappedPaginator(listed, 5, narrow=narrow).page(2)
        assert page.paginator.count == len(world[0])
        assert len(list(page)) == 5
    unions = [q["sql"] for q in queries.captured_queries if "UNION ALL" in q["sql"]]
    assert len(unions) == 2
    count, rows = unions
    assert "COUNT(" in count
    assert "LIMIT 1001" in count  # any cap + 1 tickets of each team
    assert "ORDER BY" not in count
    assert "LIMIT 10" in rows  # each team's first two pages, no more


@postgres_only
def test_the_capped_count_reads_the_branches_ids_alone(world, agent):
    listed = selectors.ticket_list(user=agent)
    count_narrowed = partial(selectors_narrowed.ticket_count_narrowed, user=agent)
    with CaptureQueriesContext(connection) as queries:
        paginator = CappedPaginator(listed, 5, count_narrowed=count_narrowed)
        assert (paginator.count, paginator.count_exact) == (len(world[0]), True)
    (count,) = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    # The branches' ids united (each ticket once), not looked up again in the list.
    assert count.startswith("SELECT COUNT(*) FROM ((SELECT")
    assert " UNION (" in count
    assert "UNION ALL" not in count
    assert count.count("LIMIT 1001") == 3  # two teams and the agent's own tickets
    assert "ORDER BY" not in count


@postgres_only
@pytest.mark.parametrize("cap", [2, 5, 6, 7, 14, 15, 16])
def test_a_count_read_team_by_team_is_the_count_of_the_plain_list(
    monkeypatch, world, agent, l1_team, cap
):
    monkeypatch.setattr(CappedPaginator, "cap", cap)
    narrow = lambda queryset, rows: selectors_narrowed.ticket_rows_narrowed(  # noqa: E731
        queryset, user=agent, rows=rows
    )
    listed = selectors.ticket_list(user=agent)
    # All of the agent's tickets (three parts), one team's only (one part holds all).
    count_narrowed = partial(selectors_narrowed.ticket_count_narrowed, user=agent)
    for tickets in (listed, listed.filter(team=l1_team), listed.filter(priority="P1")):
        plain = CappedPaginator(tickets, 4)
        narrowed = CappedPaginator(tickets, 4, narrow=narrow)
        united = CappedPaginator(tickets, 4, count_narrowed=count_narrowed)
        assert (narrowed.count, narrowed.count_exact) == (plain.count, plain.count_exact)
        assert (united.count, united.count_exact) == (plain.count, plain.count_exact)
        assert plain.count_exact == (tickets.count() <= cap)


def test_admins_and_requesters_have_one_branch(admin_user, requester):
    assert selectors.ticket_visibility_branches(admin_user) == []
    assert selectors.ticket_visibility_branches(requester) == []


def test_api_pages_walk_every_ticket_the_agent_may_see_once(monkeypatch, world, api_as, agent):
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    visible, _hidden = world
    client = api_as(agent)
    for ordering in ("", "-priority,id", "priority,-created_at,-id"):
        body = client.get(TICKETS_URL, {"page_size": 4, "ordering": ordering}).json()
        seen = [row["id"] for row in body["results"]]
        while body["next"]:
            body = client.get(body["next"]).json()
            seen += [row["id"] for row in body["results"]]
        assert sorted(seen) == sorted(visible), ordering


SPREADS = {
    # Which tickets hold the word: every one, none of the second team's, or a few.
    "everywhere": lambda n, team: True,
    "not in the second team": lambda n, team: team != "Second line",
    "scattered": lambda n, team: n % 3 != 1 and (team != "Second line" or n > 12),
}


@postgres_only
@pytest.mark.parametrize("spread", SPREADS, ids=list(SPREADS))
@pytest.mark.parametrize(("walk", "limit"), [(1, 2), (2, 4), (3, 1000), (100, 3)])
def test_a_search_read_team_by_team_lists_what_the_plain_search_lists(
    monkeypatch, world, agent, spread, walk, limit
):
    monkeypatch.setattr("tickets.search.WALK", walk)  # team by team: walked, then older
    monkeypatch.setattr("tickets.search.SEARCH_LIMIT", limit)
    for ticket in Ticket.objects.select_related("team").order_by("pk"):
        n = int(ticket.title.split()[-1])
        word = "Firmware" if SPREADS[spread](n, ticket.team.name) else "Printer"
        Ticket.objects.filter(pk=ticket.pk).update(title=f"{word} {n}")
    ticket_search_refresh(ticket_ids=[*world[0], *world[1]])
    listed = selectors.ticket_list(user=agent)
    extra = Q(requester_name__iexact="firmware")
    plain = search_tickets(listed, "firmware", extra)  # (no user: not read team by team)
    expected = [ticket.pk for ticket in plain]
    assert expected
    assert len(expected) <= limit
    with CaptureQueriesContext(connection) as queries:
        found = [ticket.pk for ticket in search_tickets(listed, "firmware", extra, user=agent)]
    assert found == expected
    assert any("WITH walked (id) AS MATERIALIZED" in q["sql"] for q in queries.captured_queries)


@postgres_only
def test_a_search_finds_the_newest_matches_of_every_team_of_the_agent(
    monkeypatch, api_as, agent, l1_team, policy
):
    monkeypatch.setattr("tickets.search.SEARCH_LIMIT", 2)
    second = TeamFactory(name="Second line")
    second.members.add(agent)
    elsewhere = TeamFactory(name="Elsewhere")
    oldest = create_ticket(agent, title="Firmware old", team=l1_team)
    older = create_ticket(agent, title="Firmware older team", team=second)
    held = create_ticket(agent, title="Firmware held", team=elsewhere)
    # Still theirs after they left that team (the assignee of a ticket sees it).
    Ticket.objects.filter(pk=held.pk).update(assignee=agent)
    create_ticket(agent, title="Firmware not mine", team=elsewhere)
    create_ticket(agent, title="Printer", team=l1_team)
    found = api_as(agent).get(TICKETS_URL, {"q": "firmware"}).json()["results"]
    assert sorted(row["id"] for row in found) == sorted([older.pk, held.pk])
    assert oldest.pk not in [row["id"] for row in found]


def test_a_breach_met_late_still_counts_as_breached(api_as, agent, policy, frozen):
    late = create_ticket(agent, title="Late")
    frozen["now"] = T0 + timedelta(minutes=61)
    sla_sweep(now=frozen["now"])
    fine = create_ticket(agent, title="Fine")
    frozen["now"] = T0 + timedelta(minutes=70)
    services.comment_add(ticket=late, actor=agent, body="Sorry for the wait")
    late.refresh_from_db()
    assert late.sla_breached
    assert late.sla_rank != 0  # answered: no counting clock is overdue any more
    client = api_as(agent)
    found = client.get(TICKETS_URL, {"sla_status": "breached"}).json()["results"]
    assert [row["id"] for row in found] == [late.pk]
    assert fine.pk not in [row["id"] for row in found]


def test_a_clock_past_due_counts_as_breached_before_the_sweep_records_it(
    client, agent, policy, frozen
):
    overdue = create_ticket(agent, title="Overdue")
    frozen["now"] = T0 + timedelta(minutes=61)
    fresh = create_ticket(agent, title="Fresh")
    overdue.refresh_from_db()
    assert not overdue.sla_breached  # nothing recorded yet
    client.force_login(agent)
    body = client.get("/?sla_status=breached").content.decode()
    assert overdue.reference in body
    assert fresh.reference not in body


def test_the_breach_flag_is_recomputed_from_the_clocks(agent, policy, frozen):
    ticket = create_ticket(agent, title="Late")
    frozen["now"] = T0 + timedelta(minutes=61)
    sla_sweep(now=frozen["now"])
    services.comment_add(ticket=ticket, actor=agent, body="On it")
    ticket.refresh_from_db()
    assert ticket.sla_breached
    ticket.sla_clocks.update(state="met")  # (no service undoes a breach: rows by hand)
    ticket_urgency_refresh(ticket_ids=[ticket.pk], now=frozen["now"])
    ticket.refresh_from_db()
    assert not ticket.sla_breached


def test_a_paginator_narrows_its_count_and_the_rows_of_its_pages(l1_team):
    TicketFactory.create_batch(7, team=l1_team)
    asked = []

    def narrow(queryset, *, rows):
        asked.append(rows)
        return queryset

    paginator = CappedPaginator(Ticket.objects.order_by("id"), 3, narrow=narrow)
    assert [len(paginator.page(n)) for n in (2, 3)] == [3, 1]
    # The count's cap + 1 rows, then the rows up to the end of each page.
    assert asked == [CappedPaginator.cap + 1, 6, 7]
    emptied = CappedPaginator(Ticket.objects.order_by("id"), 3, narrow=lambda q, rows: q.none())
    assert (emptied.count, len(emptied.page(1))) == (0, 0)


@pytest.mark.parametrize("query", [{"q": "disk"}, {"sla_status": "breached"}, {}])
def test_an_agents_list_takes_as_many_queries_read_team_by_team(
    query, world, api_as, agent, django_assert_num_queries
):
    ticket_search_refresh(ticket_ids=[*world[0], *world[1]])  # (rows made by the factory)
    client = api_as(agent)
    # Token + user, the user's teams, the capped count, the page, its clocks; and for
    # a full-text search the matches, read once for the count and the page.
    with django_assert_num_queries(5 + (ON_POSTGRES and "q" in query)):
        body = client.get(TICKETS_URL, query).json()
    assert body["results"]


def test_a_search_matching_nothing_is_an_empty_page(world, api_as, agent, client):
    body = api_as(agent).get(TICKETS_URL, {"q": "nothing-like-it"}).json()
    assert (body["count"], body["results"]) == (0, [])
    client.force_login(agent)
    assert client.get("/", {"q": "nothing-like-it"}).status_code == 200


def test_an_admins_list_reads_no_teams(world, api_as, admin_user, django_assert_num_queries):
    client = api_as(admin_user)
    # Token + user, the capped count, the page, its clocks: no branches, no teams.
    with django_assert_num_queries(4):
        assert client.get(TICKETS_URL).json()["results"]
