"""Who hears about what: each event's recipients, preferences and channels."""

from datetime import UTC, datetime, timedelta

from escalations.models import Escalation
from escalations.services import escalate, managed, managed_team
from escalations.services.sweep import sla_sweep
from notifications import recipients as to
from notifications.models import Delivery, Notification, Preference
from notifications.templatetags.inbox_tags import summary
from tests.factories import UserFactory, create_ticket
from tickets import services
from tickets.models import Team, User

HANDOFF = {
    "summary": "Core switch flapping",
    "steps_taken": "Rebooted the access switch",
    "impact_assessment": "Warsaw office offline",
    "customer_context": "Acme Retail, VIP",
    "time_constraints": "Payroll at 16:00",
    "assistance_requested": "Check the core switch",
}


def user(name):
    return User.objects.get(username=name)


def inbox_of(*names, kind):
    return set(
        Notification.objects.filter(kind=kind, recipient__username__in=names).values_list(
            "recipient__username", flat=True
        )
    )


def recipients(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def emails(kind):
    return set(
        Delivery.objects.filter(kind=kind, channel="email").values_list("address", flat=True)
    )


def test_new_ticket_tells_the_landing_team_and_the_requester(network_path, policy):
    creator = UserFactory(username="dispatcher")
    network_path.teams["L1"].members.add(creator)
    ticket = create_ticket(creator, requester_email="rita@acme.example")
    assert ticket.team.name == "Service Desk"
    # The creator is not told about their own action; the L1 agent is.
    assert recipients("ticket.created") == {"agent1"}
    assert emails("ticket.created") == {"agent1@example.com", "rita@acme.example"}


def test_new_ticket_routed_to_another_team_tells_that_team(network_path, policy):
    """Level 1 of the path is not the default L1 team: the team the ticket
    lands on is told, not the one it was created in."""
    from tests.factories import TeamFactory
    from tickets.models import Tier

    field_team = TeamFactory(name="Warsaw Field Support", tier=Tier.L1)
    field_team.members.add(UserFactory(username="fieldagent"))
    level1 = network_path.levels.get(position=1)
    level1.teams.set([field_team])
    dispatcher = UserFactory(username="dispatcher", is_superuser=True)
    ticket = create_ticket(dispatcher)
    assert ticket.team == field_team
    assert recipients("ticket.created") == {"fieldagent"}


def test_assignment_tells_the_assignee_only(network_path, policy):
    agent1 = user("agent1")
    colleague = UserFactory(username="colleague")
    network_path.teams["L1"].members.add(colleague)
    ticket = create_ticket(agent1)
    services.ticket_update(ticket=ticket, actor=agent1, data={"assignee": colleague})
    assert recipients("ticket.assigned") == {"colleague"}


def test_public_agent_reply_reaches_the_requester_internal_note_does_not(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, requester_email="rita@acme.example")
    services.comment_add(ticket=ticket, actor=agent1, body="Internal only", is_public=False)
    assert emails("ticket.replied") == set()
    services.comment_add(ticket=ticket, actor=agent1, body="We are on it", is_public=True)
    delivery = Delivery.objects.get(kind="ticket.replied")
    assert delivery.address == "rita@acme.example"
    assert delivery.context["extra"]["body"] == "We are on it"


def test_sla_breach_tells_the_owner_and_the_team_manager(agent, l1_team, policy):
    l1_team.manager = UserFactory(username="lead")
    l1_team.save()
    ticket = create_ticket(agent, impact=3, urgency=3, team=l1_team)
    now = datetime.now(UTC)
    sla_sweep(now=now + timedelta(minutes=46))  # 75 % of the 60 min first response
    assert recipients("sla.warning") == {"agent1"}
    sla_sweep(now=now + timedelta(minutes=61))
    assert recipients("sla.breach") == {"agent1", "lead"}
    breach = Notification.objects.get(kind="sla.breach", recipient__username="agent1")
    assert breach.subject == f"[{ticket.reference}] First response breached (P3)"
    # Once per breach, however often the sweep runs.
    sla_sweep(now=now + timedelta(minutes=62))
    assert Notification.objects.filter(kind="sla.breach").count() == 2


def test_level_time_limit_is_told_as_an_escalation_not_as_a_breach(network_path, policy):
    create_ticket(user("agent1"), impact=3, urgency=3)
    sla_sweep(now=datetime.now(UTC) + timedelta(minutes=31))
    assert recipients("escalation.escalated") == {"agent2", "manager"}
    assert not Notification.objects.filter(kind="sla.breach").exists()


def test_functional_escalation_tells_the_new_team_and_its_manager(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2)  # P1/P2: no approval asked
    escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Need L2", **HANDOFF
    )
    assert recipients("escalation.escalated") == {"agent2", "manager"}
    message = Notification.objects.get(kind="escalation.escalated", recipient__username="agent2")
    assert "L2" in message.subject
    assert "Core switch flapping" in message.body
    # Messages and webhook bodies describe the ticket where it now is.
    told = Delivery.objects.filter(kind="escalation.escalated").first().context
    assert told["ticket"]["level"] == "L2"
    assert told["ticket"]["team"] == "Network Engineering (L2)"
    assert told["escalation"]["team"] == "Network Engineering (L2)"


def test_approval_request_goes_to_the_target_manager_and_the_decision_back(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=3, urgency=3)  # P3: L2 needs approval
    escalation = escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Need L2", **HANDOFF
    )
    assert escalation.status == Escalation.Status.REQUESTED
    assert recipients("escalation.requested") == {"manager"}
    escalate.escalation_reject(escalation=escalation, actor=user("manager"), reason="L1 can do it")
    assert not recipients("escalation.escalated")
    decided = Notification.objects.get(kind="escalation.decided")
    assert decided.recipient.username == "agent1"
    assert "L1 can do it" in decided.body
    assert ": rejected." in decided.body
    # the inbox shows one line: the decision and why
    assert summary(decided.body).endswith("rejected. Why: L1 can do it")
    assert decided.subject.endswith("Escalation rejected")


def test_an_approved_request_tells_the_new_team_as_it_moves(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=3, urgency=3)
    escalation = escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Need L2", **HANDOFF
    )
    escalate.escalation_approve(escalation=escalation, actor=user("manager"))
    assert recipients("escalation.decided") == {"agent1"}
    decided = Notification.objects.get(kind="escalation.decided")
    assert ": approved." in decided.body  # the decision, not the status after it ("active")
    from notifications.rendering import render_message

    told = Delivery.objects.filter(kind="escalation.decided").first().context
    text = render_message(
        kind="escalation.decided", context=told, language="pl", time_zone="UTC"
    ).text
    assert "zatwierdzona" in text
    assert recipients("escalation.escalated") == {"agent2"}  # the approver acted
    told = Delivery.objects.filter(kind="escalation.escalated").first().context
    assert told["ticket"]["level"] == "L2"


def test_hierarchical_escalation_tells_the_manager_and_the_management_chain(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=1, urgency=1)
    managed.managed_escalation_open(
        ticket=ticket,
        actor=agent1,
        trigger="manual",
        reason="Outage at a VIP",
        now=datetime.now(UTC),
    )
    assert recipients("escalation.opened") == {"manager"}  # manager of every team, MGMT member
    escalation = Escalation.objects.get(kind="hierarchical")
    managed.managed_escalation_monitor(
        escalation=escalation,
        actor=user("manager"),
        until=datetime.now(UTC) + timedelta(days=2),
    )
    assert recipients("escalation.monitoring") == set()  # the manager acted; nobody else on it


def test_the_end_of_monitoring_tells_the_manager_and_the_team_to_act(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=1, urgency=1)
    start = datetime.now(UTC)
    escalation = managed.managed_escalation_open(
        ticket=ticket, actor=agent1, trigger="manual", reason="VIP", now=start
    )
    expert = UserFactory(username="expert")  # team members are agents (or contacts)
    Team.objects.get(name="Senior Architects").members.add(expert)
    managed_team.escalation_member_add(
        escalation=escalation, actor=user("manager"), role="expert", user=expert
    )
    managed.managed_escalation_monitor(
        escalation=escalation, actor=user("manager"), until=start + timedelta(hours=1)
    )
    assert managed.monitoring_sweep(now=start + timedelta(hours=2)) == 1
    assert recipients("escalation.monitoring_ended") == {"manager", "expert"}
    told = Notification.objects.get(
        kind="escalation.monitoring_ended", recipient__username="manager"
    )
    assert "Monitoring period ended" in told.subject
    assert "close the escalation" in told.body
    assert "manager@example.com" in emails("escalation.monitoring_ended")


def test_an_assignee_set_at_creation_is_told_of_the_assignment(network_path, policy):
    agent1 = user("agent1")
    boss = user("manager")  # manages the team without being a member of it
    ticket = create_ticket(agent1, assignee=boss)
    assert ticket.assignee == boss
    assert recipients("ticket.assigned") == {"manager"}


def test_an_inactive_assignee_leaves_the_owner_messages_to_the_team(agent, l1_team, policy):
    gone = UserFactory(username="gone")
    l1_team.members.add(gone)
    ticket = create_ticket(agent, team=l1_team)
    services.ticket_update(ticket=ticket, actor=agent, data={"assignee": gone})
    User.objects.filter(pk=gone.pk).update(is_active=False)
    ticket.refresh_from_db()
    assert {r.user.username for r in to.owner(ticket)} == {"agent1"}


def test_a_request_to_a_team_without_a_manager_goes_to_the_admins(network_path, policy):
    Team.objects.filter(pk=network_path.teams["L2"].pk).update(manager=None)
    UserFactory(username="root", is_superuser=True, is_staff=True)
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=3, urgency=3)
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", reason="L2", **HANDOFF)
    assert recipients("escalation.requested") == {"root"}


def test_preferences_switch_channels_off_per_event(network_path, policy):
    agent1 = user("agent1")
    agent2 = user("agent2")
    Preference.objects.create(
        user=agent2, kind="escalation.escalated", channel="email", enabled=False
    )
    Preference.objects.create(
        user=agent2, kind="escalation.escalated", channel="inapp", enabled=False
    )
    manager = user("manager")
    Preference.objects.create(
        user=manager, kind="escalation.escalated", channel="email", enabled=False
    )
    ticket = create_ticket(agent1, impact=1, urgency=2)
    escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Need L2", **HANDOFF
    )
    assert recipients("escalation.escalated") == {"manager"}
    assert emails("escalation.escalated") == set()


def test_sla_warning_e_mail_is_off_by_default_but_can_be_switched_on(network_path, policy):
    agent1 = user("agent1")
    create_ticket(agent1)
    Preference.objects.create(user=agent1, kind="sla.warning", channel="email", enabled=True)
    sla_sweep(now=datetime.now(UTC) + timedelta(minutes=46))
    assert emails("sla.warning") == {"agent1@example.com"}


def test_inactive_users_are_not_told(network_path, policy):
    agent2 = user("agent2")
    agent2.is_active = False
    agent2.save()
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2)
    escalate.escalation_request(
        ticket=ticket, actor=agent1, to_tier="L2", reason="Need L2", **HANDOFF
    )
    assert "agent2" not in recipients("escalation.escalated")


def test_a_requester_filing_a_ticket_gets_a_receipt(network_path, policy):
    customer = UserFactory(username="customer", email="customer@acme.example")
    ticket = create_ticket(customer)
    receipt = Notification.objects.get(kind="ticket.created", recipient=customer)
    assert ticket.reference in receipt.subject
    assert Delivery.objects.filter(kind="ticket.created", user=customer, channel="email").exists()
    # the desk hears of it as before; an agent filing for a caller gets no receipt
    assert recipients("ticket.created") >= {"agent1", "customer"}
    agent1 = user("agent1")
    for_caller = create_ticket(agent1, requester_email="caller@acme.example")
    told = Notification.objects.filter(kind="ticket.created", ticket=for_caller)
    assert not told.filter(recipient=agent1).exists()
