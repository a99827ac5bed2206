"""Edges of working escalations: extreme dates, owners, closed tickets, path rules
shared by admin and API, the reason on the page, and hand-overs."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from escalations.models import Escalation, EscalationPath
from escalations.services import escalate, managed, managed_team, reviews
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import create_ticket
from tickets import services
from tickets.models import Team, TicketEvent


@pytest.fixture
def opened(network_path, policy):
    """A managed escalation, active, run by the manager."""
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    return Escalation.objects.get(ticket=ticket, kind="hierarchical")


@pytest.mark.parametrize(
    ("field", "moment"),
    [
        ("until", datetime(9999, 12, 31, 23, 0, tzinfo=ZoneInfo("America/New_York"))),
        ("until", datetime(9999, 12, 31, 10, 0, tzinfo=UTC)),
        ("due_at", datetime(1, 1, 1, 1, 0, tzinfo=ZoneInfo("Asia/Tokyo"))),
        ("due_at", datetime(1969, 12, 31, 23, 0, tzinfo=UTC)),
    ],
)
def test_dates_no_page_could_show_are_field_errors(opened, field, moment):
    if field == "until":
        step = lambda: managed.managed_escalation_monitor(  # noqa: E731
            escalation=opened, actor=user("manager"), until=moment
        )
    else:
        step = lambda: managed_team.action_item_add(  # noqa: E731
            escalation=opened, actor=user("manager"), description="x", due_at=moment
        )
    with pytest.raises(ValidationError) as refused:
        step()
    assert set(refused.value.message_dict) == {field}


def test_an_action_due_in_the_past_is_refused_on_the_page_and_keeps_what_was_typed(client, opened):
    client.force_login(user("manager"))
    response = client.post(
        reverse("escalations:action_add", args=[opened.pk]),
        {"description": "Call the vendor back", "due_at": "2020-01-01T10:00"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "An action is due from now on, not in the past." in page
    assert "Call the vendor back" in page
    assert not opened.action_items.exists()

    soon = timezone.now() - timedelta(seconds=30)  # "now", picked a moment ago
    item = managed_team.action_item_add(
        escalation=opened, actor=user("manager"), description="Now", due_at=soon
    )
    assert item.due_at == soon


def test_a_far_date_on_the_page_is_a_form_error_in_the_viewers_zone(client, opened):
    boss = user("manager")
    boss.time_zone = "America/New_York"
    boss.save()
    client.force_login(boss)
    response = client.post(
        reverse("escalations:monitor", args=[opened.pk]), {"until": "9999-12-31T23:00"}
    )
    assert response.status_code == 400
    assert "between 1970 and 9998" in response.content.decode()
    opened.refresh_from_db()
    assert opened.status == "active"


def test_the_monitoring_note_gives_the_time_in_utc(opened):
    warsaw = datetime.now(ZoneInfo("Europe/Warsaw")).replace(microsecond=0) + timedelta(days=3)
    managed.managed_escalation_monitor(escalation=opened, actor=user("manager"), until=warsaw)
    note = TicketEvent.objects.filter(ticket=opened.ticket, note__startswith="Monitoring period")
    event = note.get()
    # The stored English text keeps the instant in UTC (ISO 8601); readers get their zone.
    assert event.note == f"Monitoring period set: it ends {warsaw.astimezone(UTC).isoformat()}."
    assert event.note_key == "escalation.monitoring"
    assert event.note_params == {"until": warsaw.astimezone(UTC).isoformat()}


def test_an_action_owner_must_be_an_agent_in_the_api_too(api_as, opened, requester):
    url = f"/api/v1/escalations/{opened.pk}/action-items/"
    api = api_as(user("manager"))
    refused = api.post(url, {"description": "Call the vendor", "owner": requester.pk})
    assert refused.status_code == 400
    assert set(refused.json()) == {"owner"}
    agent = user("agent2")
    assert api.post(url, {"description": "Call the vendor", "owner": agent.pk}).status_code == 201
    assert list(opened.action_items.values_list("description", "owner")) == [
        ("Call the vendor", agent.pk)
    ]


def test_a_closed_tickets_escalation_cannot_be_reopened_or_monitored(opened):
    boss, agent1 = user("manager"), user("agent1")
    ticket = opened.ticket
    services.ticket_transition(ticket=ticket, actor=agent1, status="resolved")
    reviews.review_submit(escalation=opened, actor=boss, data=REVIEW)
    managed.managed_escalation_close(
        escalation=opened, actor=boss, closure_note="ok", customer_agreed=True
    )
    services.ticket_transition(ticket=ticket, actor=agent1, status="closed")
    with pytest.raises(ValidationError) as refused:
        managed.managed_escalation_reopen(escalation=opened, actor=boss, reason="again")
    assert "status" in refused.value.message_dict
    opened.refresh_from_db()
    assert opened.status == "closed"


def test_reopening_a_closed_escalation_clears_its_closure(opened):
    boss, agent1 = user("manager"), user("agent1")
    services.ticket_transition(ticket=opened.ticket, actor=agent1, status="resolved")
    reviews.review_submit(escalation=opened, actor=boss, data=REVIEW)
    managed.managed_escalation_close(
        escalation=opened, actor=boss, closure_note="ok", customer_agreed=True
    )
    services.ticket_transition(ticket=opened.ticket, actor=agent1, status="open")
    again = managed.managed_escalation_reopen(escalation=opened, actor=boss, reason="It came back")
    assert (again.status, again.closure_note, again.customer_agreed) == ("active", "", False)
    assert again.monitoring_until is None


def test_admin_refuses_a_path_whose_levels_go_down(admin_client, network_path):
    desk, architects = network_path.teams["L1"], network_path.teams["L3"]
    data = {
        "name": "Upside down",
        "is_active": "on",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        "levels-0-position": "1",
        "levels-0-tier": "L3",
        "levels-0-teams": [architects.pk],
        "levels-1-position": "2",
        "levels-1-tier": "L1",
        "levels-1-teams": [desk.pk],
    }
    response = admin_client.post(reverse("admin:escalations_escalationpath_add"), data)
    assert response.status_code == 200
    assert "Levels must climb" in response.content.decode()
    assert not EscalationPath.objects.filter(name="Upside down").exists()
    data["levels-0-tier"], data["levels-1-tier"] = "L1", "L3"
    data["levels-0-teams"], data["levels-1-teams"] = [desk.pk], [architects.pk]
    assert (
        admin_client.post(reverse("admin:escalations_escalationpath_add"), data).status_code == 302
    )
    path = EscalationPath.objects.get(name="Upside down")
    assert list(path.levels.order_by("position").values_list("tier", flat=True)) == ["L1", "L3"]


def test_the_escalate_page_like_the_api_takes_no_reason(client, network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=2, urgency=2)
    client.force_login(agent1)
    response = client.post(
        reverse("escalations:escalate", args=[ticket.pk]), {"to_tier": "L2", **HANDOFF}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.level == "L2"


def test_a_functional_escalation_leaves_the_ticket_to_the_new_team(network_path, policy):
    agent1, boss = user("agent1"), user("manager")  # the manager manages every team
    ticket = create_ticket(agent1, impact=2, urgency=2)
    services.ticket_update(ticket=ticket, actor=agent1, data={"assignee": boss})
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    ticket.refresh_from_db()
    assert ticket.team == Team.objects.get(name="Network Engineering")
    assert ticket.assignee is None
