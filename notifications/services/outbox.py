"""Sending what waits in the outbox, once.

A delivery is claimed by a guarded update (pending or retry -> sending), so two
workers running the same task, or a task enqueued twice, send it once. A
worker killed mid-send leaves the row ``sending`` with a lease; when the lease
runs out the outbox sweep hands it over again (the receiver can tell a repeat
by the event id it carries).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.channels import Outcome
from notifications.models import Channel, Delivery, DeliveryAttempt

logger = logging.getLogger(__name__)

Status = Delivery.Status
OPEN = (Status.PENDING, Status.RETRY, Status.SENDING)
# Recorded in the worker's language when a delivery finds its endpoint switched off.
SWITCHED_OFF = gettext_lazy("The endpoint is switched off.")


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

        if delivery.endpoint is None or not delivery.endpoint.is_active:
            return Outcome(ok=False, error=str(SWITCHED_OFF), retryable=False)
        return webhook.send(delivery)
    error = _("Unknown channel: %(channel)s.") % {"channel": delivery.channel}
    return Outcome(ok=False, error=error, retryable=False)


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """Send one delivery if it is still to be sent; None when another run has it
    or it is done. Returns the delivery as it ended (sent, retry or failed).

    Claimed by a guarded update, so it is sent once however many runs try.
    Every attempt is logged with its outcome in one commit. A failure worth
    retrying waits ``backoff`` before the next attempt, up to
    ``NOTIFY_MAX_ATTEMPTS``; any other failure, or the last, fails it. A webhook
    attempt counts towards its endpoint's failures in a row."""
    now = now or timezone.now()
    lease = timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
    ready = Q(status=Status.PENDING) | Q(
        status__in=[Status.RETRY, Status.SENDING], next_attempt_at__lte=now
    )
    claimed = (
        Delivery.objects.filter(ready, pk=delivery_id)
        .filter(attempts__lt=settings.NOTIFY_MAX_ATTEMPTS)
        .update(status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + lease)
    )
    if not claimed:
        _give_up_exhausted(delivery_id)
        return None
    delivery = Delivery.objects.select_related("endpoint", "user").get(pk=delivery_id)
    started = time.monotonic()
    try:
        outcome = _channel_send(delivery)
    except Exception as error:
        outcome = Outcome(ok=False, error=f"{type(error).__name__}: {error}")
    with transaction.atomic():  # the attempt and its outcome, in one commit
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=DeliveryAttempt.objects.filter(delivery=delivery).count() + 1,
            started_at=now,
            duration_ms=round((time.monotonic() - started) * 1000),
            status_code=outcome.status_code,
            ok=outcome.ok,
            error=outcome.error[:2000],
        )
        mine = Delivery.objects.filter(
            pk=delivery.pk, status=Status.SENDING, attempts=delivery.attempts
        )
        if outcome.ok:
            delivery.status, delivery.sent_at, delivery.last_error = Status.SENT, timezone.now(), ""
            mine.update(status=Status.SENT, sent_at=delivery.sent_at, last_error="")
        elif outcome.retryable and delivery.attempts < settings.NOTIFY_MAX_ATTEMPTS:
            delivery.status = Status.RETRY
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
            delivery.last_error = outcome.error
            mine.update(
                status=Status.RETRY,
                next_attempt_at=delivery.next_attempt_at,
                last_error=outcome.error,
            )
        else:
            delivery.status, delivery.last_error = Status.FAILED, outcome.error
            mine.update(status=Status.FAILED, last_error=outcome.error)
    if delivery.channel == Channel.WEBHOOK and delivery.endpoint is not None:
        # Imported here: the webhook services hand deliveries back to this module.
        from notifications.services.webhooks import webhook_endpoint_attempt_record

        webhook_endpoint_attempt_record(endpoint_id=delivery.endpoint_id, outcome=outcome)
    return delivery


def _give_up_exhausted(delivery_id: int) -> None:
    # A row whose lease ran out after its last attempt (the worker died): failed.
    Delivery.objects.filter(
        pk=delivery_id,
        status=Status.SENDING,
        attempts__gte=settings.NOTIFY_MAX_ATTEMPTS,
        next_attempt_at__lte=timezone.now(),
    ).update(status=Status.FAILED, last_error=_("No answer after the last attempt."))


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries the workers should have by now: pending ones the broker never
    got (it was down when they were committed), retries whose time has come and
    sends whose worker died. A pending row is marked so that, while its task
    still waits in a long queue, the sweeps hand it over less and less often:
    when it is ``NOTIFY_REQUEUE_AFTER_SECONDS`` old, then twice, four times ...
    as old, at most ``NOTIFY_RETRY_MAX_SECONDS`` apart."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER_SECONDS)
    rows = list(
        Delivery.objects.filter(status__in=OPEN, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at")
        .values_list("pk", "status", "created_at")[:limit]
    )
    waits: dict[timedelta, list[int]] = defaultdict(list)
    for pk, status, created_at in rows:
        if status == Status.PENDING:
            waits[_requeue_wait(age=now - created_at, grace=grace)].append(pk)
    for wait, ids in waits.items():
        # Due again ``wait`` from now: the sweep takes rows ``grace`` past this time.
        Delivery.objects.filter(pk__in=ids, status=Status.PENDING).update(
            next_attempt_at=now + wait - grace
        )
    return [pk for pk, _status, _created_at in rows]


def _requeue_wait(*, age: timedelta, grace: timedelta) -> timedelta:
    """The row's age rounded down to grace, 2 x grace, 4 x grace ..., capped."""
    cap = timedelta(seconds=settings.NOTIFY_RETRY_MAX_SECONDS)
    wait = grace
    while timedelta(0) < wait < cap and wait * 2 <= age:
        wait *= 2
    return min(wait, cap)


def deliveries_requeue(*, now: datetime | None = None) -> int:
    """Beat: hand over again what the broker lost or never got. What cannot be
    handed over (the broker went away meanwhile) is due again at the next run."""
    now = now or timezone.now()
    ids = deliveries_due(now=now)
    missed = deliveries_enqueue(ids=ids)
    grace = timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER_SECONDS)
    Delivery.objects.filter(pk__in=missed, status=Status.PENDING).update(
        next_attempt_at=now - grace
    )
    return len(ids) - len(missed)


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
