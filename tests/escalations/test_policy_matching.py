"""Which SLA policy a ticket gets: ``rules.match_policy`` and the active policies.

The contract (``match_policy``): the policy whose every set condition fits the
ticket and which is the most specific, priority weighing most, then category,
then organization tier; ties go to the oldest policy (lowest id). A policy
without conditions fits every ticket: it is the fallback."""

from dataclasses import replace

from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from escalations.models import SlaPolicy
from escalations.rules import PolicyKey, match_policy
from escalations.services.sla.governing import policy_for
from tickets.models import Category, Organization, Ticket

PRIORITIES = ("P1", "P2", "P3", "P4")
TIERS = ("standard", "vip")
CATEGORIES = (1, 2, 3)

conditions = st.tuples(
    st.sampled_from(("", *PRIORITIES)),
    st.one_of(st.none(), st.sampled_from(CATEGORIES)),
    st.sampled_from(("", *TIERS)),
)


@st.composite
def policy_lists(draw, *, max_size: int = 8) -> list[PolicyKey]:
    """Policies with ids 1..n, in no particular order."""
    drawn = draw(st.lists(conditions, max_size=max_size))
    ids = draw(st.permutations(range(1, len(drawn) + 1)))
    return [
        PolicyKey(id=pk, priority=priority, category_id=category, organization_tier=tier)
        for pk, (priority, category, tier) in zip(ids, drawn, strict=True)
    ]


tickets = st.fixed_dictionaries(
    {
        "priority": st.sampled_from(PRIORITIES),
        "category_id": st.one_of(st.none(), st.sampled_from(CATEGORIES)),
        "tier": st.sampled_from(("", *TIERS)),
    }
)


def fits(policy: PolicyKey, ticket: dict) -> bool:
    """Every condition the policy sets holds for the ticket."""
    return (
        (not policy.priority or policy.priority == ticket["priority"])
        and (policy.category_id is None or policy.category_id == ticket["category_id"])
        and (not policy.organization_tier or policy.organization_tier == ticket["tier"])
    )


def weight(policy: PolicyKey) -> int:
    """Priority outweighs category and tier together; category outweighs tier."""
    return (
        4 * bool(policy.priority)
        + 2 * (policy.category_id is not None)
        + bool(policy.organization_tier)
    )


def choose(policies, ticket) -> PolicyKey | None:
    return match_policy(
        policies,
        priority=ticket["priority"],
        category_id=ticket["category_id"],
        tier=ticket["tier"],
    )


@given(policy_lists(), tickets)
def test_the_chosen_policy_fits_and_none_is_chosen_only_when_none_fits(policies, ticket):
    chosen = choose(policies, ticket)

    if chosen is None:
        assert not any(fits(p, ticket) for p in policies)
    else:
        assert chosen in policies
        assert fits(chosen, ticket)


@given(policy_lists(), tickets)
def test_no_fitting_policy_is_more_specific_than_the_chosen_one(policies, ticket):
    chosen = choose(policies, ticket)

    for other in (p for p in policies if fits(p, ticket)):
        assert weight(other) <= weight(chosen)
        if weight(other) == weight(chosen):
            assert other.id >= chosen.id  # ties go to the oldest policy


@given(policy_lists(), tickets, st.data())
def test_a_policy_matching_priority_category_and_tier_wins(policies, ticket, data):
    category = ticket["category_id"] or data.draw(st.sampled_from(CATEGORIES))
    tier = ticket["tier"] or data.draw(st.sampled_from(TIERS))
    ticket = {**ticket, "category_id": category, "tier": tier}
    oldest = min((p.id for p in policies), default=1) - 1
    exact = PolicyKey(oldest, ticket["priority"], category, tier)
    policies = data.draw(st.permutations([*policies, exact]))

    assert choose(policies, ticket) == exact


@given(policy_lists(), tickets)
def test_a_policy_for_the_priority_beats_any_policy_without_one(policies, ticket):
    chosen = choose(policies, ticket)

    if any(p.priority and fits(p, ticket) for p in policies):
        assert chosen.priority == ticket["priority"]


def test_priority_alone_beats_category_and_tier_together():
    by_category_and_tier = PolicyKey(1, "", 7, "vip")
    by_priority = PolicyKey(2, "P1", None, "")

    chosen = match_policy(
        [by_category_and_tier, by_priority], priority="P1", category_id=7, tier="vip"
    )

    assert chosen == by_priority


def test_each_condition_added_makes_a_policy_win():
    fallback = PolicyKey(1, "", None, "")
    by_tier = PolicyKey(2, "", None, "vip")
    by_category = PolicyKey(3, "", 7, "")
    by_category_and_tier = PolicyKey(4, "", 7, "vip")
    by_priority = PolicyKey(5, "P2", None, "")
    by_priority_and_tier = PolicyKey(6, "P2", None, "vip")
    by_priority_and_category = PolicyKey(7, "P2", 7, "")
    by_all = PolicyKey(8, "P2", 7, "vip")
    ladder = [
        fallback,
        by_tier,
        by_category,
        by_category_and_tier,
        by_priority,
        by_priority_and_tier,
        by_priority_and_category,
        by_all,
    ]

    for rung in range(1, len(ladder) + 1):
        chosen = match_policy(ladder[:rung], priority="P2", category_id=7, tier="vip")
        assert chosen == ladder[rung - 1]


@given(policy_lists(), tickets, st.booleans())
def test_ties_go_to_the_oldest_policy(policies, ticket, twin_is_older):
    chosen = choose(policies, ticket)
    assume(chosen is not None)
    twin = replace(chosen, id=0 if twin_is_older else len(policies) + 1)

    assert choose([*policies, twin], ticket) == (twin if twin_is_older else chosen)


@given(policy_lists(), tickets)
def test_the_fallback_serves_only_tickets_no_other_policy_fits(policies, ticket):
    fallback = PolicyKey(len(policies) + 1, "", None, "")

    chosen = choose([*policies, fallback], ticket)

    others_fit = any(fits(p, ticket) for p in policies)
    assert (chosen == fallback) == (not others_fit)


@given(policy_lists(), tickets, policy_lists())
def test_policies_that_do_not_fit_never_win_and_change_nothing(policies, ticket, extra):
    misfits = [replace(p, id=p.id + 100) for p in extra if not fits(p, ticket)]

    chosen = choose([*misfits, *policies], ticket)

    assert chosen == choose(policies, ticket)
    assert chosen not in misfits


@given(policy_lists(), tickets, st.data())
def test_the_choice_does_not_depend_on_the_order_of_the_policies(policies, ticket, data):
    shuffled = data.draw(st.permutations(policies))

    assert choose(shuffled, ticket) == choose(policies, ticket)


# --- the active policies in the database ---------------------------------------------


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(conditions, st.booleans()), max_size=6), tickets)
def test_inactive_policies_never_win_and_change_nothing(db, specs, facts):
    with transaction.atomic():
        categories = {n: Category.objects.create(name=f"Category {n}") for n in CATEGORIES}
        organization = (
            Organization.objects.create(name="Acme", tier=facts["tier"]) if facts["tier"] else None
        )
        for n, ((priority, category, tier), active) in enumerate(specs):
            SlaPolicy.objects.create(
                name=f"Policy {n}",
                is_active=active,
                priority=priority,
                category=categories.get(category),
                organization_tier=tier,
                first_response_minutes=60,
                resolution_minutes=480,
            )
        ticket = Ticket(
            priority=facts["priority"],
            category=categories.get(facts["category_id"]),
            organization=organization,
        )
        active = [
            PolicyKey(p.pk, p.priority, p.category_id, p.organization_tier)
            for p in SlaPolicy.objects.filter(is_active=True)
        ]

        chosen = policy_for(ticket=ticket)

        if chosen is not None:
            assert chosen.is_active
        expected = match_policy(
            active,
            priority=ticket.priority,
            category_id=ticket.category_id,
            tier=facts["tier"],
        )
        assert (chosen.pk if chosen else None) == (expected.id if expected else None)
        SlaPolicy.objects.filter(is_active=False).delete()
        assert policy_for(ticket=ticket) == chosen
        transaction.set_rollback(True)
