"""The escalation API: same rules and errors as the pages, and races run for real."""

import threading

import pytest

from escalations.models import Escalation, EscalationPath
from tests.escalations.data import HANDOFF, user
from tests.factories import TeamFactory, UserFactory, create_ticket
from tests.races import on_postgresql


def test_escalate_validates_the_handoff_and_target(network_path, policy, api_as):
    ticket = create_ticket(user("agent1"), impact=1, urgency=2)
    client = api_as(user("agent1"))
    url = f"/api/v1/tickets/{ticket.pk}/escalate/"
    missing = client.post(url, {"to_tier": "L2", "summary": "x"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) == set(HANDOFF) - {"summary"}
    bad_tier = client.post(url, {"to_tier": "L9", **HANDOFF}, format="json")
    assert "to_tier" in bad_tier.json()
    same = client.post(url, {"to_tier": "L1", **HANDOFF}, format="json")
    assert same.status_code == 400
    assert "already at L1" in str(same.json())
    done = client.post(url, {"to_tier": "L2", **HANDOFF}, format="json")
    assert done.status_code == 201, done.json()
    assert (done.json()["status"], done.json()["to_tier"]) == ("active", "L2")
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name) == ("L2", "Network Engineering")
    assert not Escalation.objects.exclude(pk=done.json()["id"]).exists()


def test_agent_outside_the_tickets_teams_cannot_escalate(network_path, policy, api_as):
    ticket = create_ticket(user("agent1"))
    stranger = UserFactory(username="stranger")
    TeamFactory(name="Elsewhere").members.add(stranger)
    response = api_as(stranger).post(
        f"/api/v1/tickets/{ticket.pk}/escalate/", {"to_tier": "L2", **HANDOFF}, format="json"
    )
    assert response.status_code == 404
    assert not Escalation.objects.exists()


def test_approval_flow_and_permissions(network_path, policy, api_as):
    ticket = create_ticket(user("agent1"))  # P3: L2 needs approval
    esc = (
        api_as(user("agent1"))
        .post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"to_tier": "L2", **HANDOFF}, format="json")
        .json()
    )
    assert esc["status"] == "requested"
    url = f"/api/v1/escalations/{esc['id']}/"
    assert api_as(user("agent1")).post(url + "approve/").status_code == 403  # not the manager
    approved = api_as(user("manager")).post(url + "approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == "active"
    again = api_as(user("manager")).post(url + "approve/")
    assert again.status_code == 400
    stranger = UserFactory(username="stranger")
    TeamFactory(name="Elsewhere").members.add(stranger)
    assert api_as(stranger).get(url).status_code == 404


def test_reject_needs_a_reason(network_path, policy, api_as):
    ticket = create_ticket(user("agent1"))
    esc = (
        api_as(user("agent1"))
        .post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"to_tier": "L2", **HANDOFF}, format="json")
        .json()
    )
    boss = api_as(user("manager"))
    url = f"/api/v1/escalations/{esc['id']}/reject/"
    assert boss.post(url, {}, format="json").status_code == 400
    rejected = boss.post(url, {"reason": "Try the runbook first"}, format="json")
    assert rejected.json()["status"] == "rejected"


def test_managed_escalation_through_the_api(network_path, policy, api_as):
    from escalations.models import PriorityCriterion

    PriorityCriterion.objects.create(
        name="Outage", keywords="outage", minimum_priority="P1", notify_management=True
    )
    ticket = create_ticket(user("agent1"), title="Total outage")
    esc = Escalation.objects.get(kind="hierarchical")
    boss = api_as(user("manager"))
    base = f"/api/v1/escalations/{esc.pk}/"
    assert (
        boss.post(
            base + "members/", {"role": "expert", "user": user("agent3").pk}, format="json"
        ).status_code
        == 201
    )
    assert boss.post(base + "members/", {"role": "expert"}, format="json").status_code == 400
    assert list(esc.members.values_list("role", "user")) == [("expert", user("agent3").pk)]
    item = boss.post(
        base + "action-items/",
        {"description": "Swap the switch", "owner": user("agent2").pk},
        format="json",
    )
    assert item.status_code == 201
    done = boss.patch(f"{base}action-items/{item.json()['id']}/", {"done": True}, format="json")
    assert done.json()["done_at"] is not None
    assert (
        boss.post(base + "monitor/", {"until": "2001-01-01T00:00:00Z"}, format="json").status_code
        == 400
    )
    assert (
        boss.post(base + "monitor/", {"until": "2099-01-01T00:00:00Z"}, format="json").json()[
            "status"
        ]
        == "monitoring"
    )
    close = boss.post(
        base + "close/", {"closure_note": "Done", "customer_agreed": True}, format="json"
    )
    assert close.status_code == 400
    assert "review" in close.json()
    review = boss.post(
        base + "review/",
        {
            "root_cause": "Firmware",
            "root_cause_category": "hardware",
            "effectiveness": 4,
            "handoff_quality": 6,
            "customer_satisfaction": 5,
        },
        format="json",
    )
    assert review.status_code == 400
    assert "handoff_quality" in review.json()
    review = boss.post(
        base + "review/",
        {
            "root_cause": "Firmware",
            "root_cause_category": "hardware",
            "effectiveness": 4,
            "handoff_quality": 5,
            "customer_satisfaction": 5,
        },
        format="json",
    )
    assert review.status_code == 200
    closed = boss.post(
        base + "close/", {"closure_note": "Done", "customer_agreed": True}, format="json"
    )
    assert closed.json()["status"] == "closed"
    assert (
        api_as(user("agent1")).post(base + "reopen/", {"reason": "x"}, format="json").status_code
        == 403
    )
    assert ticket.events.filter(kind="escalation").count() >= 6


def test_escalation_list_filters_and_query_count(
    network_path, policy, api_as, django_assert_num_queries
):
    agent1 = user("agent1")
    client = api_as(agent1)
    for n in range(3):
        t = create_ticket(agent1, impact=1, urgency=2, title=f"t{n}")
        client.post(
            f"/api/v1/tickets/{t.pk}/escalate/", {"to_tier": "L2", **HANDOFF}, format="json"
        )
    # token + user, teams, count, page, members, action items
    with django_assert_num_queries(6):
        listed = client.get("/api/v1/escalations/?status=active")
    assert listed.json()["count"] == 3
    for n in range(5):
        t = create_ticket(agent1, impact=1, urgency=2, title=f"more{n}")
        client.post(
            f"/api/v1/tickets/{t.pk}/escalate/", {"to_tier": "L2", **HANDOFF}, format="json"
        )
    with django_assert_num_queries(6):
        assert client.get("/api/v1/escalations/").json()["count"] == 8


def test_paths_api_validates_levels(api_as, admin_user, l1_team, l2_team):
    client = api_as(admin_user)
    ok = client.post(
        "/api/v1/escalation-paths/",
        {
            "name": "Default",
            "is_default": True,
            "levels": [
                {"position": 1, "tier": "L1", "teams": [l1_team.pk], "time_limit_minutes": 30},
                {"position": 2, "tier": "L2", "teams": [l2_team.pk]},
            ],
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert EscalationPath.objects.get().levels.count() == 2
    for levels in (
        [],
        [
            {"position": 1, "tier": "L2", "teams": [l2_team.pk]},
            {"position": 2, "tier": "L1", "teams": [l1_team.pk]},
        ],
        [{"position": 2, "tier": "L1", "teams": [l1_team.pk]}],
        [{"position": 1, "tier": "L1", "teams": []}],
    ):
        bad = client.post(
            "/api/v1/escalation-paths/", {"name": "Bad", "levels": levels}, format="json"
        )
        assert bad.status_code == 400
        assert "levels" in bad.json()
    second_default = client.post(
        "/api/v1/escalation-paths/",
        {
            "name": "Other",
            "is_default": True,
            "levels": [{"position": 1, "tier": "L1", "teams": [l1_team.pk]}],
        },
        format="json",
    )
    assert "is_default" in second_default.json()


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_double_submitted_manual_escalation_creates_one_record(network_path, policy):
    from django.db import connections

    from escalations.services.escalate import escalation_request

    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2)
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        barrier.wait()
        try:
            escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ValidationError", "ok"]
    assert Escalation.objects.count() == 1
