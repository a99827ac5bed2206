"""A priority criterion naming a tier the ticket's path lacks sends the ticket as
high as the path goes below that tier."""

import pytest

from escalations.models import Escalation, EscalationLevel, EscalationPath, PriorityCriterion
from escalations.services import automatic
from tests.factories import TeamFactory, UserFactory, create_ticket
from tickets import services
from tickets.models import Tier


@pytest.fixture
def short_path(db, policy):
    """L1 Service Desk -> L2 Network Engineering -> IT Management: no L3."""
    path = EscalationPath.objects.create(name="Short", is_default=True)
    agent = UserFactory(username="agent1")
    for position, (name, tier) in enumerate(
        [("Service Desk", Tier.L1), ("Network Engineering", Tier.L2), ("IT Management", Tier.MGMT)],
        start=1,
    ):
        team = TeamFactory(name=name, tier=tier)
        if tier == Tier.L1:
            team.members.add(agent)
        level = EscalationLevel.objects.create(path=path, position=position, tier=tier)
        level.teams.add(team)
    return path


def test_a_jump_to_a_missing_tier_goes_to_the_highest_level_below_it(short_path):
    PriorityCriterion.objects.create(
        name="Security", if_security=True, minimum_priority="P1", jump_to_level="L3"
    )
    ticket = create_ticket(
        short_path.levels.first().teams.first().members.first(), is_security=True
    )
    ticket.refresh_from_db()
    assert (ticket.level, ticket.team.name, ticket.route.level.tier) == (
        "L2",
        "Network Engineering",
        "L2",
    )
    jump = Escalation.objects.get()
    assert (jump.kind, jump.trigger, jump.from_tier, jump.to_tier) == (
        "functional",
        "severity",
        "L1",
        "L2",
    )


def test_a_jump_matching_later_also_lands_below_the_missing_tier(short_path):
    agent = short_path.levels.first().teams.first().members.first()
    PriorityCriterion.objects.create(
        name="Legal", if_legal=True, minimum_priority="P2", jump_to_level="L3"
    )
    ticket = create_ticket(agent)
    services.ticket_update(ticket=ticket, actor=agent, data={"is_legal": True})
    ticket.refresh_from_db()
    assert ticket.level == "L2"
    assert not Escalation.objects.filter(kind="hierarchical").exists()


def test_a_jump_with_nothing_higher_below_the_tier_leaves_the_ticket(short_path):
    """Already at L2, a criterion naming L3 has nowhere to send it: no managed
    escalation is opened for it either (that is what notify_management is for)."""
    agent = short_path.levels.first().teams.first().members.first()
    ticket = create_ticket(agent)
    automatic.ticket_escalate_automatically(
        ticket=ticket, trigger="severity", key="first", why="x", to_tier="L2"
    )
    PriorityCriterion.objects.create(
        name="Legal", if_legal=True, minimum_priority="P2", jump_to_level="L3"
    )
    services.ticket_update(ticket=ticket, actor=agent, data={"is_legal": True})
    ticket.refresh_from_db()
    assert ticket.level == "L2"
    assert list(Escalation.objects.values_list("kind", flat=True)) == ["functional"]


def test_a_jump_to_an_existing_tier_goes_to_its_first_level(network_path, policy):
    PriorityCriterion.objects.create(
        name="Security", if_security=True, minimum_priority="P1", jump_to_level="L3"
    )
    ticket = create_ticket(network_path.teams["L1"].members.first(), is_security=True)
    ticket.refresh_from_db()
    assert ticket.level == "L3"
