"""SLA as agents see it: queue order, badges, the ticket page, the API."""

from datetime import UTC, datetime, time, timedelta

import pytest

from escalations.models import BusinessCalendar, SlaClock, SlaPolicy, WorkingInterval
from escalations.services.sla.urgency import ticket_urgency_refresh
from tests.factories import create_ticket
from tickets import services

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def test_queue_is_ordered_by_nearest_due_time(client, agent, policy, p1_policy, frozen):
    slow = create_ticket(agent, title="Slow one")
    urgent = create_ticket(agent, title="Urgent one", impact=1, urgency=1)
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert body.index(urgent.reference) < body.index(slow.reference)
    assert 'data-state="on_track"' in body


def test_queue_badges_and_sla_filter(client, agent, policy, frozen):
    late = create_ticket(agent, title="Late")
    fine = create_ticket(agent, title="Fine")
    SlaClock.objects.filter(ticket=late).update(due_at=T0 - timedelta(minutes=1))
    ticket_urgency_refresh(ticket_ids=[late.pk], now=T0)  # as the clock services do
    client.force_login(agent)
    body = client.get("/?sla_status=breached").content.decode()
    assert late.reference in body
    assert fine.reference not in body
    assert 'data-state="breached"' in body


def test_queue_query_count_with_clocks_does_not_grow(
    client, agent, policy, frozen, django_assert_num_queries
):
    for n in range(3):
        create_ticket(agent, title=f"t{n}")
    client.force_login(agent)
    # (9: with the saved views and the bulk bar's assignees and teams)
    with django_assert_num_queries(9):
        client.get("/")
    for n in range(20):
        create_ticket(agent, title=f"more {n}")
    with django_assert_num_queries(9):
        client.get("/")


def test_ticket_page_shows_clocks_in_the_viewers_time_zone(client, agent, policy, frozen):
    agent.time_zone = "Europe/Warsaw"
    agent.save()
    ticket = create_ticket(agent, title="VPN")
    client.force_login(agent)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="sla-clocks"' in body
    # first response due 10:00 UTC = 11:00 in Warsaw (CET)
    assert 'datetime="2026-03-02T11:00:00+01:00"' in body
    # Round the clock, the time left is the time to the due time: said once.
    assert "1h 00m left" not in body
    assert "SLA clock" in body  # the clocks' history in the timeline


def test_a_paused_clock_past_its_target_says_overdue_not_negative_time_left(
    client, agent, policy, frozen
):
    ticket = create_ticket(agent, title="VPN")
    # As a clock paused past its target before its breach was recorded on stopping.
    SlaClock.objects.filter(ticket=ticket, metric="first_response").update(
        state="paused", business_used=timedelta(hours=1, minutes=25)
    )
    client.force_login(agent)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "paused, overdue by 25m" in body
    assert "-25m" not in body


def test_requester_sees_clocks_but_not_the_override_form(client, requester, agent, policy):
    ticket = services.ticket_create(actor=requester, title="Help", description="d")
    client.force_login(requester)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="sla-clocks"' in body
    assert "priority-override" not in body
    assert (
        client.post(
            f"/tickets/{ticket.pk}/priority/", {"priority": "P1", "reason": "x"}
        ).status_code
        == 403
    )


def test_override_form_needs_a_reason(client, agent, policy):
    ticket = create_ticket(agent, title="VPN")
    client.force_login(agent)
    refused = client.post(f"/tickets/{ticket.pk}/priority/", {"priority": "P1"})
    assert refused.status_code == 400
    assert "reason" in refused.context["override_form"].errors
    done = client.post(
        f"/tickets/{ticket.pk}/priority/", {"priority": "P1", "reason": "Board meeting"}
    )
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.priority_override) == ("P1", "P1")


def test_create_page_explains_the_priorities(client, agent, db):
    client.force_login(agent)
    body = client.get("/tickets/new/").content.decode()
    assert 'id="priority-definitions"' in body
    assert "total outage" in body.lower()


def test_api_ticket_carries_its_clocks(api_as, agent, policy, frozen):
    ticket = create_ticket(agent, title="VPN")
    frozen["now"] = T0 + timedelta(minutes=50)
    data = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}/").json()
    clocks = {c["metric"]: c for c in data["sla_clocks"]}
    first = clocks["first_response"]
    assert first["status"] == "running"
    assert first["state"] == "at_risk"
    assert first["remaining_seconds"] == 600
    assert first["due_at"].startswith("2026-03-02T10:00:00")
    assert clocks["resolution"]["remaining_seconds"] == 8 * 3600 - 50 * 60
    assert first["breached_at"] is None


def test_api_a_clock_past_due_reads_breached_at_its_due_time_before_the_sweep(
    api_as, agent, policy, frozen
):
    ticket = create_ticket(agent, title="VPN")
    frozen["now"] = T0 + timedelta(minutes=75)  # first response due at 60 min; no sweep ran
    client = api_as(agent)
    first = next(
        c
        for c in client.get(f"/api/v1/tickets/{ticket.pk}/").json()["sla_clocks"]
        if c["metric"] == "first_response"
    )
    assert (first["state"], first["status"]) == ("breached", "running")
    assert first["breached_at"] == first["due_at"]
    listed = client.get("/api/v1/tickets/").json()["results"][0]["sla_clocks"]
    assert (
        next(c for c in listed if c["metric"] == "first_response")["breached_at"]
        == (first["due_at"])
    )


@pytest.fixture
def office_hours(db):
    """A policy on office hours, 09:00-17:00 UTC Monday to Friday."""
    office = BusinessCalendar.objects.create(name="Office", time_zone="UTC")
    WorkingInterval.objects.bulk_create(
        WorkingInterval(calendar=office, weekday=d, start=time(9), end=time(17)) for d in range(5)
    )
    SlaPolicy.objects.create(
        name="Office hours", first_response_minutes=60, resolution_minutes=16 * 60, calendar=office
    )


def test_api_remaining_time_is_in_business_time(api_as, agent, frozen, office_hours):
    ticket = create_ticket(agent, title="VPN")
    frozen["now"] = T0 + timedelta(hours=12)  # 21:00 Monday, after hours
    data = api_as(agent).get(f"/api/v1/tickets/{ticket.pk}/").json()
    resolution = next(c for c in data["sla_clocks"] if c["metric"] == "resolution")
    assert resolution["used_seconds"] == 8 * 3600
    assert resolution["remaining_seconds"] == 8 * 3600
    assert resolution["due_at"].startswith("2026-03-03T17:00:00")


def test_the_page_says_business_time_left_where_it_differs_from_the_due_time(
    client, agent, frozen, office_hours
):
    ticket = create_ticket(agent, title="VPN")
    frozen["now"] = T0 + timedelta(hours=12)  # 21:00 Monday: due 17:00 Tuesday, 8 h of work left
    client.force_login(agent)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "8h 00m of business time left" in body


def test_a_requester_is_told_when_not_how_the_desk_counts(client, requester, frozen, office_hours):
    ticket = create_ticket(requester, title="VPN")
    frozen["now"] = T0 + timedelta(hours=12)
    client.force_login(requester)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-metric="resolution"' in body
    assert "business time left" not in body


def test_api_sla_status_filter_and_next_due_ordering(api_as, agent, policy, p1_policy, frozen):
    paused = create_ticket(agent, title="Waiting")
    services.ticket_transition(ticket=paused, actor=agent, status="pending")
    urgent = create_ticket(agent, title="Urgent", impact=1, urgency=1)
    slow = create_ticket(agent, title="Slow")
    client = api_as(agent)
    ids = [t["id"] for t in client.get("/api/v1/tickets/?ordering=next_due").json()["results"]]
    assert ids == [urgent.pk, slow.pk, paused.pk]
    found = client.get("/api/v1/tickets/?sla_status=paused").json()["results"]
    assert [t["id"] for t in found] == [paused.pk]
    assert client.get("/api/v1/tickets/?sla_status=late").status_code == 400


def test_api_priority_override(api_as, agent, requester, policy):
    ticket = create_ticket(agent, title="VPN", requester_email=requester.email)
    client = api_as(agent)
    missing = client.post(
        f"/api/v1/tickets/{ticket.pk}/priority/", {"priority": "P1"}, format="json"
    )
    assert missing.status_code == 400
    assert "reason" in missing.json()
    done = client.post(
        f"/api/v1/tickets/{ticket.pk}/priority/", {"priority": "P1", "reason": "VIP"}, format="json"
    )
    assert done.status_code == 200
    assert (done.json()["priority"], done.json()["priority_override"]) == ("P1", "P1")
    back = client.post(
        f"/api/v1/tickets/{ticket.pk}/priority/",
        {"priority": "", "reason": "Sorted"},
        format="json",
    )
    assert back.json()["priority"] == "P3"
    as_requester = api_as(requester).post(
        f"/api/v1/tickets/{ticket.pk}/priority/", {"priority": "P1", "reason": "me"}, format="json"
    )
    assert as_requester.status_code == 403
