"""Where a priority criterion naming a tier sends a ticket, on any path.

The contract (``routing.level_for_jump``, ``escalate_automatically``): the first
level of that tier above the current one; on a path without that tier above
the ticket, the highest level above it whose tier is below the named one; and
nowhere (the ticket stays) when the path has nothing higher up to that tier."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalations.models import EscalationLevel, EscalationPath, PriorityCriterion, TicketRoute
from escalations.services.routing import level_for_jump
from tests.factories import TeamFactory, create_ticket
from tickets.models import Ticket, Tier

TIERS = tuple(Tier.values)  # L1, L2, L3, MGMT: lowest to highest
# A path costs a few inserts per example: fewer examples than the pure properties get.
DB_EXAMPLES = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


def rank(tier: str) -> int:
    return TIERS.index(tier)


@st.composite
def climbing_paths(draw) -> list[str]:
    """The tiers of a path's levels, by position: climbing, each tier absent, once or
    twice (an absent tier is where a jump has to choose a level below it)."""
    counts = draw(st.lists(st.integers(0, 2), min_size=len(TIERS), max_size=len(TIERS)))
    return [tier for tier, count in zip(TIERS, counts, strict=True) for _ in range(count)] or ["L1"]


def landing(tiers: list[str], current: int, tier: str) -> int | None:
    """The position the contract names for a jump to ``tier`` from ``current``."""
    above = range(current + 1, len(tiers) + 1)
    exact = [position for position in above if tiers[position - 1] == tier]
    if exact:
        return exact[0]
    below = [position for position in above if rank(tiers[position - 1]) < rank(tier)]
    return below[-1] if below else None


def make_path(tiers: list[str], *, teams: bool = False) -> list[EscalationLevel]:
    path = EscalationPath.objects.create(name="Any path", is_default=True)
    levels = []
    for position, tier in enumerate(tiers, start=1):
        level = EscalationLevel.objects.create(path=path, position=position, tier=tier)
        if teams:
            level.teams.add(TeamFactory(name=f"Team {position}", tier=tier))
        levels.append(level)
    return levels


@DB_EXAMPLES
@given(climbing_paths(), st.data(), st.sampled_from(TIERS))
def test_a_jump_goes_to_the_tiers_first_level_or_the_highest_level_below_it(db, tiers, data, tier):
    # Low on the path is where jumps have the most levels to choose from.
    current = data.draw(st.one_of(st.just(1), st.integers(1, len(tiers))), label="current position")
    with transaction.atomic():
        levels = make_path(tiers)
        route = TicketRoute(path=levels[0].path, level=levels[current - 1])

        target = level_for_jump(route, tier)

        if target is not None:
            assert target.position > current  # never down, never the same level
            assert rank(tiers[current - 1]) <= rank(target.tier) <= rank(tier)
        assert (target.position if target else None) == landing(tiers, current, tier)
        transaction.set_rollback(True)


def test_a_jump_to_a_tier_the_path_lacks_stops_at_the_highest_level_below_it(db):
    levels = make_path(["L1", "L2", "L2", "MGMT"])
    route = TicketRoute(path=levels[0].path, level=levels[0])

    assert level_for_jump(route, "L3") == levels[2]
    assert level_for_jump(route, "L2") == levels[1]
    assert level_for_jump(route, "MGMT") == levels[3]
    assert level_for_jump(TicketRoute(path=levels[0].path, level=levels[2]), "L3") is None


@settings(DB_EXAMPLES, max_examples=10)
@given(climbing_paths(), st.sampled_from(TIERS))
def test_a_criterion_naming_a_tier_moves_a_new_ticket_where_the_contract_says(agent, tiers, tier):
    with transaction.atomic():
        levels = make_path(tiers, teams=True)
        PriorityCriterion.objects.create(
            name="Security", if_security=True, minimum_priority="P1", jump_to_level=tier
        )

        ticket = create_ticket(agent, is_security=True)

        # A criterion acts only when it names a tier above the one the ticket lands on.
        climbs = rank(tier) > rank(tiers[0])
        position = (landing(tiers, 1, tier) if climbs else None) or 1
        route = TicketRoute.objects.get(ticket=ticket)
        assert route.level == levels[position - 1]
        assert Ticket.objects.get(pk=ticket.pk).level == tiers[position - 1]
        transaction.set_rollback(True)
