"""Sending what waits in the outbox, once.

A delivery is claimed by a guarded update (pending or retry -> sending), so two
workers running the same task, or a task enqueued twice, send it once. A
worker killed mid-send leaves the row ``sending`` with a lease; when the lease
runs out the outbox sweep hands it over again (the receiver can tell a repeat
by the event id it carries).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.channels import Outcome
from notifications.models import Channel, Delivery, DeliveryAttempt, EventKind

logger = logging.getLogger(__name__)

Status = Delivery.Status
OPEN = (Status.PENDING, Status.RETRY, Status.SENDING)
# Recorded in the worker's language when a delivery finds its endpoint switched off.
SWITCHED_OFF = gettext_lazy("The endpoint is switched off.")
NO_OUTCOME = gettext_lazy(
    "No outcome recorded: the worker stopped after the send began; the receiver may have got it."
)
T = TypeVar("T")


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: base, 2x base, 4x base ... capped."""
    seconds = settings.NOTIFY_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.NOTIFY_RETRY_MAX_SECONDS))


def _channel_send(delivery: Delivery) -> Outcome:
    if delivery.channel == Channel.EMAIL:
        from notifications.channels import email

        return email.send(delivery)
    if delivery.channel == Channel.WEBHOOK:
        from notifications.channels import webhook

        if delivery.endpoint is None:
            return Outcome(ok=False, error=str(SWITCHED_OFF), retryable=False)
        return webhook.send(delivery)
    error = _("Unknown channel: %(channel)s.") % {"channel": delivery.channel}
    return Outcome(ok=False, error=error, retryable=False)


def _held_back(delivery: Delivery) -> bool:
    # A test event goes out even while the endpoint is off: it is how an admin
    # checks a receiver before switching it on.
    return (
        delivery.channel == Channel.WEBHOOK
        and delivery.endpoint is not None
        and not delivery.endpoint.is_active
        and delivery.kind != EventKind.WEBHOOK_TEST
    )


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Send one delivery if it is still to be sent; None when another run has it
    or it is done. Returns the delivery as it ended (sent, retry, failed or held).

    Claimed by a guarded update, so it is sent once however many runs try. The
    attempt is logged with the claim, before anything is sent, so every attempt
    shows in the log even when its worker dies mid-send; its outcome is written
    afterwards, retried on a fresh database connection when the connection was
    lost meanwhile (the send has happened: sending again is what must not
    follow). A failure worth retrying waits ``backoff`` before the next attempt,
    up to ``NOTIFY_MAX_ATTEMPTS``; any other failure, or the last, fails it. A
    webhook whose endpoint is switched off is held, not attempted."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    ready = Q(status=Status.PENDING) | Q(
        status__in=[Status.RETRY, Status.SENDING], next_attempt_at__lte=now
    )
    with transaction.atomic():
        claimed = (
            Delivery.objects.filter(ready, pk=delivery_id)
            .filter(attempts__lt=settings.NOTIFY_MAX_ATTEMPTS)
            .update(status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + lease)
        )
        if claimed:
            delivery = Delivery.objects.select_related("endpoint", "user").get(pk=delivery_id)
            if _held_back(delivery):
                _hold(delivery, now=now)
                return delivery
            attempt = _attempt_start(delivery, now=now)
    if not claimed:
        _give_up_exhausted(delivery_id)
        return None
    started = time.monotonic()
    try:
        outcome = _channel_send(delivery)
    except Exception as error:
        outcome = Outcome(ok=False, error=f"{type(error).__name__}: {error}")
    duration_ms = round((time.monotonic() - started) * 1000)
    durably(lambda: _record(delivery, attempt, outcome, duration_ms=duration_ms))
    # A success needs writing only when the endpoint was failing when claimed.
    healthy = outcome.ok and delivery.endpoint is not None and not delivery.endpoint.failing_since
    if (
        delivery.channel == Channel.WEBHOOK
        and delivery.kind != EventKind.WEBHOOK_TEST
        and not healthy
    ):
        # Imported here: the webhook services hand deliveries back to this module.
        from notifications.services.webhooks import webhook_endpoint_attempt_record

        endpoint_id = delivery.endpoint_id
        durably(lambda: webhook_endpoint_attempt_record(endpoint_id=endpoint_id, outcome=outcome))
    return delivery


def _hold(delivery: Delivery, *, now: datetime) -> None:
    # Not an attempt: the claim's count is given back.
    Delivery.objects.filter(pk=delivery.pk, status=Status.SENDING).update(
        status=Status.HELD, attempts=F("attempts") - 1, next_attempt_at=now
    )
    delivery.status = Status.HELD


def _attempt_start(delivery: Delivery, *, now: datetime) -> DeliveryAttempt:
    earlier = DeliveryAttempt.objects.filter(delivery=delivery).count()
    if earlier:
        # An earlier attempt still open lost its worker between sending and recording.
        DeliveryAttempt.objects.filter(delivery=delivery, finished_at__isnull=True).update(
            finished_at=now, error=str(NO_OUTCOME)
        )
    return DeliveryAttempt.objects.create(delivery=delivery, number=earlier + 1, started_at=now)


def _record(
    delivery: Delivery, attempt: DeliveryAttempt, outcome: Outcome, *, duration_ms: int
) -> None:
    """The attempt's outcome and the delivery's next state, in one commit."""
    finished = timezone.now()
    with transaction.atomic():
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            finished_at=finished,
            duration_ms=duration_ms,
            status_code=outcome.status_code,
            ok=outcome.ok,
            error=outcome.error[:2000],
        )
        mine = Delivery.objects.filter(
            pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts
        )
        if outcome.ok:
            delivery.status, delivery.sent_at, delivery.last_error = Status.SENT, finished, ""
            mine.update(status=Status.SENT, sent_at=delivery.sent_at, last_error="")
        elif outcome.retryable and delivery.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Status.RETRY
            delivery.next_attempt_at = finished + backoff(delivery.attempts)
            delivery.last_error = outcome.error
            mine.update(
                status=Status.RETRY,
                next_attempt_at=delivery.next_attempt_at,
                last_error=outcome.error,
            )
        else:
            delivery.status, delivery.last_error = Status.FAILED, outcome.error
            mine.update(status=Status.FAILED, last_error=outcome.error)


def durably(write: Callable[[], T]) -> T:
    """Run ``write``; when the database connection was lost, run it again on a
    fresh one, for up to a quarter of the claim lease (so a send plus its
    record stay within the lease). Inside an outer transaction nothing can be
    recovered, and the error is raised."""
    deadline = time.monotonic() + settings.NOTIFY_LEASE_SECONDS / 4
    pause = 0.05
    while True:
        try:
            return write()
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("Database connection lost while recording a delivery; retrying")
            with contextlib.suppress(OperationalError, InterfaceError):
                connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _give_up_exhausted(delivery_id: int) -> None:
    # A row whose lease ran out after its last attempt (the worker died): failed.
    Delivery.objects.filter(
        pk=delivery_id,
        status=Status.SENDING,
        attempts__gte=settings.NOTIFY_MAX_ATTEMPTS,
        next_attempt_at__lte=timezone.now(),
    ).update(status=Status.FAILED, last_error=_("No answer after the last attempt."))


def deliveries_enqueue(*, ids: list[int]) -> list[int]:
    """Hand committed deliveries to the workers; returns those it could not. A
    broker that is down only delays them: they stay in the outbox and the beat
    task ``requeue_deliveries`` hands them over again."""
    from notifications.tasks import deliver

    for index, pk in enumerate(ids):
        try:
            deliver.delay(pk)
        except Exception:
            logger.warning("Delivery %s not enqueued; the outbox sweep will retry it", pk)
            return ids[index:]
    return []


def deliveries_enqueue_together(*, ids: list[int]) -> list[int]:
    """Hand committed deliveries to the workers in one broker message (a batch
    job's chunk: its e-mails and webhooks); returns those it could not, all of
    them when the broker is down (the outbox sweep hands them over later). The
    worker sends them one after another, each claimed as ``delivery_send`` claims
    it, so a message delivered twice sends nothing twice."""
    from notifications.tasks import deliver_many

    if len(ids) < 2:
        return deliveries_enqueue(ids=ids)
    try:
        deliver_many.delay(list(ids))
    except Exception:
        logger.warning("%s deliveries not enqueued; the outbox sweep will retry them", len(ids))
        return list(ids)
    return []


def deliveries_enqueue_on_commit(*, ids: list[int]) -> None:
    """Hand the deliveries to the workers once the transaction commits; a broker
    outage then must not fail the change that was just committed (robust)."""
    if ids:
        transaction.on_commit(partial(deliveries_enqueue, ids=list(ids)), robust=True)


def delivery_retry_now(*, delivery_id: int) -> bool:
    """Admin: send a failed or waiting delivery again, with a fresh set of attempts."""
    updated = Delivery.objects.filter(
        pk=delivery_id, status__in=[Status.FAILED, Status.RETRY, Status.PENDING]
    ).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        deliveries_enqueue_on_commit(ids=[delivery_id])
    return bool(updated)
