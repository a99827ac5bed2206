import pytest
from django.core.exceptions import ValidationError

from tickets.models import Priority, Status
from tickets.priority import DEFAULT_MATRIX, default_priority
from tickets.workflow import TRANSITIONS, allowed_transitions, check_transition


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("new", "open"),
        ("open", "pending"),
        ("pending", "open"),
        ("open", "resolved"),
        ("resolved", "closed"),
        ("resolved", "open"),
    ],
)
def test_design_workflow_moves_are_allowed(current, target):
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [("closed", "open"), ("new", "closed"), ("pending", "closed"), ("open", "new")],
)
def test_moves_outside_the_table_are_refused_with_a_message(current, target):
    with pytest.raises(ValidationError) as info:
        check_transition(current, target)
    assert "cannot go from" in info.value.message_dict["status"][0]


def test_unknown_and_same_status_are_refused():
    with pytest.raises(ValidationError, match="Unknown status"):
        check_transition("open", "frozen")
    with pytest.raises(ValidationError, match="already"):
        check_transition("open", "open")


def test_every_status_has_an_entry_and_closed_is_final():
    assert set(TRANSITIONS) == set(Status.values)
    assert allowed_transitions(Status.CLOSED) == []
    assert allowed_transitions(Status.RESOLVED) == [Status.OPEN, Status.CLOSED]


def test_matrix_is_monotonic_and_spans_every_priority():
    order = [Priority.P1, Priority.P2, Priority.P3, Priority.P4]
    for impact in range(1, 5):
        for urgency in range(1, 5):
            here = order.index(default_priority(impact=impact, urgency=urgency))
            if impact < 4:
                assert order.index(default_priority(impact=impact + 1, urgency=urgency)) >= here
            if urgency < 4:
                assert order.index(default_priority(impact=impact, urgency=urgency + 1)) >= here
    assert {p for row in DEFAULT_MATRIX for p in row} == set(order)
    assert default_priority(impact=1, urgency=1) == Priority.P1
    assert default_priority(impact=4, urgency=4) == Priority.P4


def test_matrix_refuses_out_of_range_values():
    with pytest.raises(ValueError, match=r"1\.\.4"):
        default_priority(impact=7, urgency=1)
