"""How every step on an existing escalation begins and what status changes share:
who may take it and whether its state allows it (``escalations.pipeline``), and
the locks in their one order (the ticket first, then the escalation)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from escalations.models import Escalation
from escalations.pipeline import Action, check_permission, check_step, check_transition
from tickets import batch
from tickets.models import Ticket, User
from tickets.services import ticket_lock

Kind, State = Escalation.Kind, Escalation.Status


def escalation_lock(*, escalation: Escalation) -> Escalation:
    """Hold the escalation's ticket, then the escalation row alone (``ticket_lock``
    says why in this order), and return the escalation as it is now, with the held
    ticket."""
    ticket = ticket_lock(escalation.ticket_id)
    locked = Escalation.objects.select_for_update(of=("self",)).get(pk=escalation.pk)
    locked.ticket = ticket
    return locked


def step_begin(*, escalation: Escalation, actor: User, action: Action) -> Escalation:
    """Begin ``action``: refused (``PermissionDenied``) unless ``actor`` is one of the
    people who take it, before anything is locked; then the escalation is locked and
    its state must allow the step (``ValidationError``). Returns the locked row."""
    check_permission(action, escalation=escalation, user=actor)
    locked = escalation_lock(escalation=escalation)
    check_step(action, escalation=locked)
    return locked


def functional_escalations_close(
    *, ticket: Ticket, now: datetime, keep: Escalation | None = None
) -> int:
    """The ticket's active functional escalations (but ``keep``) are done with: the
    ticket moved on to another level or was resolved. A guarded update: only those
    still active close."""
    check_transition(kind=Kind.FUNCTIONAL, current=State.ACTIVE, target=State.CLOSED)
    # A batch job that read the ticket's escalations ahead knows whether any is open.
    known = batch.recall(("active-functional", ticket.pk))
    if known is not None:
        others = known - {keep.pk if keep is not None else None}
        batch.remember(("active-functional", ticket.pk), known - others)
        if not others:
            return 0
        if batch.inserting(Escalation, others):
            batch.settle()  # one the chunk created (twice escalated): in the table first
    active = Escalation.objects.filter(ticket=ticket, kind=Kind.FUNCTIONAL, status=State.ACTIVE)
    if keep is not None:
        active = active.exclude(pk=keep.pk)
    return active.update(status=State.CLOSED, closed_at=now)


def check_moment(value: datetime | None, field: str) -> None:
    """A date every page can show in any time zone: 1970 to 9998 in UTC."""
    if value is None:
        return
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = 0
    if not 1970 <= year <= 9998:
        raise ValidationError({field: _("Give a date between 1970 and 9998.")})
