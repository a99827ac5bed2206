"""The SLA sweep: record warnings and breaches that have come due, exactly once.

Due work is found by one indexed query on ``SlaClock.next_action_at``, never by
scanning open tickets, so a sweep with nothing due costs one index probe
whatever the number of open tickets. Rows are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL) in small transactions, so
sweepers running side by side share the work instead of repeating it. Each
warning or breach is inserted into ``SlaClockAlert`` under a uniqueness
constraint on (clock, cycle, kind): a retried task, a second sweeper or a
worker killed mid-batch can never record one twice, and because due times live
in the database, a stopped worker or broker only delays the next sweep. A batch
is written with a few set-based statements (one per outcome, bulk inserts for
alerts and audit entries), so a burst of due clocks clears quickly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import events
from escalations.models import SlaClock, SlaClockAlert
from escalations.services.sla import next_action
from tickets.models import TicketEvent

Alert = SlaClockAlert.Kind


@dataclass
class SweepResult:
    warnings: int = 0
    breaches: int = 0
    clocks: int = 0
    batches: int = 0


def _claim(now: datetime, batch_size: int) -> list[SlaClock]:
    """Lock up to ``batch_size`` due clocks (ids only, so the index alone answers),
    then load them with what the alerts and listeners need."""
    due = SlaClock.objects.filter(next_action_at__lte=now).order_by("next_action_at")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    ids = list(due.values_list("pk", flat=True)[:batch_size])
    if not ids:
        return []
    return list(SlaClock.objects.filter(pk__in=ids).select_related("ticket", "policy"))


def _outcome(clock: SlaClock, now: datetime) -> list[tuple[str, datetime]]:
    """Advance the clock in memory; the alerts that came due, with their due times."""
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
    return due


def _note(clock: SlaClock, alert: str) -> str:
    text = _("%(metric)s target missed.") if alert == Alert.BREACH else _("%(metric)s is due soon.")
    return text % {"metric": clock.get_metric_display()}


def _process(clocks: list[SlaClock], now: datetime, result: SweepResult) -> None:
    """Record the batch's alerts with a handful of statements, whatever its size."""
    done = set(
        SlaClockAlert.objects.filter(clock__in=clocks).values_list("clock_id", "cycle", "kind")
    )
    alerts, trail, published = [], [], []
    warned, breached, idle = [], [], []
    for clock in clocks:
        for alert, at in _outcome(clock, now):
            if (clock.pk, clock.cycle, alert) in done:
                continue  # recorded by an earlier, interrupted run: never twice
            alerts.append(SlaClockAlert(clock=clock, cycle=clock.cycle, kind=alert, due_at=at))
            trail.append(
                TicketEvent(
                    ticket_id=clock.ticket_id,
                    kind=TicketEvent.Kind.SLA_BREACH
                    if alert == Alert.BREACH
                    else TicketEvent.Kind.SLA_WARNING,
                    field=f"sla:{clock.metric}",
                    new_value=clock.due_at.isoformat(timespec="seconds"),
                    note=_note(clock, alert),
                )
            )
            published.append((alert, clock))
        if clock.status == SlaClock.Status.BREACHED and clock.breached_at == now:
            breached.append(clock.pk)
        elif clock.next_action_at is None:
            idle.append(clock.pk)
        else:
            warned.append(clock.pk)
    # The new state first: a listener may start a new cycle of a clock (a level
    # clock after an escalation), which must not be overwritten afterwards.
    if breached:
        SlaClock.objects.filter(pk__in=breached).update(
            status=SlaClock.Status.BREACHED,
            breached_at=now,
            warned_at=Coalesce("warned_at", Value(now)),
            next_action_at=None,
        )
    if warned:
        SlaClock.objects.filter(pk__in=warned).update(warned_at=now, next_action_at=F("due_at"))
    if idle:
        SlaClock.objects.filter(pk__in=idle).update(next_action_at=None)
    SlaClockAlert.objects.bulk_create(alerts)
    TicketEvent.objects.bulk_create(trail)
    for alert, clock in published:
        if alert == Alert.BREACH:
            result.breaches += 1
            events.publish(events.SLA_BREACH, clock=clock, now=now)
        else:
            result.warnings += 1
            events.publish(events.SLA_WARNING, clock=clock, now=now)
    result.clocks += len(clocks)


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
            if clocks:
                _process(clocks, now, result)
        if not clocks:
            break
        result.batches += 1
        if len(clocks) < batch_size:
            break
    return result
