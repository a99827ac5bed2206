"""API parity with admin: people, teams (members, manager, calendar), categories and
organizations, and a ticket's SLA alerts and pauses."""

import pytest

from escalations.models import SlaClockAlert, TeamCalendar
from tests.factories import (
    AdminFactory,
    CategoryFactory,
    TeamFactory,
    UserFactory,
    create_ticket,
)
from tickets import services
from tickets.models import Category, Organization, Team

pytestmark = pytest.mark.django_db


def usernames(response):
    return sorted(row["username"] for row in response.json()["results"])


# --- people ---------------------------------------------------------------------------------


@pytest.fixture
def people(agent, other_agent, requester):
    """agent1 (L1) works a ticket of the requester; agent2 (L2) one of a stranger."""
    create_ticket(agent, requester_email=requester.email, requester_name="Customer")
    stranger = UserFactory(username="stranger", email="stranger@globex.example")
    create_ticket(other_agent, requester_email=stranger.email, team=other_agent.teams.get())
    return {"stranger": stranger}


def test_admins_see_everyone(api_as, people):
    admin = AdminFactory(username="root")

    response = api_as(admin).get("/api/v1/users/")

    assert usernames(response) == ["agent1", "agent2", "customer", "root", "stranger"]


def test_agents_see_agents_and_the_requesters_of_their_tickets(api_as, agent, people):
    response = api_as(agent).get("/api/v1/users/")

    assert usernames(response) == ["agent1", "agent2", "customer"]
    by_name = {row["username"]: row for row in response.json()["results"]}
    assert by_name["agent2"]["is_agent"] is True
    assert by_name["customer"]["is_agent"] is False


def test_agents_filter_to_the_agents_of_a_team(api_as, agent, l1_team, people):
    response = api_as(agent).get(f"/api/v1/users/?is_agent=true&team={l1_team.pk}")

    assert usernames(response) == ["agent1"]


@pytest.mark.parametrize("team", ["99999999999999999999", "abc", "0"])
def test_a_team_filter_no_team_has_is_a_field_error(api_as, agent, team):
    response = api_as(agent).get(f"/api/v1/users/?team={team}")

    assert response.status_code == 400
    assert "team" in response.json()


def test_a_requester_sees_only_themselves(api_as, requester, people):
    client = api_as(requester)

    listed = client.get("/api/v1/users/")
    other = client.get(f"/api/v1/users/{people['stranger'].pk}/")

    assert usernames(listed) == ["customer"]
    assert listed.json()["results"][0]["id"] == requester.pk
    assert other.status_code == 404


def test_user_list_costs_the_same_queries_whatever_its_length(
    api_as, agent, people, django_assert_num_queries
):
    client = api_as(agent)
    client.get("/api/v1/users/")  # token and team ids cached on nothing: warm nothing
    for n in range(5):
        create_ticket(agent, requester_email=UserFactory(username=f"r{n}").email)

    with django_assert_num_queries(4):  # token, teams, count, page
        response = client.get("/api/v1/users/")

    assert len(response.json()["results"]) == 8


# --- teams --------------------------------------------------------------------------------


def test_admin_creates_a_team_with_manager_members_and_calendar(api_as, agent, always_open):
    boss = UserFactory(username="boss")

    response = api_as(AdminFactory(username="root")).post(
        "/api/v1/teams/",
        {
            "name": "Night Desk",
            "tier": "L1",
            "manager": boss.pk,
            "members": [agent.pk],
            "calendar": always_open.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    team = Team.objects.get(name="Night Desk")
    assert (team.manager, list(team.members.all())) == (boss, [agent])
    assert TeamCalendar.objects.get(team=team).calendar == always_open
    body = response.json()
    assert (body["manager"]["id"], body["calendar"]) == (boss.pk, always_open.pk)
    assert [m["username"] for m in body["members"]] == ["agent1"]


def test_admin_changes_and_clears_a_teams_calendar(api_as, l1_team, always_open):
    client = api_as(AdminFactory(username="root"))
    url = f"/api/v1/teams/{l1_team.pk}/"

    set_ = client.patch(url, {"calendar": always_open.pk}, format="json")
    cleared = client.patch(url, {"calendar": None}, format="json")

    assert set_.json()["calendar"] == always_open.pk
    assert cleared.status_code == 200
    assert cleared.json()["calendar"] is None
    assert not TeamCalendar.objects.exists()


def test_a_bad_team_is_refused_with_field_messages(api_as, l1_team):
    response = api_as(AdminFactory(username="root")).post(
        "/api/v1/teams/",
        {"name": l1_team.name, "tier": "L9", "members": [10**6], "calendar": 10**6, "x": 1},
        format="json",
    )

    assert response.status_code == 400
    # the unknown field and every other field's problem, in one answer
    assert set(response.json()) == {"x", "name", "tier", "members", "calendar"}


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_only_admins_write_the_directory(api_as, request, who, l1_team):
    client = api_as(request.getfixturevalue(who))

    # Teams are read by agents only: how the desk is organized is not the requesters'.
    assert client.get("/api/v1/teams/").status_code == (200 if who == "agent" else 403)
    assert client.post("/api/v1/teams/", {"name": "X"}, format="json").status_code == 403
    assert client.patch(f"/api/v1/teams/{l1_team.pk}/", {}, format="json").status_code == 403
    assert client.post("/api/v1/categories/", {"name": "X"}, format="json").status_code == 403
    assert client.post("/api/v1/organizations/", {"name": "X"}, format="json").status_code == 403
    assert not Category.objects.exists()


def test_nothing_in_the_directory_is_deleted_through_the_api(api_as, l1_team):
    client = api_as(AdminFactory(username="root"))

    assert client.delete(f"/api/v1/teams/{l1_team.pk}/").status_code == 405
    assert Team.objects.filter(pk=l1_team.pk).exists()


def test_team_list_costs_the_same_queries_whatever_its_length(
    api_as, agent, django_assert_num_queries, always_open
):
    client = api_as(agent)
    for n in range(4):
        team = TeamFactory(name=f"Team {n}", manager=UserFactory(username=f"m{n}"))
        team.members.add(UserFactory(username=f"u{n}"))
        TeamCalendar.objects.create(team=team, calendar=always_open)

    # token, whether the caller is an agent, count, page with managers and calendars, members
    with django_assert_num_queries(5):
        response = client.get("/api/v1/teams/")

    assert response.json()["count"] == 5


# --- categories and organizations -------------------------------------------------------


def test_admin_creates_and_retires_a_category(api_as):
    client = api_as(AdminFactory(username="root"))

    created = client.post("/api/v1/categories/", {"name": "Network"}, format="json")
    retired = client.patch(
        f"/api/v1/categories/{created.json()['id']}/", {"is_active": False}, format="json"
    )

    assert created.status_code == 201
    assert retired.json()["is_active"] is False
    assert Category.objects.get().is_active is False


def test_admin_writes_an_organization_and_its_contacts(api_as, requester):
    client = api_as(AdminFactory(username="root"))

    created = client.post(
        "/api/v1/organizations/",
        {"name": "Globex", "tier": "vip", "contacts": [requester.pk]},
        format="json",
    )
    renamed = client.patch(
        f"/api/v1/organizations/{created.json()['id']}/", {"name": "Globex Corp"}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert created.json()["contacts"] == [requester.pk]
    assert renamed.json()["name"] == "Globex Corp"
    assert list(Organization.objects.get(name="Globex Corp").contacts.all()) == [requester]


def test_a_duplicate_category_name_is_a_field_error(api_as):
    CategoryFactory(name="Network")

    response = api_as(AdminFactory(username="root")).post(
        "/api/v1/categories/", {"name": "Network"}, format="json"
    )

    assert response.status_code == 400
    assert "name" in response.json()


# --- SLA alerts and pauses on the ticket --------------------------------------------------


def test_a_ticket_shows_its_clocks_alerts_and_pauses(api_as, agent, policy):
    ticket = create_ticket(agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    services.ticket_transition(ticket=ticket, actor=agent, status="open")
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    clock = ticket.sla_clocks.get(metric="resolution")
    SlaClockAlert.objects.create(
        clock=clock, cycle=clock.cycle, kind="warning", due_at=clock.due_at
    )

    response = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}/sla-clocks/")

    assert response.status_code == 200
    resolution = next(c for c in response.json() if c["metric"] == "resolution")
    assert [a["kind"] for a in resolution["alerts"]] == ["warning"]
    assert len(resolution["pauses"]) == 2
    assert resolution["pauses"][0]["resumed_at"] is not None
    assert resolution["pauses"][1]["resumed_at"] is None
    assert resolution["status"] == "paused"


def test_sla_clocks_of_a_ticket_out_of_reach_are_not_found(api_as, agent, other_agent, policy):
    ticket = create_ticket(agent)

    assert api_as(other_agent).get(f"/api/v1/tickets/{ticket.pk}/sla-clocks/").status_code == 404


def test_sla_history_costs_the_same_queries_whatever_its_length(
    api_as, agent, policy, django_assert_num_queries
):
    ticket = create_ticket(agent)
    for _ in range(3):
        services.ticket_transition(ticket=ticket, actor=agent, status="pending")
        services.ticket_transition(ticket=ticket, actor=agent, status="open")
    client = api_as(agent)

    with django_assert_num_queries(6):  # token, teams, ticket, clocks, alerts, audit trail
        client.get(f"/api/v1/tickets/{ticket.pk}/sla-clocks/")
