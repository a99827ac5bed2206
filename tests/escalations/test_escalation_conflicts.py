"""Requests that clash with the state of the data answer 4xx with a message, and
leave nothing half-saved."""

import pytest
from django.utils import timezone

from escalations.models import Escalation, EscalationReview
from escalations.services import escalate, managed, reviews
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import create_ticket
from tickets.models import TicketEvent


@pytest.fixture
def closed_and_open(network_path):
    """A ticket whose first managed escalation is closed and a second one is open."""
    boss = user("manager")
    ticket = create_ticket(user("agent1"), title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    first = Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)
    reviews.review_submit(escalation=first, actor=boss, data=REVIEW)
    managed.managed_escalation_close(
        escalation=first, actor=boss, closure_note="Fixed", customer_agreed=True
    )
    second = managed.managed_escalation_open(
        ticket=ticket,
        actor=boss,
        trigger=Escalation.Trigger.MANUAL,
        reason="It is back",
        now=timezone.now(),
    )
    assert second is not None
    return first, second


def test_reopening_a_closed_managed_escalation_while_another_is_open_is_refused(
    closed_and_open, api_as, client
):
    first, second = closed_and_open
    events = TicketEvent.objects.count()
    response = api_as(user("manager")).post(
        f"/api/v1/escalations/{first.pk}/reopen/", {"reason": "Came back"}, format="json"
    )
    assert response.status_code == 400
    assert f"#{second.pk}" in str(response.json()["status"])

    client.force_login(user("manager"))
    page = client.post(f"/escalations/{first.pk}/reopen/", {"reason": "Came back"})
    assert page.status_code == 400
    assert f"Managed escalation #{second.pk} of this ticket is open" in page.content.decode()

    first.refresh_from_db()
    assert (first.status, first.closed_at is not None) == ("closed", True)
    assert TicketEvent.objects.count() == events


def test_reopening_a_closed_managed_escalation_alone_works(closed_and_open):
    first, second = closed_and_open
    boss = user("manager")
    EscalationReview.objects.filter(escalation=second).delete()
    Escalation.objects.filter(pk=second.pk).update(status="closed", closed_at=timezone.now())
    reopened = managed.managed_escalation_reopen(escalation=first, actor=boss, reason="Came back")
    assert (reopened.status, reopened.closed_at) == ("active", None)


# --- escalation paths in use ---------------------------------------------------------------


def levels_payload(path, **changes):
    """The path's levels as the API takes them, with ``changes`` by position."""
    levels = []
    for level in path.levels.order_by("position"):
        data = {
            "position": level.position,
            "tier": level.tier,
            "teams": [team.pk for team in level.teams.all()],
            "time_limit_minutes": level.time_limit_minutes,
            "approval_required": level.approval_required,
        }
        data.update(changes.get(str(level.position), {}))
        levels.append(data)
    return levels


@pytest.fixture
def pending(network_path, policy):
    """A P3 ticket on L1 whose request into L2 awaits approval."""
    ticket = create_ticket(user("agent1"))
    return escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF)


def test_deleting_a_path_tickets_follow_answers_409_with_what_uses_it(
    pending, network_path, api_as, admin_user, client
):
    response = api_as(admin_user).delete(f"/api/v1/escalation-paths/{network_path.pk}/")
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert pending.ticket.reference in detail
    assert f"#{pending.pk}" in detail
    assert "Deactivate" in detail
    pending.refresh_from_db()
    assert pending.to_level is not None
    assert network_path.levels.count() == 4

    client.force_login(admin_user)
    page = client.post(
        f"/admin/escalations/escalationpath/{network_path.pk}/delete/", {"post": "yes"}
    )
    assert page.status_code == 200
    assert "Cannot delete escalation path" in page.content.decode()
    assert type(network_path).objects.filter(pk=network_path.pk).exists()


def test_deleting_a_path_nobody_follows_works(network_path, api_as, admin_user):
    response = api_as(admin_user).delete(f"/api/v1/escalation-paths/{network_path.pk}/")
    assert response.status_code == 204
    assert not type(network_path).objects.exists()


def test_removing_a_level_a_pending_request_points_at_answers_409(
    pending, network_path, api_as, admin_user
):
    l2 = network_path.levels.get(tier="L2")
    levels = [lv for lv in levels_payload(network_path) if lv["tier"] != "L2"]
    for position, level in enumerate(levels, start=1):
        level["position"] = position
    response = api_as(admin_user).patch(
        f"/api/v1/escalation-paths/{network_path.pk}/",
        {"name": "Renamed", "levels": levels},
        format="json",
    )
    assert response.status_code == 409
    assert f"#{pending.pk}" in response.json()["detail"]
    network_path.refresh_from_db()
    assert network_path.name == "Network outage"  # nothing half-saved
    pending.refresh_from_db()
    assert pending.to_level == l2
    assert network_path.levels.count() == 4


def test_replacing_levels_keeps_the_levels_tickets_and_requests_point_at(
    pending, network_path, api_as, admin_user
):
    l1, l2 = network_path.levels.get(tier="L1"), network_path.levels.get(tier="L2")
    architects = network_path.teams["L3"]
    levels = levels_payload(network_path, **{"2": {"time_limit_minutes": 45}})
    # A second L2 level (the architects' first look) goes in before L3.
    levels.insert(2, {"position": 3, "tier": "L2", "teams": [architects.pk]})
    for position, level in enumerate(levels, start=1):
        level["position"] = position
    response = api_as(admin_user).patch(
        f"/api/v1/escalation-paths/{network_path.pk}/", {"levels": levels}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert [lv["tier"] for lv in response.json()["levels"]] == ["L1", "L2", "L2", "L3", "MGMT"]
    pending.refresh_from_db()
    assert pending.to_level == l2
    l2.refresh_from_db()
    assert (l2.position, l2.time_limit_minutes) == (2, 45)
    assert pending.ticket.route.level == l1

    escalate.escalation_approve(escalation=pending, actor=user("manager"))
    pending.ticket.refresh_from_db()
    assert (pending.ticket.level, pending.ticket.route.level) == ("L2", l2)


def test_approving_a_request_whose_level_was_removed_says_so(pending, network_path, api_as):
    network_path.levels.get(tier="L2").delete()  # as the admin's level inline can
    response = api_as(user("manager")).post(f"/api/v1/escalations/{pending.pk}/approve/")
    assert response.status_code == 400
    assert "no longer on the path" in str(response.json())
    pending.refresh_from_db()
    assert pending.status == "requested"
