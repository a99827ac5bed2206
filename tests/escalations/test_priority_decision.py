"""The priority decision: the impact x urgency matrix, raised (never lowered) by the
priority criteria a ticket matches; a priority set by hand wins over both."""

import re
from dataclasses import replace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from escalations.models import PriorityCriterion, PriorityMatrixRow
from escalations.rules import FLAGS, Criterion, TicketFacts, decide_priority
from escalations.services.priority import priority_resolve
from tests.factories import create_ticket
from tickets import services
from tickets.models import Category, Organization, Ticket
from tickets.priority import DEFAULT_MATRIX, default_priority

PRIORITIES = ("P1", "P2", "P3", "P4")
LEVELS = (1, 2, 3, 4)
TIERS = ("standard", "vip")
CATEGORIES = (1, 2, 3)
# "vpns" and "downtime" hold "vpn" and "down" inside a longer word, which is no match.
WORDS = ("vpn", "vpns", "down", "downtime", "payroll", "breach", "printer")


def more_urgent_or_equal(a: str, b: str) -> bool:
    return PRIORITIES.index(a) <= PRIORITIES.index(b)


matrices = st.fixed_dictionaries(
    {(impact, urgency): st.sampled_from(PRIORITIES) for impact in LEVELS for urgency in LEVELS}
)
flag_sets = st.frozensets(st.sampled_from(FLAGS))
categories = st.one_of(st.none(), st.sampled_from(CATEGORIES))


@st.composite
def texts(draw) -> str:
    """Words from a small vocabulary, in any case, between spaces and punctuation."""
    words = draw(st.lists(st.sampled_from(WORDS), max_size=5))
    cased = [draw(st.sampled_from((w, w.upper(), w.title()))) for w in words]
    separators = [draw(st.sampled_from((" ", "-", ", ", ".\n", "/"))) for _ in cased]
    return "".join(word + sep for word, sep in zip(cased, separators, strict=True))


facts_strategy = st.builds(
    TicketFacts,
    impact=st.sampled_from(LEVELS),
    urgency=st.sampled_from(LEVELS),
    category_id=categories,
    organization_tier=st.sampled_from(("", *TIERS)),
    flags=flag_sets,
    text=texts(),
)


@st.composite
def criteria_lists(draw, *, max_size: int = 6) -> list[Criterion]:
    size = draw(st.integers(0, max_size))
    return [
        Criterion(
            id=n,
            name=f"Criterion {n}",
            minimum_priority=draw(st.sampled_from(PRIORITIES)),
            organization_tier=draw(st.sampled_from(("", *TIERS))),
            category_id=draw(categories),
            flags=draw(flag_sets),
            keywords=tuple(draw(st.lists(st.sampled_from(WORDS), max_size=2, unique=True))),
        )
        for n in range(1, size + 1)
    ]


def holds(criterion: Criterion, facts: TicketFacts) -> bool:
    """The model's rule: every condition set must hold; among the flags, any ticked
    flag will do; a keyword is found as a whole word, in any case."""
    words = re.findall(r"\w+", facts.text.lower())
    return (
        (not criterion.organization_tier or criterion.organization_tier == facts.organization_tier)
        and (criterion.category_id is None or criterion.category_id == facts.category_id)
        and (not criterion.flags or bool(criterion.flags & facts.flags))
        and (not criterion.keywords or any(k in words for k in criterion.keywords))
    )


# --- the pure decision ---------------------------------------------------------------


@given(facts_strategy, matrices, criteria_lists())
def test_criteria_never_lower_the_matrix_priority(facts, matrix, criteria):
    decision = decide_priority(facts, matrix, criteria)

    assert decision.matrix_priority == matrix[(facts.impact, facts.urgency)]
    assert more_urgent_or_equal(decision.priority, decision.matrix_priority)


@given(facts_strategy, matrices, criteria_lists())
def test_the_priority_is_the_most_urgent_of_the_matrix_and_the_matching_minimums(
    facts, matrix, criteria
):
    decision = decide_priority(facts, matrix, criteria)

    candidates = [decision.matrix_priority] + [
        c.minimum_priority for c in criteria if holds(c, facts)
    ]
    assert decision.priority in candidates
    assert all(more_urgent_or_equal(decision.priority, c) for c in candidates)


@given(facts_strategy, matrices, criteria_lists())
def test_a_criterion_matches_when_every_condition_it_sets_holds(facts, matrix, criteria):
    decision = decide_priority(facts, matrix, criteria)

    assert [c.id for c in decision.matched] == [c.id for c in criteria if holds(c, facts)]


@given(facts_strategy, matrices, criteria_lists())
def test_criteria_the_ticket_does_not_match_change_nothing(facts, matrix, criteria):
    matching = [c for c in criteria if holds(c, facts)]

    assert decide_priority(facts, matrix, criteria) == decide_priority(facts, matrix, matching)


@given(facts_strategy, matrices)
def test_without_criteria_the_matrix_decides(facts, matrix):
    decision = decide_priority(facts, matrix, [])

    assert decision.priority == matrix[(facts.impact, facts.urgency)]
    assert decision.matched == ()


@given(facts_strategy, matrices, criteria_lists(), st.data())
def test_the_decision_does_not_depend_on_the_order_of_the_criteria(facts, matrix, criteria, data):
    shuffled = data.draw(st.permutations(criteria))

    first = decide_priority(facts, matrix, criteria)
    second = decide_priority(facts, matrix, shuffled)

    assert first.priority == second.priority
    assert {c.id for c in first.matched} == {c.id for c in second.matched}


@given(facts_strategy, matrices, criteria_lists())
def test_the_reason_names_the_criteria_that_raised_the_priority(facts, matrix, criteria):
    decision = decide_priority(facts, matrix, criteria)

    reason = str(decision.reason)
    base = f"{decision.matrix_priority} from impact {facts.impact} x urgency {facts.urgency}"
    assert base in reason
    raising = [c for c in decision.matched if c.minimum_priority == decision.priority]
    for criterion in criteria:
        named = criterion.name in reason
        assert named == (decision.priority != decision.matrix_priority and criterion in raising)


@pytest.mark.parametrize(
    ("text", "keyword", "found"),
    [
        ("The VPN is down", "vpn", True),
        ("vpn-gateway unreachable", "vpn", True),
        ("Two VPNs are down", "vpn", False),
        ("Planned downtime", "down", False),
        ("Payroll run failed", "payroll run", True),
        ("Payroll  run failed", "payroll run", False),
    ],
)
def test_keywords_match_whole_words_in_any_case(text, keyword, found):
    criterion = Criterion(id=1, name="Words", minimum_priority="P1", keywords=(keyword,))

    assert criterion.matches(TicketFacts(impact=4, urgency=4, text=text)) is found


# --- the default matrix --------------------------------------------------------------


@given(*(st.sampled_from(LEVELS) for _ in range(4)))
def test_higher_impact_or_urgency_never_gives_a_less_urgent_default(i1, u1, i2, u2):
    (low_i, high_i), (low_u, high_u) = sorted((i1, i2)), sorted((u1, u2))

    assert more_urgent_or_equal(
        default_priority(impact=low_i, urgency=low_u),
        default_priority(impact=high_i, urgency=high_u),
    )


def test_the_default_matrix_spans_p1_to_p4():
    assert default_priority(impact=1, urgency=1) == "P1"
    assert default_priority(impact=4, urgency=4) == "P4"
    assert {p for row in DEFAULT_MATRIX for p in row} == set(PRIORITIES)


@given(
    st.tuples(st.integers(-5, 10), st.integers(-5, 10)).filter(
        lambda pair: not (1 <= pair[0] <= 4 and 1 <= pair[1] <= 4)
    )
)
def test_the_default_matrix_refuses_impact_or_urgency_outside_1_to_4(pair):
    impact, urgency = pair
    with pytest.raises(ValueError, match=r"1\.\.4"):
        default_priority(impact=impact, urgency=urgency)


# --- the configured matrix and criteria, through the resolver ------------------------

DB_EXAMPLES = settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def stored_criteria(draw) -> list[tuple[Criterion, bool]]:
    """Criteria as admins can store them (at least one condition), each active or not."""
    made = []
    for criterion in draw(criteria_lists(max_size=4)):
        if not (
            criterion.organization_tier
            or criterion.category_id
            or criterion.flags
            or criterion.keywords
        ):
            criterion = replace(criterion, flags=frozenset({"security"}))
        made.append((criterion, draw(st.booleans())))
    return made


@DB_EXAMPLES
@given(matrices, stored_criteria(), facts_strategy)
def test_the_resolver_uses_the_configured_matrix_and_only_active_criteria(
    db, matrix, stored, facts
):
    with transaction.atomic():
        for impact in LEVELS:
            PriorityMatrixRow.objects.filter(impact=impact).update(
                **{f"urgency_{u}": matrix[(impact, u)] for u in LEVELS}
            )
        category_rows = {n: Category.objects.create(name=f"Category {n}") for n in CATEGORIES}
        for criterion, active in stored:
            PriorityCriterion.objects.create(
                name=criterion.name,
                is_active=active,
                minimum_priority=criterion.minimum_priority,
                organization_tier=criterion.organization_tier,
                category=category_rows.get(criterion.category_id),
                if_security="security" in criterion.flags,
                if_safety="safety" in criterion.flags,
                if_legal="legal" in criterion.flags,
                if_major_outage="major_outage" in criterion.flags,
                keywords=", ".join(criterion.keywords),
            )
        tier = facts.organization_tier
        ticket = Ticket(
            title=facts.text,
            description="",
            impact=facts.impact,
            urgency=facts.urgency,
            category=category_rows.get(facts.category_id),
            organization=Organization.objects.create(name="Acme", tier=tier) if tier else None,
            is_security="security" in facts.flags,
            is_safety="safety" in facts.flags,
            is_legal="legal" in facts.flags,
            is_major_outage="major_outage" in facts.flags,
        )

        priority, _reason = priority_resolve(ticket)

        active = [criterion for criterion, on in stored if on]
        assert priority == decide_priority(facts, matrix, active).priority
        transaction.set_rollback(True)


@DB_EXAMPLES
@given(
    st.sampled_from(PRIORITIES),
    st.sampled_from(PRIORITIES),
    st.sampled_from(LEVELS),
    st.sampled_from(LEVELS),
)
def test_a_priority_set_by_hand_wins_over_the_matrix_and_the_criteria(
    agent, chosen, raised_to, impact, urgency
):
    with transaction.atomic():
        PriorityCriterion.objects.create(
            name="Security", if_security=True, minimum_priority=raised_to
        )
        ticket = create_ticket(agent, is_security=True, impact=impact, urgency=urgency)
        assert more_urgent_or_equal(ticket.priority, raised_to)

        ticket = services.ticket_override_priority(
            ticket=ticket, actor=agent, priority=chosen, reason="Customer escalation"
        )
        assert ticket.priority == chosen
        ticket = services.ticket_update(
            ticket=ticket, actor=agent, data={"impact": 5 - impact, "is_legal": True}
        )
        assert Ticket.objects.get(pk=ticket.pk).priority == chosen

        ticket = services.ticket_override_priority(
            ticket=ticket, actor=agent, priority="", reason="Back to the rules"
        )
        ticket.refresh_from_db()
        assert ticket.priority == priority_resolve(ticket)[0]
        assert more_urgent_or_equal(ticket.priority, raised_to)
        transaction.set_rollback(True)
