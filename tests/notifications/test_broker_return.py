"""A worker back from a broker outage (PostgreSQL, a Redis of the test's own):
it reconnects within about a second of the broker's return, not after kombu's
growing back-off, and hands back the deliveries the outage kept from the
broker at once, without waiting for beat's outbox sweep (there is no beat here)."""

import collections
import time

import pytest

from notifications.models import Delivery, DeliveryAttempt, EventKind, WebhookEndpoint
from notifications.services import outbox
from notifications.services.dispatch import event_emit
from tests.notifications.conftest import SECRET
from tests.workers import needs_broker, wait_for

pytestmark = [needs_broker, pytest.mark.broker]
WORKER_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    "WEBHOOK_TIMEOUT": "1",
    "NOTIFY_REQUEUE_AFTER_SECONDS": "1",
}
# kombu's default back-off would try again 2, 6, 12, 20 and 30 s after the loss:
# after 21 s down, the worker would be back 9 s after the broker.
OUTAGE = 21
BACK_WITHIN = 6


def test_a_worker_reconnects_at_once_and_hands_back_what_the_outage_kept_from_the_broker(
    celery_processes, receiver, own_redis, monkeypatch
):
    monkeypatch.setattr(outbox, "deliveries_enqueue", lambda *, ids: [])  # as if Redis were down
    endpoint = WebhookEndpoint.objects.create(name="Ops", url=receiver.url, secret=SECRET)
    celery_processes.worker(concurrency=2, REDIS_URL=own_redis.url, **WORKER_ENV)
    wait_for(lambda: "ready." in celery_processes.logs(), timeout=60, message=celery_processes.logs)

    own_redis.kill()
    ids = {str(event_emit(kind=EventKind.SLA_BREACH, extra={"n": n})) for n in range(30)}
    assert Delivery.objects.filter(endpoint=endpoint, status="pending").count() == 30
    time.sleep(OUTAGE)
    own_redis.start()  # empty
    back = time.monotonic()
    wait_for(
        lambda: not Delivery.objects.exclude(status="sent").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    took = time.monotonic() - back
    time.sleep(1)  # nothing is sent again

    assert took < BACK_WITHIN, f"all sent {took:.1f} s after the broker's return"
    accepted = collections.Counter(r.headers["X-Escalade-Event-Id"] for r in receiver.requests)
    assert accepted == dict.fromkeys(ids, 1)
    assert DeliveryAttempt.objects.count() == 30
