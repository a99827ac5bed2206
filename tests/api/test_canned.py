"""Canned replies in the API: offered by team, filled in for a ticket, applied to a
ticket through the reply box's service; refusals are 4xx with field messages."""

import pytest

from tests.factories import AdminFactory, TeamFactory, UserFactory, create_ticket
from tickets.models import CannedReply, Status

pytestmark = pytest.mark.django_db

URL = "/api/v1/canned-replies/"


@pytest.fixture
def replies(l1_team):
    other = TeamFactory(name="Other team")
    return {
        "ours": CannedReply.objects.create(
            title="Need logs",
            body="Hello {requester_name}, please send the logs for {reference}. {oops}",
            team=l1_team,
            set_status=Status.PENDING,
        ),
        "global": CannedReply.objects.create(title="Thanks", body="Thank you, {requester_name}."),
        "theirs": CannedReply.objects.create(title="Not ours", body="x", team=other),
        "off": CannedReply.objects.create(title="Retired", body="x", is_active=False),
    }


@pytest.fixture
def ticket(agent, l1_team, policy):
    return create_ticket(agent, team=l1_team, requester_name="Rita")


def titles(response):
    return [row["title"] for row in response.json()["results"]]


def test_agents_see_their_teams_and_global_replies_admins_all(api_as, agent, replies):
    response = api_as(agent).get(URL)
    assert response.status_code == 200
    assert titles(response) == ["Need logs", "Thanks"]
    assert response.json()["results"][0]["text"] is None
    paged = api_as(agent).get(URL, {"page": 1, "page_size": 1, "format": "json"})
    assert paged.status_code == 200
    assert titles(paged) == ["Need logs"]
    admin = AdminFactory(username="root")
    assert titles(api_as(admin).get(URL)) == ["Need logs", "Not ours", "Thanks"]


def test_requesters_get_403(api_as, requester, replies):
    client = api_as(requester)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{replies['global'].pk}/").status_code == 403
    applied = client.post(f"{URL}{replies['global'].pk}/apply/", {"ticket": 1}, format="json")
    assert applied.status_code == 403


def test_the_text_is_filled_in_for_a_ticket_the_agent_works_on(api_as, agent, ticket, replies):
    client = api_as(agent)
    response = client.get(URL, {"ticket": ticket.pk})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["text"] == (f"Hello Rita, please send the logs for {ticket.reference}. {{oops}}")
    assert first["set_status"] == "pending"
    one = client.get(f"{URL}{replies['global'].pk}/", {"ticket": ticket.pk})
    assert one.json()["text"] == "Thank you, Rita."


@pytest.mark.parametrize("value", ["abc", "0", "-1", str(2**63)])
def test_a_bad_ticket_parameter_is_a_field_error(api_as, agent, replies, value):
    response = api_as(agent).get(URL, {"ticket": value})
    assert response.status_code == 400
    assert "ticket" in response.json()


def test_a_ticket_out_of_reach_is_refused_like_a_missing_one(api_as, agent, replies, policy):
    stranger = UserFactory(username="agent9")
    elsewhere = TeamFactory(name="Elsewhere")
    elsewhere.members.add(stranger)
    hidden = create_ticket(stranger, team=elsewhere, requester_name="Bob")
    client = api_as(agent)
    for pk in (hidden.pk, hidden.pk + 1000):
        response = client.get(URL, {"ticket": pk})
        assert response.status_code == 400
        assert response.json()["ticket"] == ["No ticket you work on has this id."]
        applied = client.post(f"{URL}{replies['global'].pk}/apply/", {"ticket": pk}, format="json")
        assert applied.status_code == 400
        assert "ticket" in applied.json()
    assert not hidden.comments.exists()


def test_another_teams_reply_is_404(api_as, agent, ticket, replies):
    client = api_as(agent)
    for reply in (replies["theirs"], replies["off"]):
        assert client.get(f"{URL}{reply.pk}/").status_code == 404
        applied = client.post(f"{URL}{reply.pk}/apply/", {"ticket": ticket.pk}, format="json")
        assert applied.status_code == 404
    assert not ticket.comments.exists()


def test_applying_posts_the_reply_and_sets_the_status(api_as, agent, ticket, replies):
    response = api_as(agent).post(
        f"{URL}{replies['ours'].pk}/apply/", {"ticket": ticket.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["ticket_status"] == "pending"
    assert body["comment"]["is_public"] is True
    comment = ticket.comments.get()
    assert comment.body == f"Hello Rita, please send the logs for {ticket.reference}. {{oops}}"
    assert comment.author == agent
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.events.filter(field="status", new_value="pending").exists()


def test_an_internal_note_with_no_status_change(api_as, agent, ticket, replies):
    response = api_as(agent).post(
        f"{URL}{replies['ours'].pk}/apply/",
        {"ticket": ticket.pk, "is_public": False, "set_status": ""},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["comment"]["is_public"] is False
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not ticket.comments.get().is_public


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "ticket"),
        ({"ticket": "x"}, "ticket"),
        ({"ticket": 1, "set_status": "nonsense"}, "set_status"),
        ({"ticket": 1, "is_public": "maybe"}, "is_public"),
        ({"ticket": 1, "body": "my own text"}, "body"),
    ],
)
def test_bad_input_is_a_field_error(api_as, agent, ticket, replies, payload, field):
    if payload.get("ticket") == 1:
        payload = {**payload, "ticket": ticket.pk}
    response = api_as(agent).post(f"{URL}{replies['ours'].pk}/apply/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ticket.comments.exists()


def test_a_refused_status_change_sends_nothing(api_as, agent, ticket, replies):
    """new -> closed is not a move of the workflow: the reply is not sent either."""
    response = api_as(agent).post(
        f"{URL}{replies['ours'].pk}/apply/",
        {"ticket": ticket.pk, "set_status": "closed"},
        format="json",
    )
    assert response.status_code == 400
    assert "set_status" in response.json()
    assert not ticket.comments.exists()
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_a_closed_ticket_takes_no_canned_reply(api_as, agent, ticket, replies):
    from tickets import services

    services.ticket_transition(ticket=ticket, actor=agent, status=Status.RESOLVED)
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.CLOSED)
    response = api_as(agent).post(
        f"{URL}{replies['global'].pk}/apply/", {"ticket": ticket.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["ticket"] == ["The ticket is closed; open a new ticket instead."]
