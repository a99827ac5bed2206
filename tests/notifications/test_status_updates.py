"""The status update composer: on the ticket page, the escalation page and the API,
one update to exactly the chosen audiences, restarting the cadence."""

import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path

import notifications.admin  # noqa: F401  (registers the plan admin)
from config.urls import urlpatterns as site_urls
from escalations.demo import HANDOFF
from escalations.models import Escalation, EscalationTeamMember
from escalations.services import escalate, managed
from notifications.models import (
    CommunicationPlan,
    Delivery,
    Notification,
    StatusUpdate,
    UpdateCadence,
)
from notifications.services.status_updates import status_update_send
from tests.factories import CommunicationPlanFactory, UserFactory, create_ticket
from tests.notifications.conftest import T0
from tickets.models import Organization, Ticket, TicketEvent, User


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def outage(network_path, requester, clock):
    """A P1 ticket of Acme's in the Service Desk (its requester and one more person
    are Acme's contacts), with a managed escalation run by a director of IT
    Management, who works outside the ticket's team; its team has an expert and
    a vendor known by e-mail only."""
    CommunicationPlanFactory(priority="P1", audiences=["requester", "management"])
    contact = UserFactory(username="contact", email="contact@acme.example")
    Organization.objects.get(name="Acme").contacts.add(contact, requester)
    director = UserFactory(username="director")
    network_path.teams["MGMT"].members.add(director)
    agent1 = user("agent1")
    ticket = create_ticket(
        agent1, impact=1, urgency=1, title="Warsaw offline", requester_email=requester.email
    )
    escalation = managed.managed_escalation_open(
        ticket=ticket, actor=agent1, trigger="manual", reason="VIP outage", now=T0
    )
    Escalation.objects.filter(pk=escalation.pk).update(manager=director)
    EscalationTeamMember.objects.create(
        escalation=escalation, role="expert", user=UserFactory(username="expert")
    )
    EscalationTeamMember.objects.create(
        escalation=escalation,
        role="provider_contact",
        name="Vendor desk",
        contact="noc@vendor.example",
    )
    Notification.objects.all().delete()
    Delivery.objects.all().delete()
    return ticket


def update_inbox() -> set[str]:
    return set(
        Notification.objects.filter(kind="update.sent").values_list(
            "recipient__username", flat=True
        )
    )


def update_emails() -> set[str]:
    return set(
        Delivery.objects.filter(kind="update.sent", channel="email").values_list(
            "address", flat=True
        )
    )


# --- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audiences", "inbox", "emails"),
    [
        (
            ["requester", "organization"],
            {"customer", "contact"},
            {"customer@acme.example", "contact@acme.example"},
        ),
        (
            ["management"],
            {"manager", "director"},
            {"manager@example.com", "director@example.com"},
        ),
        (
            ["escalation_team"],
            {"director", "expert"},
            {"director@example.com", "expert@example.com", "noc@vendor.example"},
        ),
    ],
)
def test_an_update_reaches_exactly_the_chosen_audiences(outage, audiences, inbox, emails):
    status_update_send(
        ticket=outage, actor=user("agent1"), body="Core switch replaced.", audiences=audiences
    )
    assert update_inbox() == inbox
    assert update_emails() == emails
    delivery = Delivery.objects.filter(kind="update.sent").first()
    assert delivery.context["extra"]["body"] == "Core switch replaced."


def test_someone_in_several_audiences_hears_once_and_the_author_not_at_all(outage):
    status_update_send(
        ticket=outage,
        actor=user("director"),
        body="Vendor on site.",
        audiences=["requester", "organization", "escalation_team", "management"],
        escalation=Escalation.objects.get(ticket=outage),
    )
    assert update_inbox() == {"customer", "contact", "expert", "manager"}
    to_customer = Notification.objects.filter(kind="update.sent", recipient__username="customer")
    assert to_customer.count() == 1
    assert Delivery.objects.filter(kind="update.sent", address="customer@acme.example").count() == 1


def test_an_update_is_stored_audited_and_restarts_the_cadence(outage, clock):
    clock(40)
    update = status_update_send(
        ticket=outage, actor=user("agent1"), body="  Routing fixed.  ", audiences=["management"]
    )
    assert (update.body, update.audiences, update.author) == (
        "Routing fixed.",
        ["management"],
        user("agent1"),
    )
    cadence = outage.update_cadence
    cadence.refresh_from_db()
    assert cadence.last_update_at == T0 + timedelta(minutes=40)
    assert cadence.due_at == T0 + timedelta(minutes=70)
    event = TicketEvent.objects.get(ticket=outage, field="status_update")
    assert (event.kind, event.actor, event.new_value) == (
        "commented",
        user("agent1"),
        "Management chain",
    )


@pytest.mark.parametrize(
    ("body", "audiences", "errors"),
    [
        ("", ["requester"], {"body"}),
        ("x" * 20_001, ["requester"], {"body"}),
        ("Fine", [], {"audiences"}),
        ("Fine", ["requester", "press"], {"audiences"}),
        ("Fine", "requester", {"audiences"}),
        ("   ", [], {"body", "audiences"}),
    ],
)
def test_bad_input_is_refused_with_field_messages(outage, body, audiences, errors):
    with pytest.raises(ValidationError) as refused:
        status_update_send(ticket=outage, actor=user("agent1"), body=body, audiences=audiences)
    assert set(refused.value.message_dict) == errors
    assert not StatusUpdate.objects.exists()


def test_requesters_and_other_teams_may_not_send(outage, requester):
    for person in (requester, user("agent2")):
        with pytest.raises(PermissionDenied):
            status_update_send(ticket=outage, actor=person, body="Hi", audiences=["requester"])


def test_the_escalation_must_be_of_the_ticket(outage, network_path):
    other = create_ticket(user("agent1"), impact=1, urgency=1, title="Other")
    escalation = Escalation.objects.get(ticket=outage)
    with pytest.raises(ValidationError) as refused:
        status_update_send(
            ticket=other,
            actor=user("agent1"),
            body="Hi",
            audiences=["requester"],
            escalation=escalation,
        )
    assert set(refused.value.message_dict) == {"escalation"}


# --- the ticket page -----------------------------------------------------------------------


def test_ticket_page_shows_the_plan_due_time_in_the_viewers_zone_and_the_composer(client, outage):
    agent1 = user("agent1")
    agent1.time_zone = "Europe/Warsaw"
    agent1.save()
    UpdateCadence.objects.filter(ticket=outage).update(missed=2)
    client.force_login(agent1)
    page = client.get(outage.get_absolute_url()).content.decode()
    panel = page[page.index('id="status-update"') :]
    assert "P1: an update every 30 min" in panel
    due = panel[panel.index('id="update-due"') :][:300]
    assert "10:30" in due  # 09:30 UTC in Warsaw
    assert "CET" in due
    assert '<span class="badge text-bg-warning">2</span>' in panel
    # The plan's audiences come checked.
    checked = set(re.findall(r'name="audiences" value="(\w+)"[^>]*checked', panel))
    assert checked == {"requester", "management"}


def test_composer_sends_and_comes_back_with_a_message(client, outage):
    client.force_login(user("agent1"))
    response = client.post(
        f"/tickets/{outage.pk}/status-update/",
        {"audiences": ["requester"], "body": "Back up at 10:00."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == outage.get_absolute_url()
    page = response.content.decode()
    assert "Status update sent." in page
    assert "Back up at 10:00." in page[page.index('id="status-updates"') :]
    assert update_inbox() == {"customer"}


def test_composer_errors_come_back_on_the_page(client, outage):
    client.force_login(user("agent1"))
    response = client.post(f"/tickets/{outage.pk}/status-update/", {"body": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<details id="compose-update" open>' in page
    assert page.count("This field is required.") == 2
    assert not StatusUpdate.objects.exists()


def test_requesters_and_other_teams_get_a_404(client, outage, requester):
    for person in (requester, user("agent2")):
        client.force_login(person)
        response = client.post(
            f"/tickets/{outage.pk}/status-update/",
            {"audiences": ["requester"], "body": "Hi"},
        )
        assert response.status_code == 404
    client.force_login(requester)
    assert 'id="status-update"' not in client.get(outage.get_absolute_url()).content.decode()
    assert not StatusUpdate.objects.exists()


def test_ticket_page_query_count_does_not_grow_with_the_updates(client, outage):
    client.force_login(user("agent1"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(outage.get_absolute_url())
        assert page.status_code == 200
        newest = StatusUpdate.objects.latest("pk")
        assert f'data-status-update="{newest.pk}"' in page.content.decode()
        return len(queries.captured_queries)

    for _ in range(2):
        status_update_send(ticket=outage, actor=user("agent1"), body="x", audiences=["requester"])
    few = count()
    for _ in range(12):
        status_update_send(ticket=outage, actor=user("agent1"), body="y", audiences=["requester"])
    assert count() == few


# --- the escalation page -------------------------------------------------------------------


def test_escalation_manager_sends_from_the_escalation_page(client, outage):
    escalation = Escalation.objects.get(ticket=outage)
    client.force_login(user("director"))  # runs the escalation, outside the ticket's team
    assert client.get(outage.get_absolute_url()).status_code == 404
    page = client.get(f"/escalations/{escalation.pk}/").content.decode()
    assert 'id="status-update"' in page
    assert f'name="escalation" value="{escalation.pk}"' in page
    response = client.post(
        f"/tickets/{outage.pk}/status-update/",
        {"audiences": ["requester"], "body": "Management is on it.", "escalation": escalation.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/escalations/{escalation.pk}/"
    update = StatusUpdate.objects.get()
    assert (update.escalation, update.author) == (escalation, user("director"))
    # The requester's message leads to the ticket, which they may see.
    assert Notification.objects.get(kind="update.sent").url == outage.get_absolute_url()


def test_escalation_page_errors_come_back_on_it(client, outage):
    escalation = Escalation.objects.get(ticket=outage)
    client.force_login(user("director"))
    response = client.post(
        f"/tickets/{outage.pk}/status-update/",
        {"audiences": ["press"], "body": "x", "escalation": escalation.pk},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Escalation #" in page
    assert "Select a valid choice. press is not one of the available choices." in page


def test_an_escalation_of_another_ticket_is_a_404(client, outage):
    other = create_ticket(user("agent1"), impact=1, urgency=1, title="Other")
    escalation = Escalation.objects.get(ticket=outage)
    client.force_login(user("agent1"))
    response = client.post(
        f"/tickets/{other.pk}/status-update/",
        {"audiences": ["requester"], "body": "x", "escalation": escalation.pk},
    )
    assert response.status_code == 404


# --- the API -------------------------------------------------------------------------------


def test_api_sends_and_lists_updates(api_as, outage):
    api = api_as(user("agent1"))
    url = f"/api/v1/tickets/{outage.pk}/status-updates/"
    response = api.post(
        url, {"body": "Fixed the core switch.", "audiences": ["organization"]}, format="json"
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["audiences"] == ["organization"]
    assert created["ticket"] == outage.pk
    assert created["escalation"] is None
    assert update_inbox() == {"contact", "customer"}
    listed = api.get(url).json()
    assert [row["id"] for row in listed["results"]] == [created["id"]]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"audiences": ["requester"]}, {"body"}),
        ({"body": "x", "audiences": []}, {"audiences"}),
        ({"body": "x", "audiences": ["press"]}, {"audiences"}),
        ({"body": "x" * 20_001, "audiences": ["requester"]}, {"body"}),
        ({"body": "   ", "audiences": ["requester"]}, {"body"}),
        ({"body": "x", "audiences": ["requester"], "urgent": True}, {"urgent"}),
    ],
)
def test_api_bad_input_is_a_400_with_field_messages(api_as, outage, payload, fields):
    response = api_as(user("agent1")).post(
        f"/api/v1/tickets/{outage.pk}/status-updates/", payload, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == fields
    assert not StatusUpdate.objects.exists()


def test_api_requesters_and_other_teams_get_a_404(api_as, outage, requester):
    url = f"/api/v1/tickets/{outage.pk}/status-updates/"
    for person in (requester, user("agent2")):
        api = api_as(person)
        assert api.get(url).status_code == 404
        response = api.post(url, {"body": "x", "audiences": ["requester"]}, format="json")
        assert response.status_code == 404


def test_api_escalation_manager_sends_through_the_escalation(api_as, outage):
    escalation = Escalation.objects.get(ticket=outage)
    api = api_as(user("director"))
    url = f"/api/v1/tickets/{outage.pk}/status-updates/"
    assert api.get(url).status_code == 404
    response = api.post(
        url,
        {"body": "x", "audiences": ["requester"], "escalation": escalation.pk},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["escalation"] == escalation.pk
    assert api.get(url, {"escalation": escalation.pk}).json()["count"] == 1


@pytest.mark.parametrize("given", [[1], {"a": 1}, "abc", True, 1.5])
def test_api_a_malformed_escalation_is_a_400(api_as, outage, given):
    response = api_as(user("agent1")).post(
        f"/api/v1/tickets/{outage.pk}/status-updates/",
        {"body": "x", "audiences": ["requester"], "escalation": given},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"escalation"}


def test_the_expert_of_the_escalation_team_sends_too(api_as, outage, network_path):
    escalation = Escalation.objects.get(ticket=outage)
    expert = user("expert")
    network_path.teams["L3"].members.add(expert)  # an agent outside the ticket's team
    # named on the escalation team: reads the ticket (not in their list), and sends
    assert api_as(expert).get(f"/api/v1/tickets/{outage.pk}/").status_code == 200
    assert not api_as(expert).get("/api/v1/tickets/").json()["results"]
    response = api_as(expert).post(
        f"/api/v1/tickets/{outage.pk}/status-updates/",
        {"body": "x", "audiences": ["requester"], "escalation": escalation.pk},
        format="json",
    )
    assert response.status_code == 201
    sent = StatusUpdate.objects.get()
    assert (sent.ticket, sent.escalation, sent.author) == (outage, escalation, expert)


def test_a_closed_managed_escalation_no_longer_reaches_the_ticket(api_as, outage):
    escalation = Escalation.objects.get(ticket=outage)
    Escalation.objects.filter(pk=escalation.pk).update(status=Escalation.Status.CLOSED)
    api = api_as(user("director"))
    url = f"/api/v1/tickets/{outage.pk}/status-updates/"
    assert api.get(url, {"escalation": escalation.pk}).status_code == 404
    payload = {"body": "x", "audiences": ["requester"], "escalation": escalation.pk}
    assert api.post(url, payload, format="json").status_code == 404
    assert not StatusUpdate.objects.exists()


def test_a_rejected_request_does_not_reach_a_ticket_that_moved_away(api_as, network_path):
    """The agent who asked for an escalation that was rejected, of a ticket since
    handed to another team, still reads the ticket (as on its page: they asked to
    escalate it) but may not send updates on it."""
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=3, urgency=3, title="Printer jam")
    request = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    escalate.escalation_reject(escalation=request, actor=user("manager"), reason="Not yet")
    Ticket.objects.filter(pk=ticket.pk).update(team=network_path.teams["L3"], assignee=None)
    api = api_as(agent1)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200
    url = f"/api/v1/tickets/{ticket.pk}/status-updates/"
    assert api.get(url, {"escalation": request.pk}).status_code == 404
    payload = {"body": "x", "audiences": ["requester"], "escalation": request.pk}
    assert api.post(url, payload, format="json").status_code == 404
    assert not StatusUpdate.objects.exists()


# --- plans: API and admin ------------------------------------------------------------------


def test_plans_api_is_for_admins(api_as, agent, admin_user):
    assert api_as(agent).get("/api/v1/communication-plans/").status_code == 403
    api = api_as(admin_user)
    response = api.post(
        "/api/v1/communication-plans/",
        {"priority": "P2", "audiences": ["management", "requester"], "cadence_minutes": 120},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["audiences"] == ["requester", "management"]
    response = api.put(
        "/api/v1/communication-plans/P2/",
        {
            "priority": "P2",
            "audiences": ["requester"],
            "cadence_minutes": 60,
            "remind_before_minutes": 10,
            "is_active": True,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert CommunicationPlan.objects.get(priority="P2").cadence_minutes == 60
    listed = api.get("/api/v1/communication-plans/").json()
    assert [row["priority"] for row in listed] == ["P2"]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"priority": "P1", "audiences": [], "cadence_minutes": 30}, {"audiences"}),
        ({"priority": "P1", "audiences": ["press"], "cadence_minutes": 30}, {"audiences"}),
        ({"priority": "P1", "audiences": ["requester"], "cadence_minutes": 1}, {"cadence_minutes"}),
        ({"priority": "P9", "audiences": ["requester"], "cadence_minutes": 30}, {"priority"}),
    ],
)
def test_plans_api_refuses_bad_plans(api_as, admin_user, payload, fields):
    response = api_as(admin_user).post("/api/v1/communication-plans/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields


# The site with the admin as ``notifications.admin`` registers it.
urlpatterns = [path("admin/", admin.site.urls), *site_urls]


@pytest.mark.urls(__name__)
def test_admin_edits_plans_with_audience_checkboxes(client, admin_user):
    client.force_login(admin_user)
    form = client.get("/admin/notifications/communicationplan/add/").content.decode()
    assert re.search(r'type="checkbox" name="audiences" value="escalation_team"', form)
    response = client.post(
        "/admin/notifications/communicationplan/add/",
        {
            "priority": "P1",
            "audiences": ["management", "requester"],
            "cadence_minutes": 30,
            "remind_before_minutes": 5,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert CommunicationPlan.objects.get().audiences == ["requester", "management"]
    response = client.post(
        "/admin/notifications/communicationplan/add/",
        {"priority": "P2", "cadence_minutes": 30, "remind_before_minutes": 5},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    for name, model in (("statusupdate", StatusUpdate), ("updatecadence", UpdateCadence)):
        listing = client.get(f"/admin/notifications/{name}/")
        assert listing.status_code == 200
        assert listing.context["cl"].model is model
    assert client.get("/admin/notifications/statusupdate/add/").status_code == 403
