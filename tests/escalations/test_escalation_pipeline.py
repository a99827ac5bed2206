"""The escalation pipeline: the declared status moves, and what each person may do
with an escalation in each state (what the pages offer and the services allow)."""

from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from escalations.models import Escalation, EscalationLevel
from escalations.pipeline import (
    Action,
    allowed_actions,
    check_initial,
    check_permission,
    check_step,
    check_transition,
    needs_approval,
    set_status,
)
from tests.factories import AdminFactory, TeamFactory, TicketFactory, UserFactory
from tickets.models import Tier

KINDS = ("functional", "hierarchical")
STATUSES = ("requested", "active", "monitoring", "closed", "rejected")
# Written out here, not read from the table: a move added to or dropped from the
# table by mistake fails below.
DECLARED = {
    ("functional", "requested", "active"),  # approved
    ("functional", "requested", "rejected"),  # rejected, or withdrawn on resolution
    ("functional", "active", "closed"),  # the ticket moved on or was resolved
    ("hierarchical", "active", "monitoring"),
    ("hierarchical", "active", "closed"),
    ("hierarchical", "monitoring", "closed"),
    ("hierarchical", "monitoring", "active"),  # reopened
    ("hierarchical", "closed", "active"),  # reopened
}


@pytest.mark.parametrize(("kind", "current", "target"), list(product(KINDS, STATUSES, STATUSES)))
def test_transition_table_allows_only_the_declared_moves(kind, current, target):
    if (kind, current, target) in DECLARED:
        check_transition(kind=kind, current=current, target=target)
    else:
        with pytest.raises(ValidationError) as refused:
            check_transition(kind=kind, current=current, target=target)
        assert set(refused.value.message_dict) == {"status"}


@pytest.mark.parametrize(("kind", "current", "target"), list(product(KINDS, STATUSES, STATUSES)))
def test_set_status_leaves_a_refused_escalation_as_it_was(kind, current, target):
    escalation = Escalation(kind=kind, status=current)
    if (kind, current, target) in DECLARED:
        set_status(escalation, target)
        assert escalation.status == target
    else:
        with pytest.raises(ValidationError):
            set_status(escalation, target)
        assert escalation.status == current


@pytest.mark.parametrize(("kind", "status"), list(product(KINDS, STATUSES)))
def test_escalations_start_requested_or_active_and_managed_ones_active(kind, status):
    starts = {("functional", "requested"), ("functional", "active"), ("hierarchical", "active")}
    if (kind, status) in starts:
        check_initial(kind=kind, status=status)
    else:
        with pytest.raises(ValidationError):
            check_initial(kind=kind, status=status)


@pytest.mark.parametrize(
    ("approval_required", "priority", "waits"),
    [
        (True, "P1", False),
        (True, "P2", False),
        (True, "P3", True),
        (True, "P4", True),
        (False, "P3", False),
        (False, "P4", False),
    ],
)
def test_only_non_urgent_tickets_wait_for_an_approval_the_level_asks_for(
    approval_required, priority, waits
):
    level = EscalationLevel(approval_required=approval_required)
    assert needs_approval(level=level, priority=priority) is waits


# --- who may do what, when ---------------------------------------------------------------

MANAGING = frozenset({Action.SET_MANAGER, Action.ADD_MEMBER, Action.ADD_ACTION, Action.MARK_ACTION})
DECIDING = frozenset({Action.APPROVE, Action.REJECT})
REVIEW = frozenset({Action.REVIEW})
ROLES = ("requester", "stranger", "receiver", "receiving_boss", "escalation_manager", "admin")
MANAGERS = ("receiving_boss", "escalation_manager", "admin")

# (kind, escalation status, ticket status) -> what each role may do; unnamed roles nothing.
CASES = {
    "request": (
        ("functional", "requested", "open"),
        {"receiving_boss": DECIDING, "admin": DECIDING},
    ),
    "functional active": (
        ("functional", "active", "open"),
        {"receiver": REVIEW, "receiving_boss": REVIEW, "admin": REVIEW},
    ),
    "functional closed, ticket resolved": (
        ("functional", "closed", "resolved"),
        {"receiver": REVIEW, "receiving_boss": REVIEW, "admin": REVIEW},
    ),
    "functional closed, ticket closed": (("functional", "closed", "closed"), {}),
    "rejected": (("functional", "rejected", "open"), {}),
    "managed active": (
        ("hierarchical", "active", "open"),
        {
            "receiver": REVIEW,
            **dict.fromkeys(MANAGERS, MANAGING | {Action.MONITOR, Action.CLOSE, Action.REVIEW}),
        },
    ),
    "managed active, ticket closed": (
        ("hierarchical", "active", "closed"),
        {
            "receiver": REVIEW,
            **dict.fromkeys(MANAGERS, MANAGING | {Action.CLOSE, Action.REVIEW}),
        },
    ),
    "managed monitoring": (
        ("hierarchical", "monitoring", "resolved"),
        {
            "receiver": REVIEW,
            **dict.fromkeys(MANAGERS, MANAGING | {Action.CLOSE, Action.REOPEN, Action.REVIEW}),
        },
    ),
    "managed closed": (
        ("hierarchical", "closed", "resolved"),
        dict.fromkeys(MANAGERS, frozenset({Action.REOPEN})),
    ),
    "managed closed, ticket closed": (("hierarchical", "closed", "closed"), {}),
}


@pytest.fixture
def people(db):
    """A ticket of the Service Desk escalated to Network Engineering, and everyone
    around it: its requester, an agent of an unrelated team, an agent and the manager
    of the receiving team, an escalation manager (an agent of another team) and an
    admin."""
    desk = TeamFactory(name="Service Desk", tier=Tier.L1)
    desk.members.add(UserFactory(username="desk_agent"))
    receiving_boss = UserFactory(username="receiving_boss")
    receiving = TeamFactory(name="Network Engineering", tier=Tier.L2, manager=receiving_boss)
    receiver = UserFactory(username="receiver")
    receiving.members.add(receiver)
    stranger = UserFactory(username="stranger")
    TeamFactory(name="Elsewhere", tier=Tier.L2).members.add(stranger)
    escalation_manager = UserFactory(username="escalation_manager")
    TeamFactory(name="IT Management", tier=Tier.MGMT).members.add(escalation_manager)
    return {
        "desk": desk,
        "receiving": receiving,
        "requester": UserFactory(username="requester", email="rita@example.com"),
        "stranger": stranger,
        "receiver": receiver,
        "receiving_boss": receiving_boss,
        "escalation_manager": escalation_manager,
        "admin": AdminFactory(username="admin"),
    }


def escalation_in(people, kind: str, status: str, ticket_status: str) -> Escalation:
    ticket = TicketFactory(
        team=people["desk"], status=ticket_status, requester_email="rita@example.com"
    )
    return Escalation.objects.create(
        ticket=ticket,
        kind=kind,
        trigger="manual",
        status=status,
        from_tier="L1",
        to_tier="L2",
        to_team=people["receiving"],
        manager=people["escalation_manager"] if kind == "hierarchical" else None,
    )


@pytest.mark.parametrize(("case", "role"), list(product(CASES, ROLES)))
def test_allowed_actions_per_role_and_state(people, case, role):
    (kind, status, ticket_status), allowed = CASES[case]
    escalation = escalation_in(people, kind, status, ticket_status)
    assert allowed_actions(escalation, people[role]) == frozenset(allowed.get(role, ()))


@pytest.mark.parametrize(("case", "role"), list(product(CASES, ROLES)))
def test_every_step_not_allowed_is_refused_by_the_checks_the_services_make(people, case, role):
    """What ``allowed_actions`` leaves out, ``check_permission`` or ``check_step``
    refuses: the pages offer exactly what the services accept."""
    (kind, status, ticket_status), allowed = CASES[case]
    escalation = escalation_in(people, kind, status, ticket_status)

    def take(action):
        check_permission(action, escalation=escalation, user=people[role])
        check_step(action, escalation=escalation)

    for action in Action:
        if action in allowed.get(role, ()):
            take(action)
        else:
            with pytest.raises((PermissionDenied, ValidationError)):
                take(action)
