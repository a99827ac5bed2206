"""The escalation pipeline: which status may follow which, which steps each status
allows, and what a user may do with an escalation now.

Everything that changes an escalation's status goes through ``set_status`` (or,
for a guarded bulk update, ``check_transition``); every step on an existing
escalation is checked with ``check_permission`` and ``check_step``; pages show
the forms of ``allowed_actions`` and nothing else. No queries of its own: who a
user is for an escalation comes from the permission checks in
``escalations.selectors`` (the user's teams are cached on the user).

The statuses::

    functional:    requested -> active -> closed       (moved on, or the ticket resolved)
                   requested -> rejected               (rejected, or withdrawn on resolution)
    hierarchical:  active <-> monitoring -> closed -> active (reopened)
                   active -> closed
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalations import selectors
from escalations.models import Escalation, EscalationLevel
from tickets.models import Priority, Status, User

Kind, State = Escalation.Kind, Escalation.Status

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Kind.FUNCTIONAL: {
        State.REQUESTED: frozenset({State.ACTIVE, State.REJECTED}),
        State.ACTIVE: frozenset({State.CLOSED}),
        State.MONITORING: frozenset(),
        State.CLOSED: frozenset(),
        State.REJECTED: frozenset(),
    },
    Kind.HIERARCHICAL: {
        State.REQUESTED: frozenset(),
        State.ACTIVE: frozenset({State.MONITORING, State.CLOSED}),
        State.MONITORING: frozenset({State.ACTIVE, State.CLOSED}),
        State.CLOSED: frozenset({State.ACTIVE}),
        State.REJECTED: frozenset(),
    },
}
# The statuses an escalation is created in: a manual request may wait for approval;
# a managed escalation is active at once.
INITIAL: dict[str, frozenset[str]] = {
    Kind.FUNCTIONAL: frozenset({State.REQUESTED, State.ACTIVE}),
    Kind.HIERARCHICAL: frozenset({State.ACTIVE}),
}
# A manual escalation into a level that asks for approval waits for it unless the
# ticket is urgent.
NEEDS_APPROVAL = (Priority.P3, Priority.P4)


def check_transition(*, kind: str, current: str, target: str) -> None:
    """Raise a ``ValidationError`` on ``status`` unless a ``kind`` escalation may go
    from ``current`` to ``target``."""
    if target not in TRANSITIONS[kind].get(current, frozenset()):
        raise ValidationError(
            {
                "status": _("An escalation cannot go from %(current)s to %(target)s.")
                % {"current": State(current).label, "target": State(target).label}
            }
        )


def check_initial(*, kind: str, status: str) -> None:
    """Raise a ``ValidationError`` on ``status`` unless a new ``kind`` escalation may
    start in ``status``."""
    if status not in INITIAL[kind]:
        raise ValidationError(
            {"status": _("An escalation does not start %(s)s.") % {"s": State(status).label}}
        )


def set_status(escalation: Escalation, target: str) -> None:
    """Move ``escalation`` (a row the caller holds) to ``target``, if the table allows
    it; the caller saves."""
    check_transition(kind=escalation.kind, current=escalation.status, target=target)
    escalation.status = target


def needs_approval(*, level: EscalationLevel, priority: str) -> bool:
    """Whether a manual escalation of a ``priority`` ticket into ``level`` waits for
    the approval of the level team's manager: the level asks for it and the ticket is
    not urgent (P3, P4)."""
    return level.approval_required and priority in NEEDS_APPROVAL


def review_frozen(escalation: Escalation) -> bool:
    """A managed escalation's review is frozen once the escalation is closed. A
    functional escalation is closed as soon as the ticket moves on or is resolved
    (which is when its review is asked for), so its review is frozen once the
    ticket is closed."""
    if escalation.kind == Kind.HIERARCHICAL:
        return escalation.status == State.CLOSED
    return escalation.ticket.status == Status.CLOSED


# --- the steps ---------------------------------------------------------------------------


class Action(StrEnum):
    """A step a person takes on an existing escalation."""

    APPROVE = "approve"
    REJECT = "reject"
    SET_MANAGER = "set_manager"
    ADD_MEMBER = "add_member"
    ADD_ACTION = "add_action"
    MARK_ACTION = "mark_action"  # an action-plan item done, or open again
    MONITOR = "monitor"
    CLOSE = "close"
    REOPEN = "reopen"
    REVIEW = "review"  # write or edit the post-escalation review


class Who(StrEnum):
    """Who may take a step; each is a permission check in ``escalations.selectors``."""

    APPROVER = "approver"  # selectors.can_approve
    MANAGER = "manager"  # selectors.can_manage
    REVIEWER = "reviewer"  # selectors.can_review


ANY_KIND = frozenset(Kind.values)
FUNCTIONAL = frozenset({Kind.FUNCTIONAL})
MANAGED = frozenset({Kind.HIERARCHICAL})
WORKING = frozenset({State.ACTIVE, State.MONITORING})
NOT_AWAITING = gettext_lazy("This escalation is not awaiting approval.")
NOT_NOW = gettext_lazy("Not possible while the escalation is %(s)s.")
ONLY_MANAGED = gettext_lazy("Only managed escalations have this step.")


@dataclass(frozen=True)
class Step:
    who: Who
    kinds: frozenset[str]
    statuses: frozenset[str]  # the statuses the step is taken in
    to: str | None = None  # the status it moves the escalation to
    open_ticket: bool = False  # refused once the ticket is closed
    open_review: bool = False  # refused once the review is frozen
    field: str = "status"  # where a refusal because of the status is shown
    wrong_status: Promise = NOT_NOW
    wrong_kind: Promise = ONLY_MANAGED


STEPS: dict[Action, Step] = {
    # Only a manual (functional) escalation waits for approval.
    Action.APPROVE: Step(
        Who.APPROVER,
        FUNCTIONAL,
        frozenset({State.REQUESTED}),
        State.ACTIVE,
        wrong_status=NOT_AWAITING,
        wrong_kind=NOT_AWAITING,
    ),
    Action.REJECT: Step(
        Who.APPROVER,
        FUNCTIONAL,
        frozenset({State.REQUESTED}),
        State.REJECTED,
        wrong_status=NOT_AWAITING,
        wrong_kind=NOT_AWAITING,
    ),
    Action.SET_MANAGER: Step(Who.MANAGER, MANAGED, WORKING),
    Action.ADD_MEMBER: Step(Who.MANAGER, MANAGED, WORKING),
    Action.ADD_ACTION: Step(Who.MANAGER, MANAGED, WORKING),
    Action.MARK_ACTION: Step(Who.MANAGER, MANAGED, WORKING),
    Action.MONITOR: Step(
        Who.MANAGER, MANAGED, frozenset({State.ACTIVE}), State.MONITORING, open_ticket=True
    ),
    Action.CLOSE: Step(Who.MANAGER, MANAGED, WORKING, State.CLOSED),
    Action.REOPEN: Step(
        Who.MANAGER,
        MANAGED,
        frozenset({State.MONITORING, State.CLOSED}),
        State.ACTIVE,
        open_ticket=True,
    ),
    # Only an escalation that took place is reviewed, until its review is frozen.
    Action.REVIEW: Step(
        Who.REVIEWER,
        ANY_KIND,
        frozenset({State.ACTIVE, State.MONITORING, State.CLOSED}),
        open_review=True,
        field="review",
        wrong_status=gettext_lazy("Only an escalation that took place is reviewed."),
    ),
}

REFUSED: dict[Who, Promise] = {
    Who.APPROVER: gettext_lazy("Only the manager of the target team decides."),
    Who.MANAGER: gettext_lazy("Only the escalation manager may do this."),
    Who.REVIEWER: gettext_lazy(
        "Only the escalation manager, the managers of the teams involved, the "
        "receiving team or an admin review an escalation."
    ),
}

PERMISSIONS = {
    Who.APPROVER: selectors.can_approve,
    Who.MANAGER: selectors.can_manage,
    Who.REVIEWER: selectors.can_review,
}


def may(action: Action, *, escalation: Escalation, user: User) -> bool:
    """Whether ``user`` is one of the people who take ``action`` on ``escalation``
    (whatever its state)."""
    return PERMISSIONS[STEPS[action].who](escalation=escalation, user=user)


def check_permission(action: Action, *, escalation: Escalation, user: User) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may take ``action`` on ``escalation``."""
    if not may(action, escalation=escalation, user=user):
        raise PermissionDenied(str(REFUSED[STEPS[action].who]))


def step_refusal(action: Action, escalation: Escalation) -> ValidationError | None:
    """Why the state of ``escalation`` does not allow ``action`` now; None if it does."""
    step = STEPS[action]
    if escalation.kind not in step.kinds:
        return ValidationError({step.field: str(step.wrong_kind)})
    if escalation.status not in step.statuses:
        message = step.wrong_status % {"s": escalation.get_status_display()}
        return ValidationError({step.field: message})
    if step.open_ticket and escalation.ticket.status == Status.CLOSED:
        return ValidationError(
            {"status": _("The ticket is closed: reopen it before working its escalation.")}
        )
    if step.open_review and review_frozen(escalation):
        return ValidationError(
            {"review": _("The escalation is closed: its review can no longer be changed.")}
        )
    return None


def check_step(action: Action, *, escalation: Escalation) -> None:
    """Raise a ``ValidationError`` unless the state of ``escalation`` allows ``action``."""
    refusal = step_refusal(action, escalation)
    if refusal is not None:
        raise refusal


def allowed_actions(escalation: Escalation, user: User) -> frozenset[Action]:
    """What ``user`` may do with ``escalation`` now: the steps its kind and state allow
    that ``user`` is one of the people to take. Needs the escalation's ticket (with its
    team) and target team loaded, as the escalation selectors load them."""
    return frozenset(
        action
        for action in STEPS
        if step_refusal(action, escalation) is None
        and may(action, escalation=escalation, user=user)
    )


def _check_table() -> None:
    """Every step that moves an escalation follows a declared transition."""
    for step in STEPS.values():
        for kind in step.kinds:
            for status in step.statuses:
                if step.to is not None:
                    check_transition(kind=kind, current=status, target=step.to)


_check_table()
