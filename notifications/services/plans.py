"""Communication plans at work: each open ticket's stakeholder update cadence.

A cadence runs on wall-clock time, not business time: it is a promise to the
stakeholders ("you will hear from us every 30 minutes"), and it holds at night
and at weekends, unlike the SLA clocks that follow the support team's calendar.
A pending ticket keeps its cadence too: while the team waits on the customer,
the organization, the escalation team and management still expect to hear how
things stand.

The cadence starts when the ticket is created, follows the plan of the ticket's
priority, stops when the ticket is resolved or closed and starts again when it
is reopened. A stopped cadence keeps its row (the last update and the missed
count stay on record) with no next action, so the sweep never looks at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.cadence import aim, every, timing_changed
from notifications.models import Audience, CommunicationPlan, UpdateCadence
from notifications.selectors import plan_for
from tickets.models import Status, Ticket
from tickets.services import tickets_locked

CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)


def _locked_cadence(ticket: Ticket) -> UpdateCadence | None:
    return UpdateCadence.objects.select_for_update().filter(ticket=ticket).first()


def cadence_sync(*, ticket: Ticket, now: datetime) -> UpdateCadence | None:
    """Bring the ticket's cadence in line with the ticket and its priority's plan.

    Started at creation (the first update is due one cadence later). A change of
    plan (the priority changed, or its plan's cadence or reminder was edited)
    re-aims the due time at the last update plus the new cadence, never in the
    past: a promise cannot be broken before it was made, so a due time that has
    already gone by becomes a full cadence from now. Resolved and closed tickets,
    and priorities without an active plan, have their cadence stopped; a stopped
    cadence starts again from now. Pending tickets keep theirs. Call it inside
    the transaction that holds the ticket (the ticket listeners do)."""
    plan = plan_for(priority=ticket.priority) if ticket.is_open else None
    cadence = _locked_cadence(ticket)
    if plan is None:
        if cadence is not None and cadence.next_action_at is not None:
            UpdateCadence.objects.filter(pk=cadence.pk).update(next_action_at=None)
            cadence.next_action_at = None
        return cadence
    if cadence is None:
        cadence = UpdateCadence(ticket=ticket, last_update_at=now)
        aim(cadence, plan, now + every(plan))
    elif cadence.next_action_at is None:
        aim(cadence, plan, now + every(plan))
    elif cadence.plan_id != plan.pk or timing_changed(cadence, plan):
        due = cadence.last_update_at + every(plan)
        aim(cadence, plan, due if due > now else now + every(plan))
    else:
        return cadence
    cadence.save()
    return cadence


def cadence_restart(*, ticket: Ticket, now: datetime) -> UpdateCadence | None:
    """An update was sent: the next one is due one cadence from now. On a ticket
    that expects no updates (resolved, no plan) only the last update is noted."""
    plan = plan_for(priority=ticket.priority) if ticket.is_open else None
    cadence = _locked_cadence(ticket)
    if plan is None:
        if cadence is not None:
            UpdateCadence.objects.filter(pk=cadence.pk).update(last_update_at=now)
            cadence.last_update_at = now
        return cadence
    cadence = cadence or UpdateCadence(ticket=ticket)
    cadence.last_update_at = now
    aim(cadence, plan, now + every(plan))
    cadence.save()
    return cadence


def audiences_clean(*, audiences: Iterable[str]) -> list[str]:
    """The chosen audiences in their usual order, so the same choice is always
    stored the same way; a ValidationError on ``audiences`` when none, an unknown
    one or something other than a list is given."""
    if isinstance(audiences, str) or not isinstance(audiences, Iterable):
        raise ValidationError({"audiences": _("Give a list of audiences.")})
    audiences = list(audiences)
    unknown = sorted({str(a) for a in audiences} - set(Audience.values))
    if unknown:
        raise ValidationError(
            {"audiences": _("Unknown audiences: %(a)s.") % {"a": ", ".join(unknown)}}
        )
    chosen = [value for value in Audience.values if value in audiences]
    if not chosen:
        raise ValidationError({"audiences": _("Choose at least one audience.")})
    return chosen


@transaction.atomic
def communication_plan_save(*, plan: CommunicationPlan) -> CommunicationPlan:
    """Save a plan (admin, API, demo) with at least one audience, then bring the
    cadences of the open tickets of its priority in line, after the commit."""
    plan.audiences = audiences_clean(audiences=plan.audiences)
    plan.full_clean()
    old = CommunicationPlan.objects.filter(pk=plan.pk).values_list("priority", flat=True).first()
    plan.save()
    _resync_after_commit({plan.priority, old} - {None})
    return plan


@transaction.atomic
def communication_plan_delete(*, plan: CommunicationPlan) -> None:
    """Delete a plan; the cadences under it go with it (switching the plan off
    keeps their history instead)."""
    priority = plan.priority
    plan.delete()
    _resync_after_commit({priority})


def _resync_after_commit(priorities: set[str]) -> None:
    """Enqueue the resync once the plan is saved. A broker that is down only
    delays it: the saved plan stands, and each ticket picks it up at its next
    change (robust: the failure is logged, not raised at the admin)."""
    from notifications.tasks import resync_update_cadences

    for priority in priorities:
        transaction.on_commit(lambda p=priority: resync_update_cadences.delay(p), robust=True)


def cadences_resync(*, priority: str, now: datetime | None = None, batch_size: int = 100) -> int:
    """Start, re-aim or stop the cadence of every ticket of ``priority`` that has
    one or should have one, a batch of tickets per transaction, each ticket held
    as the ticket services hold it. Running it again changes nothing."""
    now = now or timezone.now()
    open_ids = Ticket.objects.filter(priority=priority).exclude(status__in=CLOSED_STATUSES)
    running = UpdateCadence.objects.filter(plan__priority=priority, next_action_at__isnull=False)
    ids = sorted(
        {
            *open_ids.values_list("pk", flat=True),
            *running.values_list("ticket_id", flat=True),
        }
    )
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            tickets = tickets_locked(Ticket.objects.filter(pk__in=ids[start : start + batch_size]))
            for ticket in tickets.order_by("pk"):
                cadence_sync(ticket=ticket, now=now)
    return len(ids)
