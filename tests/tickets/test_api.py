"""The tickets REST API under /api/v1/: auth, tickets, comments, events, filters, visibility."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import (
    CategoryFactory,
    CommentFactory,
    OrganizationFactory,
    TeamFactory,
    TicketFactory,
    UserFactory,
)
from tickets import services
from tickets.models import Comment, Status, Ticket, TicketEvent
from tickets.search import ticket_search_refresh

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TICKETS_URL = "/api/v1/tickets/"


def ticket_url(ticket, action=""):
    return f"{TICKETS_URL}{ticket.pk}/{action + '/' if action else ''}"


def new_ticket_payload(**fields):
    data = {
        "title": "VPN is down",
        "description": "Nobody in Warsaw can connect.",
        "requester_name": "Rita Requester",
        "requester_email": "rita@example.com",
    }
    data.update(fields)
    return data


def open_ticket(actor, **fields):
    """A ticket made through the service, with its creation event, as the API would."""
    return services.ticket_create(actor=actor, **new_ticket_payload(**fields))


def ids(response):
    return [row["id"] for row in response.json()["results"]]


# --- authentication ------------------------------------------------------------------


def test_token_is_issued_for_valid_credentials(api, agent):
    response = api.post(TOKEN_URL, {"username": "agent1", "password": "pw"})

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=agent).key}


def test_token_can_be_requested_with_a_json_body(api, agent):
    response = api.post(TOKEN_URL, {"username": "agent1", "password": "pw"}, format="json")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=agent).key


def test_same_token_is_returned_on_each_login(api, agent):
    first = api.post(TOKEN_URL, {"username": "agent1", "password": "pw"}).json()["token"]
    second = api.post(TOKEN_URL, {"username": "agent1", "password": "pw"}).json()["token"]

    assert first == second


def test_wrong_password_gets_400_and_no_token(api, agent):
    response = api.post(TOKEN_URL, {"username": "agent1", "password": "wrong"})

    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert not Token.objects.exists()


def test_unknown_user_gets_400(api, db):
    response = api.post(TOKEN_URL, {"username": "nobody", "password": "pw"})

    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_inactive_user_gets_no_token(api, agent):
    agent.is_active = False
    agent.save()

    response = api.post(TOKEN_URL, {"username": "agent1", "password": "pw"})

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_issued_token_authenticates_api_calls(api, agent, l1_team):
    ours = TicketFactory(team=l1_team)
    token = api.post(TOKEN_URL, {"username": "agent1", "password": "pw"}).json()["token"]

    response = api.get(TICKETS_URL, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200
    assert ids(response) == [ours.pk]  # what agent1 sees, so the token is agent1's


def test_unauthenticated_request_gets_401_with_token_challenge(api, db):
    response = api.get(TICKETS_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", TICKETS_URL),
        ("get", "/api/v1/teams/"),
        ("get", "/api/v1/categories/"),
        ("get", "/api/v1/organizations/"),
    ],
)
def test_every_resource_requires_authentication(api, db, method, path):
    assert getattr(api, method)(path, {}, format="json").status_code == 401


def test_unauthenticated_client_cannot_read_a_ticket(api, db):
    ticket = TicketFactory()

    assert api.get(ticket_url(ticket)).status_code == 401
    assert api.get(ticket_url(ticket, "comments")).status_code == 401


def test_unknown_token_gets_401(api, db):
    response = api.get(TICKETS_URL, HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401


def test_token_of_deactivated_user_gets_401(api_as, agent):
    client = api_as(agent)
    agent.is_active = False
    agent.save()

    assert client.get(TICKETS_URL).status_code == 401


def test_session_login_also_authenticates(api, agent, l1_team):
    ours = TicketFactory(team=l1_team)
    api.force_login(agent)

    response = api.get(TICKETS_URL)

    assert response.status_code == 200
    assert ids(response) == [ours.pk]


@pytest.fixture
def strict_login_throttle(monkeypatch):
    """Three token requests a minute, from a clean slate."""
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_token_endpoint_is_rate_limited(api, agent, strict_login_throttle):
    statuses = [
        api.post(
            TOKEN_URL, {"username": "agent1", "password": "guess"}, REMOTE_ADDR="203.0.113.7"
        ).status_code
        for _attempt in range(4)
    ]

    assert statuses == [400, 400, 400, 429]


def test_login_throttle_cannot_be_dodged_with_a_forged_forwarded_for(
    api, agent, strict_login_throttle
):
    statuses = [
        api.post(
            TOKEN_URL,
            {"username": "agent1", "password": "guess"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        ).status_code
        for attempt in range(4)
    ]

    assert statuses[-1] == 429


# --- creating tickets ------------------------------------------------------------------


def test_agent_creates_ticket(api_as, agent, l1_team):
    response = api_as(agent).post(TICKETS_URL, new_ticket_payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["id"] == ticket.pk
    assert body["reference"] == f"ESC-{ticket.pk:06d}"
    assert body["title"] == "VPN is down"
    assert body["requester_email"] == "rita@example.com"
    assert body["status"] == "new"
    assert body["allowed_transitions"] == ["open", "pending", "resolved"]
    assert body["team"] == {"id": l1_team.pk, "name": "Service Desk", "tier": "L1"}
    assert body["level"] == "L1"
    assert body["assignee"] is None
    assert (body["impact"], body["urgency"], body["priority"]) == (3, 3, "P3")
    assert ticket.created_by == agent


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [(1, 1, "P1"), (1, 2, "P1"), (2, 2, "P2"), (3, 1, "P2"), (2, 3, "P3"), (4, 4, "P4")],
)
def test_priority_is_derived_from_impact_and_urgency(
    api_as, agent, l1_team, impact, urgency, priority
):
    response = api_as(agent).post(
        TICKETS_URL, new_ticket_payload(impact=impact, urgency=urgency), format="json"
    )

    assert response.status_code == 201
    assert response.json()["priority"] == priority
    assert Ticket.objects.get().priority == priority


def test_created_ticket_has_a_created_event(api_as, agent, l1_team):
    response = api_as(agent).post(
        TICKETS_URL, new_ticket_payload(impact=1, urgency=2), format="json"
    )

    event = TicketEvent.objects.get(ticket_id=response.json()["id"])
    assert (event.kind, event.actor, event.field, event.new_value) == (
        "created",
        agent,
        "priority",
        "P1",
    )
    assert "impact 1 x urgency 2" in event.note


@pytest.mark.parametrize("missing", ["requester_name", "requester_email"])
def test_agent_must_name_the_requester(api_as, agent, l1_team, missing):
    payload = new_ticket_payload()
    del payload[missing]

    response = api_as(agent).post(TICKETS_URL, payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [missing]
    assert not Ticket.objects.exists()


def test_agent_names_a_known_requester_and_their_organization_follows(
    api_as, agent, requester, l1_team
):
    response = api_as(agent).post(
        TICKETS_URL,
        new_ticket_payload(requester_name="Customer", requester_email="CUSTOMER@acme.example"),
        format="json",
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get()
    assert ticket.requester == requester
    assert response.json()["organization"]["name"] == "Acme"


def test_agent_creates_ticket_with_category_organization_and_flags(api_as, agent, l1_team):
    category = CategoryFactory(name="Network")
    organization = OrganizationFactory(name="Globex", tier="vip")

    response = api_as(agent).post(
        TICKETS_URL,
        new_ticket_payload(
            category=category.pk,
            organization=organization.pk,
            is_security=True,
            is_major_outage=True,
            requester_language="pl",
        ),
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["category"]["name"] == "Network"
    assert body["organization"] == {"id": organization.pk, "name": "Globex", "tier": "vip"}
    assert (body["is_security"], body["is_major_outage"], body["is_safety"]) == (
        True,
        True,
        False,
    )
    assert body["requester_language"] == "pl"


def test_agent_creates_ticket_assigned_to_a_team_member(api_as, agent, l1_team):
    colleague = UserFactory(username="colleague")
    l1_team.members.add(colleague)

    response = api_as(agent).post(
        TICKETS_URL, new_ticket_payload(assignee=colleague.pk), format="json"
    )

    assert response.status_code == 201
    assert response.json()["assignee"]["username"] == "colleague"
    ticket = Ticket.objects.get()
    assert list(ticket.events.values_list("kind", flat=True)) == ["created", "assigned"]


def test_agent_can_file_a_ticket_straight_to_another_team(api_as, agent, l1_team, l2_team):
    response = api_as(agent).post(TICKETS_URL, new_ticket_payload(team=l2_team.pk), format="json")

    assert response.status_code == 201
    assert response.json()["team"]["id"] == l2_team.pk
    assert response.json()["level"] == "L2"
    assert Ticket.objects.get().team == l2_team


def test_form_encoded_create_is_accepted(api_as, agent, l1_team):
    response = api_as(agent).post(TICKETS_URL, new_ticket_payload(impact=2, urgency=2))

    assert response.status_code == 201
    assert response.json()["priority"] == "P2"


def test_requester_files_a_ticket_for_themself(api_as, requester, l1_team):
    response = api_as(requester).post(
        TICKETS_URL,
        {
            "title": "Printer on fire",
            "description": "Really.",
            # their own details, as a client filling them from the account sends them
            "requester_name": str(requester),
            "requester_email": "Customer@ACME.example",
            "organization": requester.organization_id,
            "requester_language": "fr",
            "impact": 2,
            "urgency": 1,
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["requester_email"] == "customer@acme.example"
    assert body["organization"]["name"] == "Acme"
    assert body["priority"] == "P1"
    ticket = Ticket.objects.get()
    assert ticket.requester == requester
    assert ticket.requester_name == str(requester)
    assert ticket.requester_language == "fr"
    assert ticket.team == l1_team


def test_requester_cannot_file_as_someone_else(api_as, requester, l1_team):
    elsewhere = OrganizationFactory(name="Elsewhere")

    response = api_as(requester).post(
        TICKETS_URL,
        {
            "title": "Printer on fire",
            "description": "Really.",
            "requester_name": "Someone Else",
            "requester_email": "someone@else.example",
            "organization": elsewhere.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    said = "You file tickets for yourself: this comes from your account."
    assert response.json() == {
        "requester_name": [said],
        "requester_email": [said],
        "organization": [said],
    }
    assert not Ticket.objects.exists()


def test_requester_needs_no_requester_fields(api_as, requester, l1_team):
    response = api_as(requester).post(
        TICKETS_URL, {"title": "Help", "description": "Broken."}, format="json"
    )

    assert response.status_code == 201
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.requester, ticket.requester_email) == (requester, "customer@acme.example")
    assert ticket.requester_name == str(requester)


def test_requester_cannot_choose_the_team(api_as, requester, l1_team, l2_team):
    response = api_as(requester).post(
        TICKETS_URL, {"title": "Help", "description": "x", "team": l2_team.pk}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Ticket.objects.exists()


def test_requester_cannot_choose_the_assignee(api_as, requester, agent):
    response = api_as(requester).post(
        TICKETS_URL, {"title": "Help", "description": "x", "assignee": agent.pk}, format="json"
    )

    assert response.status_code == 403
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


@pytest.mark.parametrize("flag", ["is_security", "is_safety", "is_legal", "is_major_outage"])
def test_requester_cannot_set_flags(api_as, requester, l1_team, flag):
    response = api_as(requester).post(
        TICKETS_URL, {"title": "Help", "description": "x", flag: True}, format="json"
    )

    assert response.status_code == 403
    assert not Ticket.objects.exists()


# --- list and retrieve -------------------------------------------------------------------


def test_list_is_paginated_newest_first(api_as, admin_user):
    tickets = TicketFactory.create_batch(3)

    response = api_as(admin_user).get(TICKETS_URL)

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    assert ids(response) == [t.pk for t in reversed(tickets)]


def test_retrieve_shows_the_ticket(api_as, agent, l1_team):
    category = CategoryFactory(name="Network")
    ticket = TicketFactory(
        team=l1_team, assignee=agent, category=category, impact=1, urgency=1, priority="P1"
    )

    response = api_as(agent).get(ticket_url(ticket))

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ticket.pk
    assert body["reference"] == ticket.reference
    assert body["assignee"] == {"id": agent.pk, "username": "agent1", "name": str(agent)}
    assert body["category"]["name"] == "Network"
    assert body["priority"] == "P1"
    assert body["organization"] is None


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_retrieve_of_missing_ticket_is_404(api_as, admin_user, pk):
    assert api_as(admin_user).get(f"{TICKETS_URL}{pk}/").status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_tickets_cannot_be_replaced_or_deleted(api_as, admin_user, method):
    ticket = TicketFactory()

    response = getattr(api_as(admin_user), method)(ticket_url(ticket), {}, format="json")

    assert response.status_code == 405
    assert Ticket.objects.filter(pk=ticket.pk).exists()


# --- partial update ----------------------------------------------------------------------


def test_impact_change_recomputes_priority_and_writes_events(api_as, agent, l1_team):
    ticket = open_ticket(agent)  # impact 3 x urgency 3 = P3

    response = api_as(agent).patch(ticket_url(ticket), {"impact": 1}, format="json")

    assert response.status_code == 200
    assert (response.json()["impact"], response.json()["priority"]) == (1, "P2")
    ticket.refresh_from_db()
    assert ticket.priority == "P2"
    events = list(
        ticket.events.exclude(kind="created").values_list(
            "kind", "field", "old_value", "new_value", "actor"
        )
    )
    assert events == [
        ("changed", "impact", "3", "1", agent.pk),
        ("priority", "priority", "P3", "P2", agent.pk),
    ]


def test_change_that_keeps_the_priority_writes_no_priority_event(api_as, agent, l1_team):
    ticket = open_ticket(agent, impact=3, urgency=4)  # P4

    response = api_as(agent).patch(ticket_url(ticket), {"impact": 4}, format="json")

    assert response.json()["priority"] == "P4"
    assert list(ticket.events.exclude(kind="created").values_list("kind", flat=True)) == ["changed"]


def test_patch_of_several_fields_writes_one_event_each(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).patch(
        ticket_url(ticket), {"title": "VPN down in Warsaw", "is_legal": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["title"] == "VPN down in Warsaw"
    assert response.json()["is_legal"] is True
    changed = set(ticket.events.filter(kind="changed").values_list("field", "new_value"))
    assert changed == {("title", "VPN down in Warsaw"), ("is_legal", "yes")}


def test_patch_with_unchanged_values_writes_no_event(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).patch(ticket_url(ticket), {"title": ticket.title}, format="json")

    assert response.status_code == 200
    assert ticket.events.count() == 1


def test_agent_assigns_a_ticket_to_a_team_member(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).patch(ticket_url(ticket), {"assignee": agent.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["assignee"]["id"] == agent.pk
    event = ticket.events.get(kind="assigned")
    assert (event.old_value, event.new_value) == ("", str(agent))


def test_agent_hands_a_ticket_to_another_team(api_as, agent, l1_team, l2_team):
    ticket = open_ticket(agent, assignee=agent)

    response = api_as(agent).patch(ticket_url(ticket), {"team": l2_team.pk}, format="json")

    assert response.status_code == 200
    assert response.json()["team"]["id"] == l2_team.pk
    assert response.json()["assignee"] is None
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (l2_team, None)
    # The ticket has left the agent's work: they opened it, so they may still read it
    # (as on its page), but no longer change it, and their list no longer holds it.
    api = api_as(agent)
    assert api.get(ticket_url(ticket)).status_code == 200
    assert api.patch(ticket_url(ticket), {"urgency": 1}, format="json").status_code == 404
    assert not api.get("/api/v1/tickets/").json()["results"]


def test_requester_cannot_edit_their_ticket(api_as, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")

    response = api_as(requester).patch(ticket_url(ticket), {"title": "Hacked"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.title == "Help"
    assert ticket.events.count() == 1


# --- comments ----------------------------------------------------------------------------


def test_agent_lists_replies_and_internal_notes_in_order(api_as, agent, l1_team):
    ticket = TicketFactory(team=l1_team)
    first = CommentFactory(ticket=ticket, body="Hello", is_public=True)
    second = CommentFactory(ticket=ticket, body="Looks like DNS", is_public=False)

    response = api_as(agent).get(ticket_url(ticket, "comments"))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(c["id"], c["body"], c["is_public"]) for c in body["results"]] == [
        (first.pk, "Hello", True),
        (second.pk, "Looks like DNS", False),
    ]
    assert body["results"][0]["author"]["id"] == first.author_id


def test_requester_sees_only_public_comments(api_as, requester, l1_team):
    ticket = TicketFactory(team=l1_team, requester_email=requester.email)
    public = CommentFactory(ticket=ticket, is_public=True)
    CommentFactory(ticket=ticket, is_public=False, body="Customer is wrong")

    response = api_as(requester).get(ticket_url(ticket, "comments"))

    assert response.status_code == 200
    assert ids(response) == [public.pk]


def test_agent_adds_an_internal_note(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).post(
        ticket_url(ticket, "comments"), {"body": "Checking logs", "is_public": False}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["body"], body["is_public"], body["author"]["id"]) == (
        "Checking logs",
        False,
        agent.pk,
    )
    comment = Comment.objects.get()
    assert body["id"] == comment.pk
    event = ticket.events.get(kind="commented")
    assert (event.new_value, event.actor) == (str(comment.pk), agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_comment_is_public_by_default_and_agent_reply_opens_new_ticket(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).post(
        ticket_url(ticket, "comments"), {"body": "We are on it."}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["is_public"] is True
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_requester_replies_to_their_ticket(api_as, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")

    response = api_as(requester).post(
        ticket_url(ticket, "comments"), {"body": "Any news?"}, format="json"
    )

    assert response.status_code == 201
    assert Comment.objects.get().author == requester


def test_requester_cannot_post_internal_notes(api_as, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")

    response = api_as(requester).post(
        ticket_url(ticket, "comments"), {"body": "psst", "is_public": False}, format="json"
    )

    assert response.status_code == 403
    assert not Comment.objects.exists()
    assert ticket.events.count() == 1


def test_comments_are_paginated(api_as, agent, l1_team):
    ticket = TicketFactory(team=l1_team)
    CommentFactory.create_batch(3, ticket=ticket)

    response = api_as(agent).get(ticket_url(ticket, "comments"), {"page_size": 2})

    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2
    assert response.json()["next"]


# --- events ------------------------------------------------------------------------------


def test_events_list_the_audit_trail_in_order(api_as, agent, l1_team):
    ticket = open_ticket(agent)
    services.ticket_update(ticket=ticket, actor=agent, data={"urgency": 1})
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.OPEN)

    response = api_as(agent).get(ticket_url(ticket, "events"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["kind"], r["field"], r["old_value"], r["new_value"]) for r in rows] == [
        ("created", "priority", "", "P3"),
        ("changed", "urgency", "3", "1"),
        ("priority", "priority", "P3", "P2"),
        ("status", "status", "new", "open"),
    ]
    assert rows[0]["actor"]["username"] == "agent1"
    assert set(rows[0]) == {
        "id",
        "kind",
        "field",
        "old_value",
        "new_value",
        "note",
        "note_key",
        "note_params",
        "actor",
        "created_at",
    }


def test_requester_sees_only_creation_and_status_events(api_as, agent, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")
    services.comment_add(ticket=ticket, actor=agent, body="internal", is_public=False)
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 1})
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.OPEN)

    response = api_as(requester).get(ticket_url(ticket, "events"))

    assert [r["kind"] for r in response.json()["results"]] == ["created", "status"]


# --- transitions -------------------------------------------------------------------------


def test_valid_transition_changes_the_status(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).post(
        ticket_url(ticket, "transition"), {"status": "open", "note": "Looking"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["allowed_transitions"] == ["pending", "resolved"]
    event = ticket.events.get(kind="status")
    assert (event.old_value, event.new_value, event.note, event.actor) == (
        "new",
        "open",
        "Looking",
        agent,
    )


def test_resolving_stamps_resolved_at_and_reopening_clears_it(api_as, agent, l1_team):
    ticket = open_ticket(agent)
    client = api_as(agent)

    resolved = client.post(ticket_url(ticket, "transition"), {"status": "resolved"}, format="json")
    reopened = client.post(ticket_url(ticket, "transition"), {"status": "open"}, format="json")

    assert resolved.json()["resolved_at"] is not None
    assert reopened.json()["resolved_at"] is None


def test_invalid_transition_is_400_with_a_message_on_status(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).post(
        ticket_url(ticket, "transition"), {"status": "closed"}, format="json"
    )

    assert response.status_code == 400
    messages = response.json()["status"]
    assert "cannot go from New to Closed" in messages[0]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not ticket.events.filter(kind="status").exists()


def test_transition_to_the_current_status_is_400(api_as, agent, l1_team):
    ticket = open_ticket(agent)

    response = api_as(agent).post(
        ticket_url(ticket, "transition"), {"status": "new"}, format="json"
    )

    assert response.status_code == 400
    assert "already" in response.json()["status"][0]


def test_closed_ticket_allows_no_transition(api_as, admin_user):
    ticket = TicketFactory(status=Status.CLOSED)

    response = api_as(admin_user).post(
        ticket_url(ticket, "transition"), {"status": "open"}, format="json"
    )

    assert response.status_code == 400
    assert "none" in response.json()["status"][0]


def test_requester_may_close_their_resolved_ticket(api_as, agent, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.RESOLVED)

    response = api_as(requester).post(
        ticket_url(ticket, "transition"), {"status": "closed"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_requester_cannot_resolve_their_ticket(api_as, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")

    response = api_as(requester).post(
        ticket_url(ticket, "transition"), {"status": "resolved"}, format="json"
    )

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


# --- filters -----------------------------------------------------------------------------


@pytest.fixture
def admin_api(api_as, admin_user):
    return api_as(admin_user)


def test_filter_by_several_statuses(admin_api):
    new = TicketFactory(status=Status.NEW)
    pending = TicketFactory(status=Status.PENDING)
    TicketFactory(status=Status.OPEN)
    TicketFactory(status=Status.CLOSED)

    response = admin_api.get(TICKETS_URL, {"status": ["new", "pending"]})

    assert response.status_code == 200
    assert sorted(ids(response)) == sorted([new.pk, pending.pk])


def test_filter_by_priority(admin_api):
    p1 = TicketFactory(impact=1, urgency=1)
    p2 = TicketFactory(impact=2, urgency=2)
    TicketFactory(impact=4, urgency=4)

    assert ids(admin_api.get(TICKETS_URL, {"priority": "P1"})) == [p1.pk]
    assert sorted(ids(admin_api.get(TICKETS_URL, {"priority": ["P1", "P2"]}))) == [p1.pk, p2.pk]


def test_filter_by_team(admin_api, l1_team, l2_team):
    mine = TicketFactory(team=l2_team)
    TicketFactory(team=l1_team)

    assert ids(admin_api.get(TICKETS_URL, {"team": l2_team.pk})) == [mine.pk]


def test_filter_by_level(admin_api, l1_team, l2_team):
    l2 = TicketFactory(team=l2_team)
    TicketFactory(team=l1_team)

    assert ids(admin_api.get(TICKETS_URL, {"level": "L2"})) == [l2.pk]
    assert ids(admin_api.get(TICKETS_URL, {"level": "L3"})) == []


def test_filter_by_assignee_and_unassigned(admin_api, agent, l1_team):
    assigned = TicketFactory(team=l1_team, assignee=agent)
    unassigned = TicketFactory(team=l1_team)

    assert ids(admin_api.get(TICKETS_URL, {"assignee": agent.pk})) == [assigned.pk]
    assert ids(admin_api.get(TICKETS_URL, {"unassigned": "true"})) == [unassigned.pk]
    assert ids(admin_api.get(TICKETS_URL, {"unassigned": "false"})) == [assigned.pk]


def test_filter_by_organization(admin_api):
    acme = OrganizationFactory(name="Acme")
    theirs = TicketFactory(organization=acme)
    TicketFactory(organization=OrganizationFactory(name="Globex"))
    TicketFactory()

    assert ids(admin_api.get(TICKETS_URL, {"organization": acme.pk})) == [theirs.pk]


def test_filter_by_category(admin_api):
    network = CategoryFactory(name="Network")
    match = TicketFactory(category=network)
    TicketFactory(category=CategoryFactory(name="Email"))

    assert ids(admin_api.get(TICKETS_URL, {"category": network.pk})) == [match.pk]


def test_filter_by_creation_time(admin_api):
    start = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    tickets = TicketFactory.create_batch(3)
    for day, ticket in enumerate(tickets):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=start + dt.timedelta(days=day))
    before, at, after = tickets

    response = admin_api.get(TICKETS_URL, {"created_after": "2025-03-02T12:00:00Z"})
    assert sorted(ids(response)) == [at.pk, after.pk]

    response = admin_api.get(TICKETS_URL, {"created_before": "2025-03-02T12:00:00Z"})
    assert ids(response) == [before.pk]

    response = admin_api.get(
        TICKETS_URL,
        {"created_after": "2025-03-02T00:00:00+00:00", "created_before": "2025-03-03T00:00:00Z"},
    )
    assert ids(response) == [at.pk]


def test_creation_time_filter_understands_time_zones(admin_api):
    ticket = TicketFactory()
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
    )

    # 13:30 in Warsaw (UTC+1 in March) is 12:30 UTC: after the ticket.
    response = admin_api.get(TICKETS_URL, {"created_after": "2025-03-01T13:30:00+01:00"})
    assert ids(response) == []
    response = admin_api.get(TICKETS_URL, {"created_before": "2025-03-01T13:30:00+01:00"})
    assert ids(response) == [ticket.pk]


@pytest.mark.parametrize(
    "query", ["printer", "PRINTER", "paper jam", "rita@acme", "Rita Acme", "  printer  "]
)
def test_text_search(admin_api, query):
    match = TicketFactory(
        title="Printer broken",
        description="Paper jam on floor 2",
        requester_email="rita@acme.example",
        requester_name="Rita Acme",
    )
    other = TicketFactory(title="VPN down", description="Nothing", requester_name="Bob")
    # The services keep the search index; factories write rows directly.
    ticket_search_refresh(ticket_ids=[match.pk, other.pk])

    assert ids(admin_api.get(TICKETS_URL, {"q": query})) == [match.pk]


@pytest.mark.parametrize("query", ["ESC-000123", "esc-000123", "ESC-123", "000123", "123"])
def test_search_by_reference(admin_api, query):
    match = TicketFactory(id=123, title="Something")
    TicketFactory(id=124, title="Other")

    assert ids(admin_api.get(TICKETS_URL, {"q": query})) == [match.pk]


def test_blank_search_returns_everything(admin_api):
    TicketFactory.create_batch(2)

    assert admin_api.get(TICKETS_URL, {"q": "   "}).json()["count"] == 2


def test_filters_combine(admin_api, l1_team, l2_team):
    match = TicketFactory(team=l2_team, status=Status.OPEN, impact=1, urgency=1)
    TicketFactory(team=l2_team, status=Status.NEW, impact=1, urgency=1)
    TicketFactory(team=l1_team, status=Status.OPEN, impact=1, urgency=1)
    TicketFactory(team=l2_team, status=Status.OPEN, impact=4, urgency=4)

    response = admin_api.get(TICKETS_URL, {"team": l2_team.pk, "status": "open", "priority": "P1"})

    assert ids(response) == [match.pk]


def test_ordering_by_priority(admin_api):
    p3 = TicketFactory(impact=3, urgency=3)
    p1 = TicketFactory(impact=1, urgency=1)
    p4 = TicketFactory(impact=4, urgency=4)

    assert ids(admin_api.get(TICKETS_URL, {"ordering": "priority"})) == [p1.pk, p3.pk, p4.pk]
    assert ids(admin_api.get(TICKETS_URL, {"ordering": "-priority"})) == [p4.pk, p3.pk, p1.pk]


def test_ordering_by_creation_time(admin_api):
    tickets = TicketFactory.create_batch(3)
    now = timezone.now()
    for age, ticket in zip([1, 3, 2], tickets, strict=True):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(hours=age))
    newest, oldest, middle = tickets

    assert ids(admin_api.get(TICKETS_URL)) == [newest.pk, middle.pk, oldest.pk]
    assert ids(admin_api.get(TICKETS_URL, {"ordering": "created_at"})) == [
        oldest.pk,
        middle.pk,
        newest.pk,
    ]


def test_ordering_by_several_fields(admin_api):
    a = TicketFactory(status=Status.OPEN, impact=1, urgency=1)
    b = TicketFactory(status=Status.NEW, impact=4, urgency=4)
    c = TicketFactory(status=Status.NEW, impact=1, urgency=1)

    response = admin_api.get(TICKETS_URL, {"ordering": "status,priority"})

    assert ids(response) == [c.pk, b.pk, a.pk]


def test_ordering_by_an_unknown_field_is_ignored(admin_api):
    tickets = TicketFactory.create_batch(2)

    response = admin_api.get(TICKETS_URL, {"ordering": "requester_email"})

    assert response.status_code == 200
    assert ids(response) == [t.pk for t in reversed(tickets)]


def test_page_size_and_pages(admin_api):
    tickets = TicketFactory.create_batch(5)
    newest_first = [t.pk for t in reversed(tickets)]

    first = admin_api.get(TICKETS_URL, {"page_size": 2})
    third = admin_api.get(TICKETS_URL, {"page_size": 2, "page": 3})

    assert first.json()["count"] == 5
    assert ids(first) == newest_first[:2]
    assert "page=2" in first.json()["next"]
    assert ids(third) == newest_first[4:]
    assert third.json()["next"] is None


def make_many_tickets(count, **fields):
    team = fields.pop("team", None) or TeamFactory()
    Ticket.objects.bulk_create(
        Ticket(
            title=f"Bulk {n}",
            description="x",
            requester_name="R",
            requester_email=f"r{n}@example.com",
            priority="P3",
            team=team,
            **fields,
        )
        for n in range(count)
    )


def test_default_page_size_is_50(admin_api):
    make_many_tickets(51)

    response = admin_api.get(TICKETS_URL)

    assert len(response.json()["results"]) == 50
    assert response.json()["next"]


def test_page_size_up_to_200_and_bigger_is_capped(admin_api):
    make_many_tickets(205)

    assert len(admin_api.get(TICKETS_URL, {"page_size": 200}).json()["results"]) == 200
    capped = admin_api.get(TICKETS_URL, {"page_size": 1000}).json()
    assert len(capped["results"]) == 200
    assert capped["count"] == 205


@pytest.mark.parametrize("page_size", ["0", "-5", "abc"])
def test_nonsense_page_size_falls_back_to_the_default(admin_api, page_size):
    make_many_tickets(51)

    response = admin_api.get(TICKETS_URL, {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 50


# --- who sees what -----------------------------------------------------------------------


@pytest.fixture
def spread(l1_team, l2_team, agent, requester):
    """One ticket per situation: L1's, L2's, L2's assigned to the L1 agent, the requester's."""
    return {
        "l1": TicketFactory(team=l1_team),
        "l2": TicketFactory(team=l2_team),
        "l2_assigned_to_agent": TicketFactory(team=l2_team, assignee=agent),
        "requesters": TicketFactory(team=l2_team, requester_email="Customer@ACME.example"),
        "no_team": TicketFactory(team=None),
    }


def test_admin_sees_every_ticket(api_as, admin_user, spread):
    response = api_as(admin_user).get(TICKETS_URL)

    assert sorted(ids(response)) == sorted(t.pk for t in spread.values())


def test_agent_sees_own_teams_tickets_and_tickets_assigned_to_them(api_as, agent, spread):
    response = api_as(agent).get(TICKETS_URL)

    assert sorted(ids(response)) == sorted([spread["l1"].pk, spread["l2_assigned_to_agent"].pk])
    detail = api_as(agent).get(ticket_url(spread["l2_assigned_to_agent"]))
    assert detail.status_code == 200
    assert detail.json()["id"] == spread["l2_assigned_to_agent"].pk


def test_agent_in_several_teams_sees_all_of_them(api_as, agent, l2_team, spread):
    l2_team.members.add(agent)

    response = api_as(agent).get(TICKETS_URL)

    assert sorted(ids(response)) == sorted(t.pk for name, t in spread.items() if name != "no_team")


def test_team_manager_sees_the_teams_tickets(api_as, l2_team, spread):
    manager = UserFactory(username="manager")
    l2_team.manager = manager
    l2_team.save()

    response = api_as(manager).get(TICKETS_URL)

    assert sorted(ids(response)) == sorted(
        [spread["l2"].pk, spread["l2_assigned_to_agent"].pk, spread["requesters"].pk]
    )


def test_requester_sees_only_tickets_with_their_email(api_as, requester, spread):
    response = api_as(requester).get(TICKETS_URL)

    assert ids(response) == [spread["requesters"].pk]
    detail = api_as(requester).get(ticket_url(spread["requesters"]))
    assert detail.status_code == 200
    assert detail.json()["reference"] == spread["requesters"].reference


def test_filters_cannot_widen_what_an_agent_sees(api_as, agent, l2_team, spread):
    response = api_as(agent).get(TICKETS_URL, {"team": l2_team.pk})

    assert ids(response) == [spread["l2_assigned_to_agent"].pk]


OUT_OF_REACH_CALLS = [
    ("get", "", None),
    ("patch", "", {"title": "Hijacked"}),
    ("get", "comments", None),
    ("post", "comments", {"body": "Hello from outside"}),
    ("get", "events", None),
    ("post", "transition", {"status": "open"}),
]


def assert_untouched(ticket):
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.title, fresh.status) == (ticket.title, ticket.status)
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


@pytest.mark.parametrize(("method", "action", "payload"), OUT_OF_REACH_CALLS)
def test_agent_of_other_team_gets_404(api_as, other_agent, spread, method, action, payload):
    ticket = spread["l1"]

    response = getattr(api_as(other_agent), method)(
        ticket_url(ticket, action), payload, format="json"
    )

    assert response.status_code == 404
    assert_untouched(ticket)


@pytest.mark.parametrize(("method", "action", "payload"), OUT_OF_REACH_CALLS)
def test_requester_gets_404_on_other_peoples_tickets(
    api_as, requester, spread, method, action, payload
):
    ticket = spread["l1"]

    response = getattr(api_as(requester), method)(
        ticket_url(ticket, action), payload, format="json"
    )

    assert response.status_code == 404
    assert_untouched(ticket)


def test_requester_without_email_sees_tickets_filed_with_their_account(api_as, l1_team):
    nomail = UserFactory(username="nomail", email="")
    theirs = TicketFactory(team=l1_team, requester=nomail)
    TicketFactory(team=l1_team, requester_email="")

    assert ids(api_as(nomail).get(TICKETS_URL)) == [theirs.pk]


# --- reference resources -----------------------------------------------------------------


def test_teams_and_categories_are_listed(api_as, agent, l1_team, l2_team):
    CategoryFactory(name="Network")
    client = api_as(agent)

    teams = client.get("/api/v1/teams/").json()["results"]
    categories = client.get("/api/v1/categories/").json()["results"]

    assert [t["name"] for t in teams] == ["Service Desk", "Network Engineering"]
    assert [c["name"] for c in categories] == ["Network"]


def test_requester_sees_only_their_organization(api_as, requester):
    OrganizationFactory(name="Globex")

    response = api_as(requester).get("/api/v1/organizations/")

    assert [o["name"] for o in response.json()["results"]] == ["Acme"]


# --- query count -------------------------------------------------------------------------

# Token + user, the user's teams, the page count, the page with its joins, its SLA clocks.
TICKET_LIST_QUERIES = 5


@pytest.mark.parametrize("page_size", [5, 50])
def test_ticket_list_query_count_does_not_grow_with_the_page(
    api_as, agent, l1_team, django_assert_num_queries, page_size
):
    organization = OrganizationFactory(name="Acme")
    category = CategoryFactory(name="Network")
    for _n in range(60):
        TicketFactory(team=l1_team, assignee=agent, organization=organization, category=category)
    client = api_as(agent)

    with django_assert_num_queries(TICKET_LIST_QUERIES):
        response = client.get(TICKETS_URL, {"page_size": page_size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
