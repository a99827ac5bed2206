"""Agents keep read access to tickets they take part in outside their teams."""

import pytest

from escalations.models import Escalation, EscalationTeamMember
from escalations.services import escalate
from tests.escalations.data import HANDOFF, user
from tests.factories import TeamFactory, UserFactory, create_ticket
from tickets import services
from tickets.models import Ticket
from tickets.selectors import ticket_list


@pytest.fixture
def escalated(network_path, policy):
    """agent1 (L1) escalates a ticket to L2; the L2 manager approves it."""
    ticket = create_ticket(user("agent1"), impact=3, urgency=3)
    escalation = escalate.escalation_request(
        ticket=ticket, actor=user("agent1"), to_tier="L2", **HANDOFF
    )
    escalation = escalate.escalation_approve(escalation=escalation, actor=user("manager"))
    ticket.refresh_from_db()
    assert ticket.team.tier == "L2"
    return ticket, escalation


def test_the_agent_who_escalated_still_reads_the_ticket(escalated, client):
    ticket, _escalation = escalated
    client.force_login(user("agent1"))
    page = client.get(ticket.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    # Read, internal notes and follow; no status, routing or escalate forms.
    assert 'id="reach-note"' in body
    assert 'id="transition-form"' not in body
    assert 'id="ticket-properties"' not in body
    assert 'id="escalate-form"' not in body
    assert 'value="public"' not in body
    assert 'id="follow-form"' in body


def test_the_hand_over_note_is_offered_only_to_those_who_may_save_it(escalated, client):
    from escalations.models import HandoverNote

    ticket, _escalation = escalated
    HandoverNote.objects.create(ticket=ticket, text="Waiting for the ISP.")
    client.force_login(user("agent1"))  # reads the ticket from outside its team
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="handover-form"' not in body
    assert "Waiting for the ISP." in body  # shown, not offered for editing
    assert (
        client.post(f"/duty/tickets/{ticket.pk}/handover-note/", {"text": "x"}).status_code == 404
    )
    client.force_login(user("agent2"))  # works on it now
    assert 'id="handover-form"' in client.get(ticket.get_absolute_url()).content.decode()


def test_an_involved_agent_adds_an_internal_note_but_no_public_reply(escalated, client):
    ticket, _escalation = escalated
    client.force_login(user("agent1"))
    url = f"/tickets/{ticket.pk}/comment/"
    refused = client.post(url, {"body": "Customer called", "is_public": "public"})
    assert refused.status_code == 400
    assert ticket.comments.count() == 0
    done = client.post(url, {"body": "Customer called", "is_public": "internal"})
    assert done.status_code == 302
    assert ticket.comments.get().is_public is False
    # Still no work on the ticket itself.
    assert (
        client.post(f"/tickets/{ticket.pk}/transition/", {"status": "pending"}).status_code == 404
    )


def test_a_former_assignee_keeps_read_access(network_path, policy, client):
    l1 = network_path.teams["L1"]
    ticket = create_ticket(user("agent1"), team=l1, assignee=user("agent1"))
    services.ticket_route(
        ticket=ticket, actor=None, team=network_path.teams["L2"], level="L2", note="moved"
    )
    client.force_login(user("agent1"))
    assert client.get(ticket.get_absolute_url()).status_code == 200


def test_an_escalation_team_member_reads_the_ticket_and_the_escalation(escalated, client):
    ticket, escalation = escalated
    outsider = UserFactory(username="expert")
    network_path_l1 = user("agent1").teams.first()
    network_path_l1.members.add(outsider)
    EscalationTeamMember.objects.create(
        escalation=escalation, user=outsider, role=EscalationTeamMember.Role.EXPERT
    )
    client.force_login(outsider)
    assert client.get(ticket.get_absolute_url()).status_code == 200
    assert client.get(f"/escalations/{escalation.pk}/").status_code == 200


def test_requesters_and_strangers_still_get_a_404(escalated, client):
    ticket, _escalation = escalated
    client.force_login(UserFactory(username="stranger"))
    assert client.get(ticket.get_absolute_url()).status_code == 404


def test_the_escalation_page_offers_no_update_to_whom_cannot_send_one(escalated, client):
    _ticket, escalation = escalated
    assert escalation.status == Escalation.Status.ACTIVE
    client.force_login(user("agent1"))
    body = client.get(f"/escalations/{escalation.pk}/").content.decode()
    assert 'id="status-update-form"' not in body


def test_following_is_offered_and_recorded(escalated, client):
    ticket, _escalation = escalated
    client.force_login(user("agent1"))
    assert client.post(f"/tickets/{ticket.pk}/follow/", {"follow": "1"}).status_code == 302
    assert ticket.followers.get(user=user("agent1")).notify is True
    body = client.get(ticket.get_absolute_url()).content.decode()
    assert "Unfollow" in body


def test_every_escalation_the_ticket_page_links_opens_for_an_involved_agent(
    escalated, network_path, client
):
    """agent1 escalated to L2; agent2 (L2) then escalates to L3: agent1 still reads
    the ticket, and the later escalation its page links too (read only)."""
    ticket, first = escalated
    later = escalate.escalation_request(
        ticket=ticket, actor=user("agent2"), to_tier="L3", **HANDOFF
    )
    if later.status == Escalation.Status.REQUESTED:
        later = escalate.escalation_approve(escalation=later, actor=user("manager"))
    client.force_login(user("agent1"))
    body = client.get(ticket.get_absolute_url()).content.decode()
    for escalation in (first, later):
        assert f'href="/escalations/{escalation.pk}/"' in body
        page = client.get(f"/escalations/{escalation.pk}/")
        assert page.status_code == 200, escalation
    # Read only: no decision, no status update to write.
    page = client.get(f"/escalations/{later.pk}/").content.decode()
    assert 'id="approve-form"' not in page
    assert "Write an update" not in page
    # An agent who takes no part in it still gets a 404.
    outsider = UserFactory(username="outsider")
    network_path.teams["L1"].members.add(outsider)
    client.force_login(outsider)
    assert client.get(f"/escalations/{later.pk}/").status_code == 404


def test_the_agent_who_opened_a_ticket_for_another_team_still_reads_it(
    network_path, policy, client, api_as
):
    """Opened for a caller and routed to a team the agent is not in (a team on duty
    elsewhere, say): the agent is not shown a 404 after "Create"."""
    agent1 = user("agent1")
    apac = TeamFactory(name="Service Desk APAC", tier="L1")
    apac.members.add(UserFactory(username="agent4"))
    ticket = create_ticket(agent1)
    Ticket.objects.filter(pk=ticket.pk).update(team=apac)  # routed as duty does
    assert not ticket_list(user=agent1).filter(pk=ticket.pk).exists()

    client.force_login(agent1)
    page = client.get(ticket.get_absolute_url())
    assert page.status_code == 200
    assert 'id="reach-note"' in page.content.decode()

    api = api_as(agent1)
    assert api.get(f"/api/v1/tickets/{ticket.pk}/").status_code == 200
    # reading, not working: changes stay with the team's agents
    assert (
        api.patch(f"/api/v1/tickets/{ticket.pk}/", {"urgency": 1}, format="json").status_code == 404
    )
    assert ticket.pk not in [row["id"] for row in api.get("/api/v1/tickets/").json()["results"]]

    stranger = UserFactory(username="stranger")
    client.force_login(stranger)
    assert client.get(ticket.get_absolute_url()).status_code == 404
