"""The cadence sweep: remind the owner before an update is due, and tell the owner
and the escalation manager when it was missed, once each.

Due rows are found by the indexed ``UpdateCadence.next_action_at`` alone, so a
sweep with nothing due costs one index probe. Rows are claimed with their
tickets by ``SELECT ... FOR UPDATE SKIP LOCKED`` where the database has it
(PostgreSQL): sweepers running side by side share the work, and a ticket being
changed right now (its service holds the ticket, then its cadence) is left for
the next sweep instead of deadlocking with it. Each step is a guarded update
(the row must still be at the stage and due time it was read at), so a
reminder or a missed update is told once per cycle even where rows cannot be
locked. Cadences are wall-clock time (see ``notifications.services.plans``).
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from escalations.models import Escalation
from notifications import recipients as to
from notifications.cadence import aim, every
from notifications.models import EventKind, UpdateCadence
from notifications.selectors import managed_escalations_by_ticket
from notifications.services.dispatch import event_emit

logger = logging.getLogger(__name__)
Stage = UpdateCadence.Stage


def _claim(now: datetime, batch_size: int) -> list[UpdateCadence]:
    due = (
        UpdateCadence.objects.filter(next_action_at__lte=now)
        .select_related("plan", "ticket", "ticket__team", "ticket__assignee")
        .order_by("next_action_at")
    )
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self", "ticket"))
    return list(due[:batch_size])


def _advance(cadence: UpdateCadence, now: datetime) -> str | None:
    """Move the row one step with a guarded update; the event to tell, if any."""
    read_at = UpdateCadence.objects.filter(
        pk=cadence.pk, stage=cadence.stage, due_at=cadence.due_at
    )
    plan, ticket = cadence.plan, cadence.ticket
    if not ticket.is_open or not plan.is_active:
        read_at.update(next_action_at=None)  # the ticket listeners stop these; never tell
        return None
    if cadence.due_at > now:
        if cadence.stage == Stage.REMIND:
            won = read_at.update(stage=Stage.DUE, next_action_at=cadence.due_at)
            return EventKind.UPDATE_DUE if won else None
        read_at.update(next_action_at=cadence.due_at)  # a stale next action: only re-aim
        return None
    # The due time has passed without an update (a reminder it overtook is moot).
    # A sweep that did not run for several cycles counts them all, and tells once.
    cycles = (now - cadence.due_at) // every(plan) + 1
    missed_due = cadence.due_at
    aim(cadence, plan, missed_due + cycles * every(plan))
    won = read_at.update(
        due_at=cadence.due_at,
        stage=cadence.stage,
        next_action_at=cadence.next_action_at,
        aimed_cadence_minutes=cadence.aimed_cadence_minutes,
        aimed_remind_minutes=cadence.aimed_remind_minutes,
        missed=F("missed") + cycles,
    )
    cadence.due_at = missed_due  # what the message says was missed
    return EventKind.UPDATE_MISSED if won else None


def _tell(kind: str, cadence: UpdateCadence, escalation: Escalation | None) -> None:
    """The owner (the assignee, else the team) and the escalation manager, in a
    savepoint: a failure is logged and undone, the step stays recorded."""
    ticket = cadence.ticket
    people = to.owner(ticket) + to.users([escalation.manager if escalation else None])
    try:
        with transaction.atomic():
            event_emit(
                kind=kind,
                ticket=ticket,
                recipients=people,
                extra={"due_at": cadence.due_at, "plan": str(cadence.plan)},
            )
    except Exception:
        logger.exception("Telling %s failed for the cadence of ticket %s", kind, ticket.pk)


def cadences_sweep(*, now: datetime | None = None, batch_size: int = 100) -> int:
    """Send the reminders and missed-update notices due by ``now``, in
    transactions of ``batch_size`` cadences; the number of notices sent.

    A reminder goes to the owner (the assignee, else the team) once per cycle; a
    missed update to the owner and the escalation manager, once however many
    cycles passed while no sweep ran. Cadences of tickets that expect no update
    any more (resolved, plan switched off) are stopped, never told."""
    now = now or timezone.now()
    told = 0
    while True:
        with transaction.atomic():
            cadences = _claim(now, batch_size)
            managers = (
                managed_escalations_by_ticket(ticket_ids=[c.ticket_id for c in cadences])
                if cadences
                else {}
            )
            for cadence in cadences:
                kind = _advance(cadence, now)
                if kind is not None:
                    told += 1
                    _tell(kind, cadence, managers.get(cadence.ticket_id))
        if len(cadences) < batch_size:
            return told
