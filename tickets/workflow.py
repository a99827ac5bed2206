"""The ticket status workflow as a declared transition table, checked in one place."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tickets.models import Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.RESOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.RESOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


def allowed_transitions(status: str) -> list[str]:
    """Statuses reachable from ``status``, in workflow order."""
    targets = TRANSITIONS.get(status, frozenset())
    return [value for value in Status.values if value in targets]


def check_transition(current: str, target: str) -> None:
    """Raise a ``ValidationError`` on the ``status`` field unless the move is allowed."""
    if target not in Status.values:
        raise ValidationError({"status": _("Unknown status “%(status)s”.") % {"status": target}})
    if target == current:
        raise ValidationError(
            {"status": _("The ticket is already %(status)s.") % {"status": Status(target).label}}
        )
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(str(Status(s).label) for s in allowed_transitions(current))
        raise ValidationError(
            {
                "status": _(
                    "A ticket cannot go from %(current)s to %(target)s. Allowed: %(allowed)s."
                )
                % {
                    "current": Status(current).label,
                    "target": Status(target).label,
                    "allowed": allowed or _("none (the ticket is final)"),
                }
            }
        )
