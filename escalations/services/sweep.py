"""The SLA sweep: record warnings and breaches that have come due, exactly once.

Due work is found by one indexed query on ``SlaClock.next_action_at``, never by
scanning open tickets, so a sweep with nothing due costs one index probe
whatever the number of open tickets. Rows are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL) in small transactions, so
sweepers running side by side share the work instead of repeating it. Each
warning or breach is inserted into ``SlaClockAlert`` under a uniqueness
constraint on (clock, cycle, kind): a retried task, a second sweeper or a
worker killed mid-batch can never record one twice, and because due times live
in the database, a stopped worker or broker only delays the next sweep.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import events
from escalations.models import SlaClock, SlaClockAlert
from escalations.services.sla import next_action
from tickets.models import TicketEvent
from tickets.services import ticket_event_record

Alert = SlaClockAlert.Kind


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0
    clocks: int = 0
    batches: int = 0


def _claim(now: datetime, batch_size: int) -> list[SlaClock]:
    qs = SlaClock.objects.filter(next_action_at__lte=now).order_by("next_action_at")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.select_related("ticket")[:batch_size])


def _alert_once(clock: SlaClock, kind: str, due_at: datetime) -> bool:
    """Insert the alert row; False if this cycle's alert of this kind already exists."""
    try:
        with transaction.atomic():
            SlaClockAlert.objects.create(clock=clock, cycle=clock.cycle, kind=kind, due_at=due_at)
    except IntegrityError:
        return False
    return True


def _record(clock: SlaClock, alert: str, due_at: datetime, now: datetime) -> bool:
    """Record one warning or breach of the clock's current cycle, unless already done:
    the alert row, the ticket's audit entry, and the domain event for listeners."""
    if not _alert_once(clock, alert, due_at):
        return False
    breach = alert == Alert.BREACH
    metric = clock.get_metric_display()
    ticket_event_record(
        ticket=clock.ticket,
        actor=None,
        kind=TicketEvent.Kind.SLA_BREACH if breach else TicketEvent.Kind.SLA_WARNING,
        field=f"sla:{clock.metric}",
        new=clock.due_at.isoformat(timespec="seconds"),
        note=(_("%(metric)s target missed.") if breach else _("%(metric)s is due soon."))
        % {"metric": metric},
    )
    events.publish(events.SLA_BREACH if breach else events.SLA_WARNING, clock=clock, now=now)
    return True


def _fire(clock: SlaClock, now: datetime, result: SweepResult) -> None:
    due: list[tuple[str, datetime]] = []
    if clock.status == SlaClock.Status.RUNNING:
        if clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= now:
            clock.warned_at = now
            if clock.warn_at < clock.due_at:
                due.append((Alert.WARNING, clock.warn_at))
        if clock.breached_at is None and clock.due_at is not None and clock.due_at <= now:
            clock.breached_at = now
            clock.status = SlaClock.Status.BREACHED
            due.append((Alert.BREACH, clock.due_at))
    clock.next_action_at = next_action(clock)
    # Save before telling listeners: a listener may start a new cycle of this clock
    # (a level clock after an escalation), which must not be overwritten.
    clock.save(update_fields=["warned_at", "breached_at", "status", "next_action_at"])
    for alert, at in due:
        if _record(clock, alert, at, now):
            if alert == Alert.BREACH:
                result.breaches += 1
            else:
                result.warnings += 1
    result.clocks += 1


def sla_sweep(
    *, now: datetime | None = None, batch_size: int = 100, time_budget: float | None = None
) -> SweepResult:
    """Record every warning and breach due by ``now``, in transactions of
    ``batch_size`` clocks, until none is left or ``time_budget`` seconds pass."""
    now = now or timezone.now()
    deadline = None if time_budget is None else time.monotonic() + time_budget
    result = SweepResult()
    while deadline is None or time.monotonic() < deadline:
        with transaction.atomic():
            clocks = _claim(now, batch_size)
            for clock in clocks:
                _fire(clock, now, result)
        if not clocks:
            break
        result.batches += 1
        if len(clocks) < batch_size:
            break
    return result
