"""What a webhook endpoint missed while it was switched off.

While an endpoint is off, every event it subscribes to still gets a delivery
row for it, ``held``: written with the event, never attempted. When the
endpoint is switched on, one task sends its backlog in event order, one
delivery at a time, oldest first; events raised while the backlog is still
going out are held behind it, so nothing new overtakes what waited. A
delivery of the backlog that fails and is worth retrying stops the line until
its retry (so the order holds); an endpoint switched off again stops it too.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from notifications.models import Channel, Delivery, WebhookEndpoint
from notifications.services.outbox import OPEN, delivery_send

logger = logging.getLogger(__name__)
Status = Delivery.Status
# While another worker holds the head of the line, look again this soon.
BUSY_WAIT = timedelta(seconds=1)


def held_for(endpoint_id: OuterRef | int):
    return Delivery.objects.filter(
        endpoint_id=endpoint_id, channel=Channel.WEBHOOK, status=Status.HELD
    )


def backlog_send(*, endpoint_id: int, budget: float | None = None) -> datetime | None:
    """Send the endpoint's held deliveries, oldest first, one at a time, for at
    most ``budget`` seconds (``NOTIFY_REQUEUE_TIME_BUDGET``). Returns when to go
    on (a retry's time, or now when the budget ran out), or None when the
    backlog is done or the endpoint is off."""
    if budget is None:
        budget = settings.NOTIFY_REQUEUE_TIME_BUDGET
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        if not WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).exists():
            return None
        if not held_for(endpoint_id).exists():
            return None
        now = timezone.now()
        # The head of the line: the oldest delivery still to go, held or not.
        head = (
            Delivery.objects.filter(
                endpoint_id=endpoint_id,
                channel=Channel.WEBHOOK,
                status__in=[*OPEN, Status.HELD],
            )
            .order_by("created_at", "pk")
            .values_list("pk", "status", "next_attempt_at")
            .first()
        )
        pk, status, due = head
        if status == Status.HELD:
            Delivery.objects.filter(pk=pk, status=Status.HELD).update(
                status=Status.PENDING, attempts=0, next_attempt_at=now, last_error=""
            )
        elif status == Status.SENDING and due > now:
            return now + BUSY_WAIT  # a send under way elsewhere
        elif status == Status.RETRY and due > now:
            return due  # the line waits for its retry
        sent = delivery_send(delivery_id=pk, now=now)
        if sent is None:
            return now + BUSY_WAIT
        if sent.status == Status.RETRY:
            return sent.next_attempt_at
        if sent.status == Status.HELD:
            return None
    return timezone.now()


def backlog_send_on_commit(*, endpoint_id: int) -> None:
    """Start sending the endpoint's backlog once the transaction commits."""
    transaction.on_commit(partial(_enqueue, endpoint_id), robust=True)


def backlogs_resume() -> list[int]:
    """The outbox sweep: endpoints switched on that still hold deliveries (their
    backlog task was lost, or an event was held just as the backlog ran out)
    get their backlog sent."""
    ids = list(
        WebhookEndpoint.objects.filter(is_active=True)
        .filter(Exists(held_for(OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    for pk in ids:
        try:
            _enqueue(pk)
        except Exception:
            logger.warning("Backlog of endpoint %s not enqueued; the next sweep will", pk)
            break
    return ids


def _enqueue(endpoint_id: int, eta: datetime | None = None) -> None:
    from notifications.tasks import send_backlog

    send_backlog.apply_async((endpoint_id,), eta=eta)
