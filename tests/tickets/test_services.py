import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import CategoryFactory, TeamFactory, UserFactory, create_ticket
from tickets import services
from tickets.models import Comment, Status, Ticket, TicketEvent, Tier


def kinds(ticket):
    return list(ticket.events.values_list("kind", "field", "old_value", "new_value"))


def test_create_derives_priority_and_records_creation(agent, l1_team):
    ticket = create_ticket(agent, impact=1, urgency=2)
    assert ticket.priority == "P1"
    assert ticket.status == Status.NEW
    assert ticket.team == l1_team
    assert ticket.level == Tier.L1
    assert ticket.reference == f"ESC-{ticket.pk:06d}"
    event = ticket.events.get()
    assert (event.kind, event.actor, event.new_value) == ("created", agent, "P1")
    assert "impact 1 x urgency 2" in event.note


def test_create_by_requester_takes_details_from_the_account(requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="Help", description="Broken.")
    assert ticket.requester == requester
    assert ticket.requester_email == "customer@acme.example"
    assert ticket.organization == requester.organization
    assert (ticket.impact, ticket.urgency, ticket.priority) == (3, 3, "P3")
    assert ticket.team == l1_team


def test_requester_naming_someone_else_is_refused_field_by_field(requester, l1_team):
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(
            actor=requester,
            title="Help",
            description="Broken.",
            requester_name=str(requester),  # their own name, as a client fills it in
            requester_email="someone@else.example",
        )
    assert set(refused.value.message_dict) == {"requester_email"}
    assert not Ticket.objects.exists()

    own = services.ticket_create(
        actor=requester,
        title="Help",
        description="Broken.",
        requester_email="Customer@ACME.example",
        organization=requester.organization,
    )
    assert own.requester_email == "customer@acme.example"


def test_requester_cannot_choose_team_or_assignee(requester, l1_team):
    with pytest.raises(PermissionDenied):
        services.ticket_create(actor=requester, title="x", description="y", team=l1_team)
    assert not Ticket.objects.exists()


def test_invalid_ticket_leaves_nothing_behind(agent):
    with pytest.raises(ValidationError) as info:
        create_ticket(agent, title="x" * 1000, requester_email="not-an-email")
    assert {"title", "requester_email"} <= set(info.value.message_dict)
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


def test_assignee_must_belong_to_the_team(agent, other_agent, l1_team):
    with pytest.raises(ValidationError) as info:
        create_ticket(agent, team=l1_team, assignee=other_agent)
    assert "assignee" in info.value.message_dict
    ticket = create_ticket(agent, team=l1_team, assignee=agent)
    assert ticket.assignee == agent
    assert ("assigned", "assignee", "", str(agent)) in kinds(ticket)


def test_team_manager_can_be_assigned(agent, l1_team):
    boss = UserFactory(username="boss")
    l1_team.manager = boss
    l1_team.save()
    assert create_ticket(agent, assignee=boss).assignee == boss


def test_inactive_category_is_refused(agent):
    old = CategoryFactory(name="Fax machines", is_active=False)
    with pytest.raises(ValidationError) as info:
        create_ticket(agent, category=old)
    assert "category" in info.value.message_dict


def test_update_recomputes_priority_and_audits_each_field(agent):
    ticket = create_ticket(agent)
    ticket = services.ticket_update(
        ticket=ticket, actor=agent, data={"impact": 1, "urgency": 1, "title": "VPN down"}
    )
    assert ticket.priority == "P1"
    events = kinds(ticket)
    assert ("changed", "impact", "3", "1") in events
    assert ("changed", "urgency", "3", "1") in events
    assert ("changed", "title", "VPN is down", "VPN down") in events
    priority_event = ticket.events.get(field="priority", kind="priority")
    assert (priority_event.old_value, priority_event.new_value) == ("P3", "P1")


def test_update_without_changes_writes_nothing(agent):
    ticket = create_ticket(agent)
    services.ticket_update(ticket=ticket, actor=agent, data={"impact": 3})
    assert ticket.events.count() == 1


def test_moving_to_another_team_drops_an_assignee_outside_it(agent, l2_team):
    ticket = create_ticket(agent, assignee=agent)
    ticket = services.ticket_update(ticket=ticket, actor=agent, data={"team": l2_team})
    assert ticket.team == l2_team
    assert ticket.assignee is None
    assert ("assigned", "assignee", str(agent), "") in kinds(ticket)


def test_requester_cannot_edit(agent, requester):
    ticket = create_ticket(agent, requester_email=requester.email)
    with pytest.raises(PermissionDenied):
        services.ticket_update(ticket=ticket, actor=requester, data={"impact": 1})


def test_update_refuses_fields_it_does_not_own(agent):
    ticket = create_ticket(agent)
    with pytest.raises(ValidationError) as info:
        services.ticket_update(ticket=ticket, actor=agent, data={"status": "closed"})
    assert "status" in info.value.message_dict


def test_transition_walks_the_workflow_and_stamps_times(agent):
    ticket = create_ticket(agent)
    for status in ("open", "pending", "open", "resolved"):
        ticket = services.ticket_transition(ticket=ticket, actor=agent, status=status)
    assert ticket.resolved_at is not None
    ticket = services.ticket_transition(ticket=ticket, actor=agent, status="open", note="Again")
    assert ticket.resolved_at is None
    ticket = services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    ticket = services.ticket_transition(ticket=ticket, actor=agent, status="closed")
    assert ticket.closed_at is not None
    statuses = [e[2:] for e in kinds(ticket) if e[0] == "status"]
    assert statuses == [
        ("new", "open"),
        ("open", "pending"),
        ("pending", "open"),
        ("open", "resolved"),
        ("resolved", "open"),
        ("open", "resolved"),
        ("resolved", "closed"),
    ]


def test_invalid_transition_is_refused_and_nothing_changes(agent):
    ticket = create_ticket(agent)
    with pytest.raises(ValidationError) as info:
        services.ticket_transition(ticket=ticket, actor=agent, status="closed")
    assert "status" in info.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.events.count() == 1


def test_requester_may_only_answer_reopen_or_close(agent, requester):
    ticket = create_ticket(agent, requester_email=requester.email)
    with pytest.raises(PermissionDenied):
        services.ticket_transition(ticket=ticket, actor=requester, status="resolved")
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    ticket = services.ticket_transition(ticket=ticket, actor=requester, status="closed")
    assert ticket.status == "closed"


def test_first_public_reply_opens_a_new_ticket(agent):
    ticket = create_ticket(agent)
    services.comment_add(ticket=ticket, actor=agent, body="Looking", is_public=False)
    ticket.refresh_from_db()
    assert ticket.status == "new"
    services.comment_add(ticket=ticket, actor=agent, body="We are on it")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.events.filter(kind="commented").count() == 2


def test_requester_reply_reopens_pending_and_resolved_tickets(agent, requester):
    ticket = create_ticket(agent, requester_email=requester.email)
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    services.comment_add(ticket=ticket, actor=requester, body="Here are the logs")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    services.comment_add(ticket=ticket, actor=requester, body="Still broken")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.resolved_at is None


def test_requester_cannot_write_internal_notes(agent, requester):
    ticket = create_ticket(agent, requester_email=requester.email)
    with pytest.raises(PermissionDenied):
        services.comment_add(ticket=ticket, actor=requester, body="psst", is_public=False)
    assert not Comment.objects.exists()


def test_closed_ticket_takes_no_comments(agent):
    ticket = create_ticket(agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    services.ticket_transition(ticket=ticket, actor=agent, status="closed")
    with pytest.raises(ValidationError):
        services.comment_add(ticket=ticket, actor=agent, body="late")
    assert not Comment.objects.exists()


def test_events_are_append_only(agent):
    ticket = create_ticket(agent)
    event = ticket.events.get()
    event.note = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


def test_new_ticket_without_l1_team_has_no_team(db):
    agent = UserFactory()
    TeamFactory(tier=Tier.L2).members.add(agent)
    ticket = create_ticket(agent)
    assert ticket.team is None
    assert ticket.level == Tier.L1
