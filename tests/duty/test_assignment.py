"""Automatic assignment within a team: round-robin or least-loaded among the
agents on duty and not absent, capped, optionally by skill; on team entry, when
an assignee goes off duty, and on demand."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from escalations.models import Absence, DutyProfile, TeamAssignment
from escalations.services.duty import assignment
from tests.duty.helpers import H, on_duty
from tests.factories import CategoryFactory, TeamFactory, TicketFactory, UserFactory, create_ticket
from tests.races import in_thread, on_postgresql
from tickets.models import Ticket, TicketEvent, Tier, User


@pytest.fixture
def desk(db):
    """A team of three agents with round-robin assignment, three tickets each at most."""
    agents = [UserFactory(username=f"rr{i}") for i in range(3)]
    team = TeamFactory(name="Round Desk", tier=Tier.L1, members=agents)
    TeamAssignment.objects.create(team=team, mode="round_robin", cap=3)
    return team, agents


def new_ticket(team, **fields):
    ticket = TicketFactory(team=team, **fields)
    return assignment.ticket_assign_auto(ticket=ticket, why="test") or ticket


def test_round_robin_takes_turns_and_says_why(desk):
    team, agents = desk
    assigned = [new_ticket(team).assignee for _ in range(4)]
    assert assigned == [agents[0], agents[1], agents[2], agents[0]]
    event = TicketEvent.objects.filter(kind="assigned").last()
    assert "Round-robin" in event.note


def test_least_loaded_picks_the_agent_with_fewest_open_tickets(desk):
    team, agents = desk
    TeamAssignment.objects.filter(team=team).update(mode="least_loaded")
    TicketFactory(team=team, assignee=agents[0], status="open")
    TicketFactory(team=team, assignee=agents[1], status="open")
    assert new_ticket(team).assignee == agents[2]


def test_nobody_gets_more_than_the_cap(desk):
    team, _agents = desk
    TeamAssignment.objects.filter(team=team).update(cap=1)
    results = [new_ticket(team).assignee for _ in range(4)]
    assert sorted(r.username for r in results[:3]) == ["rr0", "rr1", "rr2"]
    assert results[3] is None


def test_absent_and_off_duty_agents_are_skipped(desk):
    team, agents = desk
    now = timezone.now()
    Absence.objects.create(user=agents[0], starts_at=now - H, ends_at=now + H)
    assert {new_ticket(team).assignee for _ in range(2)} == {agents[1], agents[2]}
    on_duty(team)  # off duty from now on
    assert new_ticket(team).assignee is None


def test_skill_match_on_the_category(desk):
    team, agents = desk
    TeamAssignment.objects.filter(team=team).update(match_skills=True)
    network = CategoryFactory(name="Network")
    DutyProfile.objects.create(user=agents[2]).skills.add(network)
    assert new_ticket(team, category=network).assignee == agents[2]


def test_ticket_entering_a_team_is_assigned(network_path, policy):
    TeamAssignment.objects.create(team=network_path.teams["L1"], mode="round_robin")
    ticket = create_ticket(User.objects.get(username="agent1"))
    ticket.refresh_from_db()
    assert ticket.assignee.username == "agent1"


def test_assignee_going_off_duty_hands_open_p1_to_someone_on_duty(desk):
    team, agents = desk
    ticket = TicketFactory(team=team, assignee=agents[0], status="open", impact=1, urgency=1)
    now = timezone.now()
    Absence.objects.create(user=agents[0], starts_at=now - H, ends_at=now + H)
    assert assignment.off_duty_reassign_sweep() == 1
    ticket.refresh_from_db()
    assert ticket.assignee == agents[1]
    assert assignment.off_duty_reassign_sweep() == 0


def test_assign_next_gives_the_most_urgent_unassigned_ticket(desk):
    team, agents = desk
    TicketFactory(team=team, status="open", impact=3, urgency=3)
    urgent = TicketFactory(team=team, status="open", impact=1, urgency=1)
    got = assignment.ticket_assign_next(agent=agents[1], actor=agents[1])
    assert got.pk == urgent.pk
    assert got.assignee == agents[1]
    with pytest.raises(PermissionDenied):
        assignment.ticket_assign_next(agent=agents[1], actor=agents[2])


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_tickets_entering_at_once_respect_the_cap():
    agents = [UserFactory(username=f"race{i}") for i in range(2)]
    team = TeamFactory(name="Race Desk", tier=Tier.L1, members=agents)
    TeamAssignment.objects.create(team=team, mode="least_loaded", cap=2)
    tickets = [TicketFactory(team=team) for _ in range(8)]
    start, errors = threading.Barrier(8), []

    def enter(ticket):
        def run():
            start.wait()
            with transaction.atomic():
                assignment.ticket_assign_auto(ticket=ticket.pk, why="race")

        return run

    threads = [in_thread(enter(t), errors) for t in tickets]
    for thread in threads:
        thread.join()
    assert errors == []
    loads = assignment.open_loads([a.pk for a in agents])
    assert loads == {agents[0].pk: 2, agents[1].pk: 2}
    assert Ticket.objects.filter(assignee__isnull=True).count() == 4
    assert TicketEvent.objects.filter(kind="assigned").count() == 4


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_teams_sharing_an_agent_never_exceed_the_agents_cap():
    shared = UserFactory(username="shared")
    teams = [TeamFactory(name=f"Shared {i}", tier=Tier.L1, members=[shared]) for i in range(2)]
    for team in teams:
        TeamAssignment.objects.create(team=team, mode="round_robin", cap=3)
    tickets = [TicketFactory(team=teams[i % 2]) for i in range(10)]
    start, errors = threading.Barrier(10), []

    def enter(ticket):
        def run():
            start.wait()
            assignment.ticket_assign_auto(ticket=ticket.pk, why="race")

        return run

    for thread in [in_thread(enter(t), errors) for t in tickets]:
        thread.join()
    assert errors == []
    assert assignment.open_loads([shared.pk]) == {shared.pk: 3}
