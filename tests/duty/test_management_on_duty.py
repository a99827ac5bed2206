"""Management on duty: breach notices and hierarchical escalation go to the
manager on call in the management team's rotation, else to the team manager."""

from datetime import date, time

import pytest
from django.utils import timezone

from escalations.models import Escalation, Rotation, RotationMember, TeamSchedule
from escalations.services.managed import managed_escalation_open
from escalations.services.sweep import sla_sweep
from notifications.models import Notification
from tests.factories import UserFactory, create_ticket
from tests.races import age_clocks
from tickets.models import Team, User


@pytest.fixture
def on_call_managers(network_path):
    """IT Management's weekly on-call rotation: duty1 this week (a one-person rotation)."""
    management = Team.objects.get(name="IT Management")
    duty1 = UserFactory(username="duty1")
    management.members.add(duty1)
    schedule = TeamSchedule.objects.create(team=management, time_zone="Europe/Warsaw")
    rotation = Rotation.objects.create(
        schedule=schedule,
        name="Managers",
        shift_hours=168,
        handoff_time=time(9),
        starts_on=date(2026, 1, 5),
    )
    RotationMember.objects.create(rotation=rotation, user=duty1, position=1)
    return duty1


def told(kind, ticket):
    return {n.recipient.username for n in Notification.objects.filter(kind=kind, ticket=ticket)}


def test_breach_goes_to_the_manager_on_call(on_call_managers, policy):
    ticket = create_ticket(User.objects.get(username="agent1"))
    age_clocks(minutes=61)
    sla_sweep()
    assert "duty1" in told("sla.breach", ticket)
    assert "manager" not in told("sla.breach", ticket)


def test_breach_falls_back_to_the_team_manager_without_anyone_on_call(network_path, policy):
    ticket = create_ticket(User.objects.get(username="agent1"))
    age_clocks(minutes=61)
    sla_sweep()
    assert "manager" in told("sla.breach", ticket)


def test_hierarchical_escalation_goes_to_the_management_on_duty(on_call_managers, policy):
    ticket = create_ticket(User.objects.get(username="agent1"))
    managed_escalation_open(
        ticket=ticket,
        actor=User.objects.get(username="agent1"),
        trigger=Escalation.Trigger.MANUAL,
        reason="Customer escalated",
        now=timezone.now(),
    )
    assert told("escalation.opened", ticket) == {"duty1"}
    assert Escalation.objects.get(ticket=ticket).manager.username == "duty1"
    assert "agent3" not in told("escalation.opened", ticket)
