"""Escalation pages: the escalate form on the ticket, approvals, the list and the
escalation page with its manager controls, through Django's test client."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalations.models import (
    ActionItem,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
)
from escalations.services import escalate, managed_team
from tests.factories import TeamFactory, TicketFactory, UserFactory, create_ticket
from tickets import services
from tickets.models import Status, Team, Tier, User

HANDOFF = {
    "summary": "Core switch flapping",
    "steps_taken": "Rebooted the access switch, checked cabling",
    "impact_assessment": "Whole Warsaw office offline",
    "customer_context": "Acme Retail, VIP, quarter-end",
    "time_constraints": "Payroll run at 16:00",
    "assistance_requested": "Look at the core switch configuration",
}
REVIEW = {
    "root_cause": "Bad firmware on the core switch",
    "root_cause_category": "hardware",
    "effectiveness": "4",
    "handoff_quality": "5",
    "customer_satisfaction": "3",
    "lessons_learned": "Keep a spare switch",
}


def user(name: str) -> User:
    return User.objects.get(username=name)


def as_user(client, name: str):
    client.force_login(user(name))
    return client


def escalate_data(to_tier: str = "L2", **changes) -> dict:
    return {"to_tier": to_tier, "reason": "Needs network engineers", **HANDOFF, **changes}


@pytest.fixture
def p3_ticket(network_path):
    return create_ticket(user("agent1"), title="Slow VPN")  # impact 3, urgency 3: P3


@pytest.fixture
def requested(p3_ticket):
    """A P3 ticket's request to L2, awaiting the approval of L2's manager."""
    return escalate.escalation_request(
        ticket=p3_ticket, actor=user("agent1"), to_tier="L2", reason="Beyond L1", **HANDOFF
    )


@pytest.fixture
def managed_one(network_path):
    """A managed escalation: a P2 ticket escalated by hand to management."""
    ticket = create_ticket(user("agent1"), title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    return Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)


@pytest.fixture
def desk_boss(network_path):
    """Service Desk gets a manager of its own: an agent who sees L1 tickets but
    manages no other team."""
    boss = UserFactory(username="deskboss")
    Team.objects.filter(name="Service Desk").update(manager=boss)
    return boss


# --- the ticket page -----------------------------------------------------------------------


def test_ticket_page_offers_the_levels_above_with_their_team_and_approval(client, p3_ticket):
    body = as_user(client, "agent1").get(p3_ticket.get_absolute_url()).content.decode()
    assert 'id="escalate-form"' in body
    assert 'value="L1"' not in body
    assert "Level 2 · Network Engineering (needs its manager&#x27;s approval)" in body
    assert "Level 3 · Senior Architects (needs its manager&#x27;s approval)" in body
    assert "Management · IT Management" in body
    assert "Level 3 · Senior Architects (needs its manager&#x27;s approval) — Vendor: Acme" in body
    for name in HANDOFF:
        assert f'name="{name}"' in body
    assert "Not escalated so far." in body


def test_p1_ticket_needs_no_approval_to_escalate(client, network_path):
    ticket = create_ticket(user("agent1"), impact=1, urgency=1)
    body = as_user(client, "agent1").get(ticket.get_absolute_url()).content.decode()
    assert "Level 2 · Network Engineering" in body
    assert "(needs its manager" not in body


def test_requester_sees_neither_escalations_nor_the_form(client, network_path):
    requester = UserFactory(username="rita", email="rita@example.com")
    ticket = create_ticket(user("agent1"))
    client.force_login(requester)
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "escalate-form" not in body
    assert "ticket-escalations" not in body
    assert "Escalations</a>" not in body  # nor in the navigation
    response = client.post(f"/tickets/{ticket.pk}/escalate/", escalate_data())
    assert response.status_code == 403
    assert not Escalation.objects.exists()


def test_escalating_a_p3_ticket_waits_for_approval(client, p3_ticket):
    response = as_user(client, "agent1").post(f"/tickets/{p3_ticket.pk}/escalate/", escalate_data())
    assert response.status_code == 302
    assert response.url == p3_ticket.get_absolute_url()
    escalation = Escalation.objects.get()
    assert (escalation.status, escalation.to_tier, escalation.to_team.name) == (
        "requested",
        "L2",
        "Network Engineering",
    )
    assert escalation.reason == "Needs network engineers"
    assert escalation.steps_taken == HANDOFF["steps_taken"]
    p3_ticket.refresh_from_db()
    assert p3_ticket.level == "L1"

    body = client.get(p3_ticket.get_absolute_url()).content.decode()
    assert "awaits the approval of Network Engineering" in body
    assert 'data-status="requested"' in body
    assert f"/escalations/{escalation.pk}/" in body
    assert "escalate-form" not in body  # one request at a time


def test_escalating_a_p2_ticket_moves_it_and_shows_the_escalation(client, network_path):
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    response = as_user(client, "agent1").post(f"/tickets/{ticket.pk}/escalate/", escalate_data())
    escalation = Escalation.objects.get()
    # The ticket went to Network Engineering, out of agent1's sight: the escalation shows.
    assert response.status_code == 302
    assert response.url == f"/escalations/{escalation.pk}/"
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name, escalation.status) == (
        "L2",
        "Network Engineering",
        "active",
    )
    page = client.get(response.url)
    assert page.status_code == 200
    assert ticket.reference in page.content.decode()


@pytest.mark.parametrize("missing", list(HANDOFF))
def test_every_handoff_field_is_required(client, p3_ticket, missing):
    response = as_user(client, "agent1").post(
        f"/tickets/{p3_ticket.pk}/escalate/", escalate_data(**{missing: "  "})
    )
    assert response.status_code == 400
    form = response.context["escalate_form"]
    assert set(form.errors) == {missing}
    assert '<details id="escalate" open' in response.content.decode()
    assert not Escalation.objects.exists()


def test_service_refusal_shows_on_the_escalate_form(client, p3_ticket):
    response = as_user(client, "agent1").post(
        f"/tickets/{p3_ticket.pk}/escalate/", escalate_data(to_tier="L1")
    )
    assert response.status_code == 400
    assert response.context["escalate_form"].errors["to_tier"] == ["The ticket is already at L1."]
    response = client.post(f"/tickets/{p3_ticket.pk}/escalate/", escalate_data(to_tier="L9"))
    assert response.status_code == 400
    assert "to_tier" in response.context["escalate_form"].errors
    assert not Escalation.objects.exists()


def test_second_request_while_one_awaits_approval_shows_why(client, requested):
    response = as_user(client, "agent1").post(
        f"/tickets/{requested.ticket.pk}/escalate/", escalate_data(to_tier="L3")
    )
    assert response.status_code == 400
    assert "already awaits approval" in response.content.decode()
    assert Escalation.objects.count() == 1


def test_agent_of_another_team_cannot_escalate_the_ticket(client, p3_ticket):
    response = as_user(client, "agent2").post(f"/tickets/{p3_ticket.pk}/escalate/", escalate_data())
    assert response.status_code == 404
    assert not Escalation.objects.exists()


# --- approvals -----------------------------------------------------------------------------


def test_approvals_queue_shows_the_request_with_its_handoff(client, requested):
    body = as_user(client, "manager").get("/escalations/approvals/").content.decode()
    assert requested.ticket.reference in body
    assert HANDOFF["time_constraints"] in body
    assert f'id="approve-{requested.pk}"' in body
    assert f'id="reject-{requested.pk}"' in body


def test_approvals_queue_shows_when_it_was_requested_the_one_way(client, requested):
    body = as_user(client, "manager").get("/escalations/approvals/").content.decode()
    card = body.split(f'data-escalation="{requested.pk}"', 1)[1]
    requested_line = card.split("Requested by", 1)[1].split("</span>", 1)[0]
    assert "<time datetime=" in requested_line  # relative, the exact time on hover
    assert "just now" in requested_line


def test_the_approvals_menu_is_for_those_who_may_decide(client, requested):
    assert 'id="nav-approvals"' in as_user(client, "manager").get("/").content.decode()
    # An L1 agent can never approve: no menu entry that always says "nothing".
    assert 'id="nav-approvals"' not in as_user(client, "agent1").get("/").content.decode()


def test_approvals_queue_is_empty_for_others(client, requested, desk_boss):
    client.force_login(desk_boss)
    body = client.get("/escalations/approvals/").content.decode()
    assert "Nothing awaits your approval." in body


def test_only_the_target_teams_manager_approves(client, requested, desk_boss):
    client.force_login(desk_boss)  # sees the ticket, manages the source team only
    page = client.get(f"/escalations/{requested.pk}/")
    assert page.status_code == 200
    assert requested.ticket.reference in page.content.decode()
    assert client.post(f"/escalations/{requested.pk}/approve/").status_code == 403
    response = client.post(f"/escalations/{requested.pk}/reject/", {"reason": "No"})
    assert response.status_code == 403
    assert as_user(client, "agent2").post(f"/escalations/{requested.pk}/approve/").status_code == (
        404  # agent2 cannot even see it
    )
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_manager_approves_from_the_queue(client, requested):
    response = as_user(client, "manager").post(
        f"/escalations/{requested.pk}/approve/", {"next": "approvals"}
    )
    assert response.status_code == 302
    assert response.url == "/escalations/approvals/"
    requested.refresh_from_db()
    requested.ticket.refresh_from_db()
    assert (requested.status, requested.decided_by, requested.ticket.level) == (
        "active",
        user("manager"),
        "L2",
    )
    # Approving twice is refused with the service's message.
    response = client.post(f"/escalations/{requested.pk}/approve/", {"next": "approvals"})
    assert response.status_code == 400
    assert "not awaiting approval" in response.content.decode()


def test_rejecting_needs_a_reason(client, requested):
    as_user(client, "manager")
    response = client.post(
        f"/escalations/{requested.pk}/reject/", {"reason": " ", "next": "approvals"}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    requested.refresh_from_db()
    assert requested.status == "requested"

    response = client.post(
        f"/escalations/{requested.pk}/reject/", {"reason": "Try the runbook first"}
    )
    assert response.status_code == 302
    assert response.url == f"/escalations/{requested.pk}/"
    requested.refresh_from_db()
    assert (requested.status, requested.rejection_reason) == ("rejected", "Try the runbook first")
    body = as_user(client, "agent1").get(response.url).content.decode()
    assert "Try the runbook first" in body


# --- the list ------------------------------------------------------------------------------


def test_list_filters_by_scope_status_kind_and_trigger(client, requested, managed_one, admin_user):
    other = TeamFactory(name="Elsewhere", tier=Tier.L2)
    stranger = Escalation.objects.create(
        ticket=TicketFactory(team=other),
        kind="functional",
        trigger="time_limit",
        status="active",
        from_tier="L1",
        to_tier="L2",
        to_team=other,
    )

    def listed(name, query=""):
        client.force_login(user(name))
        response = client.get(f"/escalations/{query}")
        assert response.status_code == 200
        return {e.pk for e in response.context["page"]}

    jump = Escalation.objects.get(ticket=managed_one.ticket, kind="functional")
    assert listed("boss") == {requested.pk, managed_one.pk, jump.pk, stranger.pk}
    # agent1 asked for all three it sees; the stranger's is out of reach
    assert listed("agent1") == {requested.pk, managed_one.pk, jump.pk}
    assert listed("agent1", "?status=requested") == {requested.pk}
    assert listed("agent1", "?kind=hierarchical") == {managed_one.pk}
    assert listed("agent1", "?trigger=manual&status=active") == {managed_one.pk, jump.pk}
    assert listed("manager", "?scope=mine") == {managed_one.pk}  # its escalation manager
    assert listed("agent1", "?scope=mine") == {requested.pk, managed_one.pk, jump.pk}
    # Of its team's tickets, only one is still at the Service Desk.
    assert listed("agent1", "?scope=teams") == {requested.pk}
    assert listed("manager", "?scope=teams") == {requested.pk, managed_one.pk, jump.pk}
    assert listed("agent1", "?status=bogus") == {requested.pk, managed_one.pk, jump.pk}


def test_requesters_get_no_escalation_pages(client, requested):
    requester = UserFactory(username="rita", email=requested.ticket.requester_email)
    client.force_login(requester)
    for url in ("/escalations/", "/escalations/approvals/", f"/escalations/{requested.pk}/"):
        assert client.get(url).status_code == 403


def test_agents_see_the_navigation_links(client, network_path):
    body = as_user(client, "agent1").get("/").content.decode()
    assert 'href="/escalations/"' in body
    assert 'href="/escalations/approvals/"' not in body  # never theirs to decide
    body = as_user(client, "manager").get("/").content.decode()
    assert 'href="/escalations/approvals/"' in body


# --- one escalation ------------------------------------------------------------------------


def test_detail_shows_handoff_trigger_ticket_and_history(client, requested):
    body = as_user(client, "agent1").get(f"/escalations/{requested.pk}/").content.decode()
    assert HANDOFF["assistance_requested"] in body
    assert "Manual" in body
    assert requested.ticket.get_absolute_url() in body
    assert 'data-status="requested"' in body
    assert "awaiting approval by Network Engineering" in body  # the history
    assert "decision" not in body  # agent1 does not decide


def test_detail_of_an_escalation_out_of_sight_is_a_404(client, requested):
    assert as_user(client, "agent3").get(f"/escalations/{requested.pk}/").status_code == 404
    assert client.get("/escalations/999999/").status_code == 404


def test_the_escalation_manager_sees_the_controls_others_do_not(client, managed_one):
    body = as_user(client, "manager").get(f"/escalations/{managed_one.pk}/").content.decode()
    for form_id in ("action-form", "member-form", "manager-form", "monitor-form", "close-form"):
        assert f'id="{form_id}"' in body
    assert 'id="review-form"' in body  # managers may review at any time
    assert 'id="reopen-form"' not in body  # only once monitoring or closed

    body = as_user(client, "agent1").get(f"/escalations/{managed_one.pk}/").content.decode()
    for form_id in ("action-form", "member-form", "manager-form", "monitor-form", "close-form"):
        assert f'id="{form_id}"' not in body
    assert 'id="review-form"' not in body  # no review requested yet


MANAGE_POSTS = [
    ("manager", {"manager": "?"}),
    ("members", {"role": "expert", "name": "Kim"}),
    ("actions", {"description": "Replace the switch"}),
    ("monitor", {"until": "2099-01-01T10:00"}),
    ("close", {"closure_note": "Fixed", "customer_agreed": "on"}),
    ("reopen", {"reason": "Back again"}),
]


@pytest.mark.parametrize(("step", "data"), MANAGE_POSTS)
def test_only_the_escalation_manager_manages(client, managed_one, step, data):
    data = {k: (user("agent1").pk if v == "?" else v) for k, v in data.items()}
    response = as_user(client, "agent1").post(f"/escalations/{managed_one.pk}/{step}/", data)
    assert response.status_code == 403
    # Bad input from a stranger is still a 403, not a form error.
    assert client.post(f"/escalations/{managed_one.pk}/{step}/", {}).status_code == 403
    response = as_user(client, "agent2").post(f"/escalations/{managed_one.pk}/{step}/", data)
    assert response.status_code == 404
    managed_one.refresh_from_db()
    assert (managed_one.status, managed_one.manager) == ("active", user("manager"))
    assert not ActionItem.objects.exists()
    assert not EscalationTeamMember.objects.exists()


def test_action_plan_add_done_and_undone(client, managed_one):
    as_user(client, "manager")
    url = f"/escalations/{managed_one.pk}/"
    response = client.post(url + "actions/", {"description": ""})
    assert response.status_code == 400
    assert "description" in response.context["action_form"].errors
    response = client.post(
        url + "actions/",
        {
            "description": "Replace the switch",
            "owner": user("agent2").pk,
            "due_at": "2099-03-02T11:30",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.due_at.hour, item.done_at) == (user("agent2"), 11, None)

    assert client.post(url + f"actions/{item.pk}/done/", {"done": "1"}).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    body = client.get(url).content.decode()
    assert "<s>Replace the switch</s>" in body
    assert client.post(url + f"actions/{item.pk}/done/", {"done": ""}).status_code == 302
    item.refresh_from_db()
    assert item.done_at is None
    assert client.post(url + "actions/999999/done/", {"done": "1"}).status_code == 404


def test_escalation_team_members_are_users_or_named_contacts(client, managed_one):
    as_user(client, "manager")
    url = f"/escalations/{managed_one.pk}/members/"
    response = client.post(url, {"role": "expert"})
    assert response.status_code == 400
    assert response.context["member_form"].errors["name"] == ["Give a user or a name."]
    assert (
        client.post(url, {"role": "incident_owner", "user": user("agent3").pk}).status_code == 302
    )
    response = client.post(
        url, {"role": "provider_contact", "name": "Acme NOC", "contact": "noc@acme.example"}
    )
    assert response.status_code == 302
    body = client.get(f"/escalations/{managed_one.pk}/").content.decode()
    assert "Incident owner" in body
    assert "noc@acme.example" in body
    assert EscalationTeamMember.objects.count() == 2


def test_escalation_manager_can_be_changed(client, managed_one):
    as_user(client, "manager")
    url = f"/escalations/{managed_one.pk}/manager/"
    requester = UserFactory(username="rita")
    response = client.post(url, {"manager": requester.pk})
    assert response.status_code == 400  # not an agent: not even offered
    assert client.post(url, {"manager": user("agent3").pk}).status_code == 302
    managed_one.refresh_from_db()
    assert managed_one.manager == user("agent3")


def test_monitoring_needs_a_future_date(client, managed_one):
    as_user(client, "manager")
    url = f"/escalations/{managed_one.pk}/monitor/"
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"until": past})
    assert response.status_code == 400
    assert "until" in response.context["monitor_form"].errors
    assert client.post(url, {"until": "not a date"}).status_code == 400
    managed_one.refresh_from_db()
    assert managed_one.status == "active"
    assert client.post(url, {"until": "2099-01-01T10:00"}).status_code == 302
    managed_one.refresh_from_db()
    assert (managed_one.status, managed_one.monitoring_until.year) == ("monitoring", 2099)
    # Not offered any more; a stale form posting anyway gets the service's answer.
    response = client.post(url, {"until": "2099-02-01T10:00"})
    assert response.status_code == 400
    assert "Not possible while the escalation is Monitoring." in response.content.decode()
    body = client.get(f"/escalations/{managed_one.pk}/").content.decode()
    assert 'id="reopen-form"' in body
    assert 'id="monitor-form"' not in body


def test_closing_needs_the_review_the_note_and_the_customer(client, managed_one):
    as_user(client, "manager")
    url = f"/escalations/{managed_one.pk}/"
    response = client.post(url + "close/", {"closure_note": "Fixed"})
    assert response.status_code == 400
    errors = response.context["close_form"].errors
    assert errors["customer_agreed"] == ["Close only once the customer agrees."]
    assert errors["__all__"] == ["Submit the post-escalation review first."]

    response = client.post(url + "review/", {**REVIEW, "root_cause": ""})
    assert response.status_code == 400
    assert set(response.context["review_form"].errors) == {"root_cause"}
    response = client.post(url + "review/", {**REVIEW, "effectiveness": "6"})
    assert response.status_code == 400
    assert not EscalationReview.objects.exists()
    assert client.post(url + "review/", REVIEW).status_code == 302
    review = EscalationReview.objects.get()
    assert (review.effectiveness, review.handoff_quality, review.customer_satisfaction) == (4, 5, 3)
    assert review.submitted_by == user("manager")

    response = client.post(
        url + "close/", {"closure_note": "Customer confirmed", "customer_agreed": "on"}
    )
    assert response.status_code == 302
    managed_one.refresh_from_db()
    assert (managed_one.status, managed_one.customer_agreed) == ("closed", True)
    body = client.get(url).content.decode()
    assert "Customer confirmed" in body
    assert "Bad firmware on the core switch" in body
    assert 'id="close-form"' not in body

    assert client.post(url + "reopen/", {"reason": ""}).status_code == 400
    assert client.post(url + "reopen/", {"reason": "It came back"}).status_code == 302
    managed_one.refresh_from_db()
    assert managed_one.status == "active"


def test_requested_review_is_open_to_the_receiving_team(client, p3_ticket):
    from tickets import services

    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    escalation = escalate.escalation_request(
        ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF
    )
    services.ticket_transition(ticket=ticket, actor=user("agent2"), status="resolved")
    assert EscalationReview.objects.filter(escalation=escalation, submitted_at=None).exists()
    body = as_user(client, "agent2").get(f"/escalations/{escalation.pk}/").content.decode()
    assert 'id="review-form"' in body
    assert 'id="review-requested"' in body
    response = client.post(f"/escalations/{escalation.pk}/review/", REVIEW)
    assert response.status_code == 302
    assert EscalationReview.objects.get().is_submitted


def test_detail_query_count_does_not_grow_with_the_plan_and_team(client, managed_one):
    boss = user("manager")
    as_user(client, "manager")

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            page = client.get(f"/escalations/{managed_one.pk}/")
        assert page.status_code == 200
        assert f">{ActionItem.objects.latest('pk').description}<" in page.content.decode()
        return len(ctx.captured_queries)

    managed_team.action_item_add(escalation=managed_one, actor=boss, description="a", owner=boss)
    managed_team.escalation_member_add(escalation=managed_one, actor=boss, role="expert", user=boss)
    few = count_queries()
    for n in range(10):
        managed_team.action_item_add(
            escalation=managed_one, actor=boss, description=f"a{n}", owner=user("agent2")
        )
        managed_team.escalation_member_add(
            escalation=managed_one, actor=boss, role="expert", user=user("agent3")
        )
    assert count_queries() == few


QUERY_COUNT_CASES = {
    # page, viewer, what each added escalation is (status, kind, trigger)
    "approvals": ("/escalations/approvals/", "manager", ("requested", "functional", "manual")),
    "list": (
        "/escalations/?scope=teams&kind=hierarchical",
        "agent1",
        ("closed", "hierarchical", "severity"),
    ),
}


@pytest.mark.parametrize("case", QUERY_COUNT_CASES)
def test_query_count_of_the_lists_does_not_grow(
    case, client, network_path, django_assert_num_queries
):
    url, viewer, (status, kind, trigger) = QUERY_COUNT_CASES[case]
    desk, network = network_path.teams["L1"], network_path.teams["L2"]

    def add(n):
        for _ in range(n):
            Escalation.objects.create(
                ticket=TicketFactory(team=desk),
                kind=kind,
                trigger=trigger,
                status=status,
                from_tier="L1",
                to_tier="L2",
                to_team=network,
                manager=user("manager") if kind == "hierarchical" else None,
                requested_by=user("agent1"),
                **HANDOFF,
            )

    add(2)
    as_user(client, viewer)
    # session, user, the user's teams, count, the page of escalations
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["page"]) == 2
    add(30)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["page"]) == 25
    rest = client.get(f"{url}{'&' if '?' in url else '?'}page=2")
    assert rest.status_code == 200
    assert len(rest.context["page"]) == 7


def test_a_resolved_tickets_managed_escalation_says_what_it_waits_for(client, managed_one):
    as_user(client, "manager")
    url = f"/escalations/{managed_one.pk}/"
    assert 'id="ticket-done-note"' not in client.get(url).content.decode()

    ticket = managed_one.ticket
    services.ticket_transition(ticket=ticket, actor=user("manager"), status=Status.RESOLVED)
    body = client.get(url).content.decode()
    assert "the escalation stays open until its review is submitted" in body

    assert client.post(url + "review/", REVIEW).status_code == 302
    assert "close the escalation once the customer agrees" in client.get(url).content.decode()
