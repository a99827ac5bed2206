"""Webhook deliveries under faults, with real Celery workers and beat on PostgreSQL
and Redis: the database connection lost between the POST and its record, the
broker restarted empty, a receiver down and answering 500 while its endpoint
is switched off and on, and a worker killed between sending and recording.

Each counts the deliveries and the receiver's requests per event: exactly
once, except where a worker dies between sending and recording (the one
documented repeat; receivers tell it by the event id)."""

import collections
import time

import psycopg
import pytest
from django.db import connection

from config.celery import app
from notifications.models import Delivery, DeliveryAttempt, EventKind, WebhookEndpoint
from notifications.services import backlog, outbox
from notifications.services.dispatch import event_emit
from notifications.services.webhooks import webhook_endpoint_switch_on
from tests.notifications.conftest import SECRET
from tests.workers import database_url, needs_broker, wait_for

pytestmark = [needs_broker, pytest.mark.broker]
DELIVER = "notifications.tasks.deliver"
# Private receivers on 127.0.0.1, quick retries, a short lease so that a send
# left unrecorded would be handed over again within the test, a sweep every second.
WORKER_ENV = {
    "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1",
    "NOTIFY_RETRY_BASE_SECONDS": "0.5",
    "NOTIFY_RETRY_MAX_SECONDS": "2",
    "NOTIFY_LEASE_SECONDS": "4",
    "WEBHOOK_TIMEOUT": "1",
    "EMAIL_TIMEOUT": "1",
    "NOTIFY_REQUEUE_INTERVAL": "1",
    "NOTIFY_REQUEUE_AFTER_SECONDS": "1",
}


@pytest.fixture
def not_enqueued(monkeypatch):
    """Deliveries written by this process stay in the outbox: the test hands them
    to its own worker queue (the process's default queue has no worker)."""
    monkeypatch.setattr(outbox, "deliveries_enqueue", lambda *, ids: [])


def emit_events(endpoint: WebhookEndpoint, count: int) -> list[Delivery]:
    ids = [event_emit(kind=EventKind.SLA_BREACH, extra={"n": n}) for n in range(count)]
    rows = Delivery.objects.filter(event_id__in=ids, endpoint=endpoint)
    return list(rows.order_by("created_at", "pk"))


def accepted_per_event(receiver) -> collections.Counter:
    return collections.Counter(
        r.headers["X-Escalade-Event-Id"] for r in receiver.requests if r.answered == 200
    )


def own_backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_backends(*, keep: int) -> int:
    """Cut every other connection to the test database: the workers' ones."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
            [keep],
        ).fetchall()
    return len(rows)


def test_the_result_is_recorded_on_a_fresh_connection_when_the_old_one_dies_after_the_post(
    celery_processes, receiver, not_enqueued
):
    endpoint = WebhookEndpoint.objects.create(name="Ops", url=receiver.url, secret=SECRET)
    (delivery,) = emit_events(endpoint, 1)
    keep = own_backend_pid()
    cut = []
    # The receiver has the POST; before it answers, the worker's connection dies.
    receiver.on_request = lambda request: cut or cut.append(terminate_backends(keep=keep))

    celery_processes.worker(concurrency=1, **WORKER_ENV)
    celery_processes.beat(**WORKER_ENV)
    celery_processes.send(DELIVER, delivery_id=delivery.pk)
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    time.sleep(6)  # past the lease: a send left "sending" would go out again

    assert cut
    assert cut[0] >= 1
    assert len(receiver.requests) == 1
    assert accepted_per_event(receiver) == {str(delivery.event_id): 1}
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.ok) == (1, 200, True)
    assert attempt.finished_at is not None
    assert "Database connection lost while recording" in celery_processes.logs()


def test_a_worker_killed_between_sending_and_recording_repeats_the_send_once(
    celery_processes, receiver, not_enqueued
):
    """The one documented repeat: the receiver gets the event twice, under one
    event id, and the log shows both attempts."""
    endpoint = WebhookEndpoint.objects.create(name="Ops", url=receiver.url, secret=SECRET)
    (delivery,) = emit_events(endpoint, 1)
    first = celery_processes.worker(concurrency=1, **WORKER_ENV)
    receiver.on_request = lambda request: (
        celery_processes.kill(first) if len(receiver.requests) == 1 else None
    )
    celery_processes.send(DELIVER, delivery_id=delivery.pk)
    wait_for(lambda: first.poll() is not None, timeout=60, message=celery_processes.logs)

    celery_processes.worker(concurrency=1, **WORKER_ENV)
    celery_processes.beat(**WORKER_ENV)
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    assert [r.headers["X-Escalade-Event-Id"] for r in receiver.requests] == [
        str(delivery.event_id)
    ] * 2
    attempts = list(DeliveryAttempt.objects.filter(delivery=delivery).order_by("number"))
    assert [(a.number, a.ok) for a in attempts] == [(1, False), (2, True)]
    assert attempts[0].error.startswith("No outcome recorded")
    assert attempts[0].finished_at is not None


def test_a_broker_restarted_empty_during_deliveries_loses_nothing_and_repeats_nothing(
    celery_processes, receiver, not_enqueued, own_redis
):
    endpoint = WebhookEndpoint.objects.create(name="Ops", url=receiver.url, secret=SECRET)
    deliveries = emit_events(endpoint, 120)
    receiver.on_request = lambda request: time.sleep(0.02)  # a receiver taking its time
    env = {**WORKER_ENV, "REDIS_URL": own_redis.url}
    workers = [celery_processes.worker(concurrency=2, **env)]
    celery_processes.beat(**env)
    queue = f"{celery_processes.queue}.deliveries"
    with app.connection_for_write(own_redis.url) as conn:
        for delivery in deliveries:
            app.send_task(
                DELIVER, kwargs={"delivery_id": delivery.pk}, queue=queue, connection=conn
            )
    wait_for(lambda: len(receiver.requests) >= 20, timeout=60, message=celery_processes.logs)

    own_redis.kill()  # every task still queued is lost with it
    lost = Delivery.objects.filter(status__in=["pending", "retry", "sending"]).count()
    time.sleep(3)
    own_redis.start()  # empty

    def all_sent() -> bool:
        # A worker holding unacknowledged tasks when Redis goes away may exit
        # (kombu's channel close fails): production runs it under a supervisor
        # that starts it again (README), and so does this test.
        if workers[-1].poll() is not None:
            workers.append(celery_processes.worker(concurrency=2, **env))
        return not Delivery.objects.exclude(status="sent").exists()

    wait_for(
        all_sent,
        timeout=90,
        message=lambda: (
            f"{collections.Counter(Delivery.objects.values_list('status', flat=True))}\n"
            + celery_processes.logs()
        ),
    )
    time.sleep(2)  # more sweeps must not send anything again

    assert lost > 0
    events = {str(d.event_id) for d in deliveries}
    assert accepted_per_event(receiver) == dict.fromkeys(events, 1)
    assert len(receiver.requests) == len(events)
    assert DeliveryAttempt.objects.count() == len(events)


def test_a_receiver_down_then_failing_gets_its_endpoint_switched_off_and_on_without_loss(
    celery_processes, receiver, not_enqueued, monkeypatch
):
    """Down (no answer) then answering 500: the endpoint is switched off after
    failing for the set time; events raised meanwhile are held; switched on,
    the receiver gets every event once, what waited in event order."""
    monkeypatch.setattr(
        backlog,
        "_enqueue",
        lambda pk, eta=None: celery_processes.send(
            "notifications.tasks.send_backlog", endpoint_id=pk
        ),
    )
    endpoint = WebhookEndpoint.objects.create(name="Ops", url=receiver.url, secret=SECRET)
    receiver.on_request = lambda request: "drop"
    env = {**WORKER_ENV, "WEBHOOK_DISABLE_AFTER_MINUTES": "0.05"}  # 3 s
    celery_processes.worker(concurrency=2, **env)
    celery_processes.beat(**env)
    before = emit_events(endpoint, 10)
    for delivery in before:
        celery_processes.send(DELIVER, delivery_id=delivery.pk)
    wait_for(lambda: len(receiver.requests) >= 10, timeout=60, message=celery_processes.logs)
    receiver.on_request, receiver.status = None, 500
    wait_for(
        lambda: not WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    during = emit_events(endpoint, 15)
    assert {d.status for d in during} == {"held"}
    wait_for(  # what was waiting to be retried is held when its turn comes
        lambda: set(Delivery.objects.values_list("status", flat=True)) == {"held"},
        timeout=60,
        message=lambda: f"{list(Delivery.objects.values_list('status', flat=True))}",
    )
    requests_while_on = len(receiver.requests)
    time.sleep(1)
    assert len(receiver.requests) == requests_while_on  # held, not attempted

    receiver.status = 200
    assert webhook_endpoint_switch_on(endpoint_id=endpoint.pk)
    wait_for(
        lambda: not Delivery.objects.exclude(status="sent").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    time.sleep(1.5)

    events = [str(d.event_id) for d in before + during]
    assert accepted_per_event(receiver) == dict.fromkeys(events, 1)
    accepted = [r.headers["X-Escalade-Event-Id"] for r in receiver.requests if r.answered == 200]
    assert accepted == events  # in event order
    attempts = DeliveryAttempt.objects.filter(delivery__endpoint=endpoint)
    assert attempts.count() == len(receiver.requests)  # every attempt logged
    assert not attempts.filter(finished_at__isnull=True).exists()
