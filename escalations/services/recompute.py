"""Background recomputation of open clocks after a policy or calendar is edited.

Runs in a Celery task, never in the admin request: tickets are refreshed in
batches, each in its own transaction, so a long run holds no lock for long and
a restarted task simply goes over the same tickets again (re-targeting is
idempotent: used time is kept, due times are recomputed). Each batch reads its
tickets inside its transaction and holds them (ticket before clocks, as every
writer does), so a ticket changed while the task runs is refreshed as it is
now, never from a copy read before the change."""

from django.db import transaction

from escalations.clockstates import OPEN
from escalations.models import SlaClock
from escalations.services.sla import level_clock_reschedule, sla_refresh
from tickets import events
from tickets.models import Status, Ticket
from tickets.services import tickets_locked

BATCH_SIZE = 200


def clocks_recompute(
    *, policy_id: int | None = None, calendar_id: int | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Refresh tickets. A policy edit (or a team's calendar changing) can change
    what governs any open ticket, or start clocks on one that had none, so all
    open tickets are refreshed; a calendar edit touches the tickets with clocks
    it times, level clocks included. The stretch already running is measured
    with the calendar as it is now."""
    if calendar_id is not None and policy_id is None:
        timed = SlaClock.objects.filter(state__in=OPEN, calendar_id=calendar_id)
        tickets = Ticket.objects.filter(pk__in=timed.values("ticket_id"))
    else:
        tickets = Ticket.objects.exclude(status__in=(Status.RESOLVED, Status.CLOSED))
    last_id, done = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                tickets_locked(
                    tickets.filter(pk__gt=last_id).select_related("organization", "team")
                ).order_by("pk")[:batch_size]
            )
            for ticket in batch:
                sla_refresh(ticket=ticket)
                if calendar_id is not None:
                    level_clock_reschedule(ticket=ticket, calendar_id=calendar_id)
            if batch:
                events.publish(events.SLA_RECOMPUTED, tickets=batch)
        if not batch:
            return done
        done += len(batch)
        last_id = batch[-1].pk
