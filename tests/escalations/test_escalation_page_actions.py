"""The escalation page offers the form (or button) of a step only to the people who
may take it, and only while the escalation's state allows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalations.models import Escalation
from escalations.services import escalate, managed, managed_team, reviews
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import create_ticket
from tickets import services

# What on the page offers each step ({pk}: the escalation, {item}: its action item).
MARKERS = {
    "approve": 'action="/escalations/{pk}/approve/"',
    "reject": 'id="reject-{pk}"',
    "set_manager": 'id="manager-form"',
    "add_member": 'id="member-form"',
    "add_action": 'id="action-form"',
    "mark_action": 'action="/escalations/{pk}/actions/{item}/done/"',
    "monitor": 'id="monitor-form"',
    "close": 'id="close-form"',
    "reopen": 'id="reopen-form"',
    "review": 'id="review-form"',
}
MANAGING = {"set_manager", "add_member", "add_action", "mark_action"}


def _request() -> Escalation:
    ticket = create_ticket(user("agent1"), title="Slow VPN")  # P3: L2 needs approval
    return escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF)


def _managed(state: str) -> Escalation:
    """A managed escalation (a P2 ticket taken to management by agent1), with one
    action planned, brought to ``state``."""
    boss, agent1 = user("manager"), user("agent1")
    ticket = create_ticket(agent1, title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="MGMT", **HANDOFF)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    managed_team.action_item_add(escalation=escalation, actor=boss, description="Swap it")
    if state in ("monitoring, ticket closed", "closed"):
        managed.managed_escalation_monitor(
            escalation=escalation, actor=boss, until=timezone.now() + timedelta(days=1)
        )
        services.ticket_transition(ticket=ticket, actor=boss, status="resolved")
    if state == "monitoring, ticket closed":
        services.ticket_transition(ticket=ticket, actor=boss, status="closed")
    if state == "closed":
        reviews.review_submit(escalation=escalation, actor=boss, data=REVIEW)
        managed.managed_escalation_close(
            escalation=escalation,
            actor=boss,
            closure_note="Fixed",
            customer_agreed=True,
            close_open_actions=True,
        )
    return escalation


CASES = [
    # (escalation, viewer, the steps offered)
    ("request", "manager", {"approve", "reject"}),
    ("request", "agent1", set()),  # asked for it, does not decide
    ("request", "admin", {"approve", "reject"}),
    ("active", "manager", MANAGING | {"monitor", "close", "review"}),
    ("active", "agent1", set()),  # asked for it, does not run it
    ("monitoring, ticket closed", "manager", MANAGING | {"close", "review"}),
    ("closed", "manager", {"reopen"}),
    ("closed", "admin", {"reopen"}),
]


@pytest.mark.parametrize(("state", "viewer", "offered"), CASES)
def test_page_offers_only_the_steps_the_viewer_may_take_now(
    client, network_path, policy, admin_user, state, viewer, offered
):
    escalation = _request() if state == "request" else _managed(state)
    item = escalation.action_items.first()
    client.force_login(admin_user if viewer == "admin" else user(viewer))
    response = client.get(f"/escalations/{escalation.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    shown = {
        step
        for step, marker in MARKERS.items()
        if marker.format(pk=escalation.pk, item=item.pk if item else 0) in body
    }
    assert shown == offered
