"""Bad input to the tickets API: always a 4xx with a message per field, never a 500,
and nothing written (no ticket, comment or event left behind)."""

import json

import pytest

from tests.factories import CategoryFactory, UserFactory
from tickets import services
from tickets.models import Comment, Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TICKETS_URL = "/api/v1/tickets/"
HUGE_INT = 10**30
ONE_MB = "x" * 1_000_000


def ticket_url(ticket, action=""):
    return f"{TICKETS_URL}{ticket.pk}/{action + '/' if action else ''}"


def valid_ticket(**changes):
    data = {
        "title": "VPN is down",
        "description": "Nobody in Warsaw can connect.",
        "requester_name": "Rita Requester",
        "requester_email": "rita@example.com",
    }
    data.update(changes)
    return data


def without(name):
    data = valid_ticket()
    del data[name]
    return data


def rows():
    return (Ticket.objects.count(), Comment.objects.count(), TicketEvent.objects.count())


def assert_field_errors(response, *fields, status=400):
    """A 4xx whose JSON body names each field with at least one readable message."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    for field in fields:
        messages = body[field]
        assert isinstance(messages, list), body
        assert messages
        assert all(isinstance(m, str) and m.strip() for m in messages), body
    return body


@pytest.fixture
def agent_api(api_as, agent, l1_team):
    return api_as(agent)


@pytest.fixture
def ticket(agent, l1_team):
    return services.ticket_create(actor=agent, **valid_ticket())


# --- creating a ticket -----------------------------------------------------------------

CREATE_CASES = {
    "unknown status": (valid_ticket(status="bogus"), "status"),
    "status is not set on create": (valid_ticket(status="closed"), "status"),
    "priority is derived, not sent": (valid_ticket(priority="P1"), "priority"),
    "impact 7": (valid_ticket(impact=7), "impact"),
    "impact 0": (valid_ticket(impact=0), "impact"),
    "urgency -1": (valid_ticket(urgency=-1), "urgency"),
    "huge impact": (valid_ticket(impact=HUGE_INT), "impact"),
    "impact as a word": (valid_ticket(impact="high"), "impact"),
    "impact as a fraction": (valid_ticket(impact=1.5), "impact"),
    "impact as a boolean": (valid_ticket(impact=True), "impact"),
    "impact as a list": (valid_ticket(impact=[1]), "impact"),
    "impact null": (valid_ticket(impact=None), "impact"),
    "missing title": (without("title"), "title"),
    "blank title": (valid_ticket(title=""), "title"),
    "whitespace title": (valid_ticket(title="   "), "title"),
    "null title": (valid_ticket(title=None), "title"),
    "1 MB title": (valid_ticket(title=ONE_MB), "title"),
    "title one over the limit": (valid_ticket(title="x" * 201), "title"),
    "title as a list": (valid_ticket(title=["VPN", "down"]), "title"),
    "title as an object": (valid_ticket(title={"en": "VPN"}), "title"),
    "title with a NUL character": (valid_ticket(title="VPN\x00down"), "title"),
    "missing description": (without("description"), "description"),
    "1 MB description": (valid_ticket(description=ONE_MB), "description"),
    "is_security as an object": (valid_ticket(is_security={"yes": True}), "is_security"),
    "is_security as a list": (valid_ticket(is_security=[True]), "is_security"),
    "is_security as a word": (valid_ticket(is_security="maybe"), "is_security"),
    "unknown organization": (valid_ticket(organization=999_999), "organization"),
    "huge organization id": (valid_ticket(organization=HUGE_INT), "organization"),
    "organization by name": (valid_ticket(organization="Acme"), "organization"),
    "organization as an object": (valid_ticket(organization={"id": 1}), "organization"),
    "organization as a boolean": (valid_ticket(organization=True), "organization"),
    "unknown category": (valid_ticket(category=999_999), "category"),
    "unknown team": (valid_ticket(team=999_999), "team"),
    "team as a list": (valid_ticket(team=[1]), "team"),
    "unknown assignee": (valid_ticket(assignee=999_999), "assignee"),
    "malformed e-mail": (valid_ticket(requester_email="not-an-email"), "requester_email"),
    "requester name too long": (valid_ticket(requester_name="x" * 201), "requester_name"),
    "unknown language": (valid_ticket(requester_language="xx"), "requester_language"),
    "unknown field": (valid_ticket(colour="red"), "colour"),
    "read-only reference": (valid_ticket(reference="ESC-000001"), "reference"),
    "read-only id": (valid_ticket(id=42), "id"),
    "read-only created_at": (valid_ticket(created_at="2020-01-01T00:00:00Z"), "created_at"),
}


@pytest.mark.parametrize(("payload", "field"), CREATE_CASES.values(), ids=CREATE_CASES.keys())
def test_bad_ticket_is_refused_with_a_field_message(agent_api, payload, field):
    response = agent_api.post(TICKETS_URL, payload, format="json")

    assert_field_errors(response, field)
    assert rows() == (0, 0, 0)


def test_empty_object_names_every_required_field(agent_api):
    response = agent_api.post(TICKETS_URL, {}, format="json")

    assert_field_errors(response, "title", "description", "requester_name", "requester_email")
    assert rows() == (0, 0, 0)


def test_several_bad_fields_are_all_reported(agent_api):
    response = agent_api.post(
        TICKETS_URL, valid_ticket(impact=7, urgency="soon", title=""), format="json"
    )

    assert_field_errors(response, "impact", "urgency", "title")


def test_unknown_fields_are_all_named(agent_api):
    response = agent_api.post(
        TICKETS_URL, valid_ticket(colour="red", priority="P1", status="open"), format="json"
    )

    body = assert_field_errors(response, "colour", "priority", "status")
    assert "Unknown field" in body["colour"][0]


def test_assignee_outside_the_team_is_refused_on_create(agent_api, other_agent):
    response = agent_api.post(TICKETS_URL, valid_ticket(assignee=other_agent.pk), format="json")

    body = assert_field_errors(response, "assignee")
    assert "is not in team" in body["assignee"][0]
    assert rows() == (0, 0, 0)


def test_inactive_assignee_is_refused(agent_api, l1_team):
    gone = UserFactory(username="gone", is_active=False)
    l1_team.members.add(gone)

    response = agent_api.post(TICKETS_URL, valid_ticket(assignee=gone.pk), format="json")

    assert_field_errors(response, "assignee")
    assert rows() == (0, 0, 0)


def test_retired_category_is_refused(agent_api):
    retired = CategoryFactory(name="Fax", is_active=False)

    response = agent_api.post(TICKETS_URL, valid_ticket(category=retired.pk), format="json")

    assert_field_errors(response, "category")
    assert rows() == (0, 0, 0)


def test_requester_account_without_email_cannot_file(api_as, l1_team):
    nomail = UserFactory(username="nomail", email="")

    response = api_as(nomail).post(
        TICKETS_URL, {"title": "Help", "description": "x"}, format="json"
    )

    assert_field_errors(response, "requester_email")
    assert rows() == (0, 0, 0)


# --- bodies that are not a JSON object, on every write endpoint --------------------------

NOT_AN_OBJECT = {
    "a list": "[]",
    "a list of tickets": json.dumps([valid_ticket()]),
    "a string": '"VPN is down"',
    "a number": "42",
    "true": "true",
    "null": "null",
}


def write_endpoints(ticket):
    return {
        "create": ("post", TICKETS_URL),
        "patch": ("patch", ticket_url(ticket)),
        "comment": ("post", ticket_url(ticket, "comments")),
        "transition": ("post", ticket_url(ticket, "transition")),
    }


@pytest.mark.parametrize("endpoint", ["create", "patch", "comment", "transition"])
@pytest.mark.parametrize("body", NOT_AN_OBJECT.values(), ids=NOT_AN_OBJECT.keys())
def test_body_that_is_not_an_object_is_400(agent_api, ticket, endpoint, body):
    method, url = write_endpoints(ticket)[endpoint]
    before = rows()

    response = getattr(agent_api, method)(url, body, content_type="application/json")

    assert_field_errors(response, "non_field_errors")
    assert rows() == before


MALFORMED = {
    "truncated": '{"title": "VPN',
    "trailing comma": '{"title": "VPN",}',
    "single quotes": "{'title': 'VPN'}",
    "not json at all": "title=VPN",
    "NaN": '{"impact": NaN}',
    "invalid utf-8": b'{"title": "\xff\xfe"}',
}


@pytest.mark.parametrize("endpoint", ["create", "patch", "comment", "transition"])
@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_json_is_400(agent_api, ticket, endpoint, body):
    method, url = write_endpoints(ticket)[endpoint]
    before = rows()

    response = getattr(agent_api, method)(url, body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert rows() == before


@pytest.mark.parametrize(
    ("endpoint", "field"), [("create", "title"), ("comment", "body"), ("transition", "status")]
)
def test_empty_body_is_400_naming_the_required_fields(agent_api, ticket, endpoint, field):
    method, url = write_endpoints(ticket)[endpoint]

    response = getattr(agent_api, method)(url, "", content_type="application/json")

    assert_field_errors(response, field)
    assert rows() == (1, 0, 1)


def test_empty_patch_changes_nothing(agent_api, ticket):
    response = agent_api.patch(ticket_url(ticket), "", content_type="application/json")

    assert response.status_code == 200
    assert response.json()["title"] == ticket.title
    assert rows() == (1, 0, 1)


@pytest.mark.parametrize("endpoint", ["create", "patch", "comment", "transition"])
def test_unsupported_content_type_is_415(agent_api, ticket, endpoint):
    method, url = write_endpoints(ticket)[endpoint]
    before = rows()

    response = getattr(agent_api, method)(url, "title: VPN", content_type="text/yaml")

    assert response.status_code == 415
    assert response.json()["detail"]
    assert rows() == before


def test_unacceptable_response_format_is_406(agent_api):
    response = agent_api.get(TICKETS_URL, HTTP_ACCEPT="application/xml")

    assert response.status_code == 406


# --- editing a ticket --------------------------------------------------------------------

PATCH_CASES = {
    "impact 7": ({"impact": 7}, "impact"),
    "impact as a word": ({"impact": "high"}, "impact"),
    "null title": ({"title": None}, "title"),
    "blank title": ({"title": ""}, "title"),
    "1 MB title": ({"title": ONE_MB}, "title"),
    "title as a list": ({"title": ["a"]}, "title"),
    "is_security as an object": ({"is_security": {"a": 1}}, "is_security"),
    "blank requester e-mail": ({"requester_email": ""}, "requester_email"),
    "status has its own endpoint": ({"status": "resolved"}, "status"),
    "unknown status": ({"status": "bogus"}, "status"),
    "priority is derived": ({"priority": "P1"}, "priority"),
    "level is not edited here": ({"level": "L3"}, "level"),
    "unknown organization": ({"organization": 999_999}, "organization"),
    "unknown team": ({"team": 999_999}, "team"),
    "team by name": ({"team": "Service Desk"}, "team"),
    "unknown field": ({"colour": "red"}, "colour"),
}


@pytest.mark.parametrize(("payload", "field"), PATCH_CASES.values(), ids=PATCH_CASES.keys())
def test_bad_edit_is_refused_and_changes_nothing(agent_api, ticket, payload, field):
    before = Ticket.objects.values().get(pk=ticket.pk)

    response = agent_api.patch(ticket_url(ticket), payload, format="json")

    assert_field_errors(response, field)
    assert Ticket.objects.values().get(pk=ticket.pk) == before
    assert rows() == (1, 0, 1)


def test_assignee_outside_the_team_is_refused_on_edit(agent_api, ticket, other_agent):
    response = agent_api.patch(ticket_url(ticket), {"assignee": other_agent.pk}, format="json")

    body = assert_field_errors(response, "assignee")
    assert "is not in team" in body["assignee"][0]
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert rows() == (1, 0, 1)


def test_moving_team_with_an_assignee_from_the_old_team_is_refused(
    agent_api, ticket, agent, l2_team
):
    response = agent_api.patch(
        ticket_url(ticket), {"team": l2_team.pk, "assignee": agent.pk}, format="json"
    )

    assert_field_errors(response, "assignee")
    ticket.refresh_from_db()
    assert (ticket.team.name, ticket.assignee) == ("Service Desk", None)
    assert rows() == (1, 0, 1)


def test_bad_and_good_fields_together_change_nothing(agent_api, ticket):
    response = agent_api.patch(
        ticket_url(ticket), {"title": "New title", "impact": 9}, format="json"
    )

    assert_field_errors(response, "impact")
    ticket.refresh_from_db()
    assert ticket.title == "VPN is down"
    assert rows() == (1, 0, 1)


# --- comments ----------------------------------------------------------------------------

COMMENT_CASES = {
    "missing body": ({}, "body"),
    "blank body": ({"body": ""}, "body"),
    "whitespace body": ({"body": "   "}, "body"),
    "null body": ({"body": None}, "body"),
    "body too long": ({"body": "x" * 50_001}, "body"),
    "body as a list": ({"body": ["hi"]}, "body"),
    "is_public as a word": ({"body": "hi", "is_public": "maybe"}, "is_public"),
    "is_public as an object": ({"body": "hi", "is_public": {}}, "is_public"),
    "author is not sent": ({"body": "hi", "author": 1}, "author"),
    "unknown field": ({"body": "hi", "mood": "angry"}, "mood"),
}


@pytest.mark.parametrize(("payload", "field"), COMMENT_CASES.values(), ids=COMMENT_CASES.keys())
def test_bad_comment_is_refused(agent_api, ticket, payload, field):
    response = agent_api.post(ticket_url(ticket, "comments"), payload, format="json")

    assert_field_errors(response, field)
    assert rows() == (1, 0, 1)


def test_comment_on_a_closed_ticket_is_refused(agent_api, ticket, agent):
    for status in (Status.RESOLVED, Status.CLOSED):
        services.ticket_transition(ticket=ticket, actor=agent, status=status)
    before = rows()

    response = agent_api.post(
        ticket_url(ticket, "comments"), {"body": "One more thing"}, format="json"
    )

    body = assert_field_errors(response, "body")
    assert "closed" in body["body"][0]
    assert rows() == before
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


# --- transitions -------------------------------------------------------------------------

TRANSITION_CASES = {
    "unknown status": ({"status": "bogus"}, "status"),
    "missing status": ({}, "status"),
    "null status": ({"status": None}, "status"),
    "status as a list": ({"status": ["open"]}, "status"),
    "status as a number": ({"status": 1}, "status"),
    "status in capitals": ({"status": "OPEN"}, "status"),
    "move the workflow forbids": ({"status": "closed"}, "status"),
    "note too long": ({"status": "open", "note": "x" * 2_001}, "note"),
    "note as an object": ({"status": "open", "note": {"a": 1}}, "note"),
    "unknown field": ({"status": "open", "resolved_at": "2020-01-01T00:00:00Z"}, "resolved_at"),
}


@pytest.mark.parametrize(
    ("payload", "field"), TRANSITION_CASES.values(), ids=TRANSITION_CASES.keys()
)
def test_bad_transition_is_refused(agent_api, ticket, payload, field):
    response = agent_api.post(ticket_url(ticket, "transition"), payload, format="json")

    assert_field_errors(response, field)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert rows() == (1, 0, 1)


# --- list filters ------------------------------------------------------------------------

FILTER_CASES = {
    "unknown status": ({"status": "bogus"}, "status"),
    "one bad status among good": ({"status": ["new", "bogus"]}, "status"),
    "unknown priority": ({"priority": "P9"}, "priority"),
    "unknown level": ({"level": "L9"}, "level"),
    "team by name": ({"team": "Service Desk"}, "team"),
    "unknown team": ({"team": 999_999}, "team"),
    "huge team id": ({"team": HUGE_INT}, "team"),
    "assignee by name": ({"assignee": "agent1"}, "assignee"),
    "unknown organization": ({"organization": 999_999}, "organization"),
    "category by name": ({"category": "Network"}, "category"),
    "created_after in words": ({"created_after": "yesterday"}, "created_after"),
    "impossible created_before": ({"created_before": "2025-13-45T99:00:00Z"}, "created_before"),
    "search too long": ({"q": "x" * 201}, "q"),
    "search with a NUL character": ({"q": "VPN\x00"}, "q"),
}


@pytest.mark.parametrize(("params", "field"), FILTER_CASES.values(), ids=FILTER_CASES.keys())
def test_bad_filter_is_400_with_a_message(agent_api, ticket, params, field):
    assert_field_errors(agent_api.get(TICKETS_URL, params), field)


@pytest.mark.parametrize("page", ["999", "0", "abc", "-1"])
def test_page_out_of_range_is_404(agent_api, ticket, page):
    response = agent_api.get(TICKETS_URL, {"page": page})

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "listed"),
    [
        ({"unassigned": "maybe"}, True),
        ({"ordering": "-bogus"}, True),
        ({"ordering": ",,,"}, True),
        ({"q": "%"}, False),  # a plain character, no wildcard: nothing holds it
    ],
)
def test_odd_but_harmless_parameters_are_ignored(agent_api, ticket, params, listed):
    response = agent_api.get(TICKETS_URL, params)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == ([ticket.pk] if listed else [])


# --- auth --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"username": "agent1"}, "password"),
        ({"password": "pw"}, "username"),
        ({"username": "", "password": ""}, "username"),
    ],
)
def test_token_request_with_missing_credentials_is_400(api, agent, payload, field):
    assert_field_errors(api.post(TOKEN_URL, payload, format="json"), field)


def test_token_request_with_a_list_body_is_400(api, agent):
    response = api.post(TOKEN_URL, "[]", content_type="application/json")

    assert_field_errors(response, "non_field_errors")


def test_malformed_token_header_is_401(api, ticket):
    for header in ("Token", "Token a b", "Token \x00"):
        assert api.get(TICKETS_URL, HTTP_AUTHORIZATION=header).status_code == 401


def test_an_unknown_field_does_not_hide_what_is_wrong_with_the_others(agent_api):
    response = agent_api.post(
        TICKETS_URL, valid_ticket(colour="red", title="", impact=9), format="json"
    )

    body = assert_field_errors(response, "colour", "title", "impact")
    assert "Unknown field" in body["colour"][0]
