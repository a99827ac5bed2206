"""Background recomputation of open clocks after a policy or calendar is edited.

Runs in a Celery task, never in the admin request: tickets are refreshed in
batches, each in its own transaction, so a long run holds no lock for long and
a restarted task simply goes over the same tickets again (re-targeting is
idempotent: used time is kept, due times are recomputed)."""

from django.db import transaction

from escalations.models import SlaClock
from escalations.services.sla import OPEN_CLOCK, sla_refresh
from tickets.models import Ticket

BATCH_SIZE = 200


def clocks_recompute(
    *, policy_id: int | None = None, calendar_id: int | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Refresh tickets with open clocks. A policy edit (or a team's calendar
    changing) can change what governs any ticket, so all are refreshed; a
    calendar edit touches the clocks it times. The stretch already running is
    measured with the calendar as it is now."""
    clocks = SlaClock.objects.filter(status__in=OPEN_CLOCK)
    if calendar_id is not None and policy_id is None:
        clocks = clocks.filter(calendar_id=calendar_id)
    ticket_ids = clocks.values("ticket_id")
    last_id, done = 0, 0
    while True:
        batch = list(
            Ticket.objects.filter(pk__in=ticket_ids, pk__gt=last_id)
            .select_related("organization", "team")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            return done
        with transaction.atomic():
            for ticket in batch:
                sla_refresh(ticket=ticket)
        done += len(batch)
        last_id = batch[-1].pk
