"""Deliveries under real Celery workers and beat, on PostgreSQL and Redis: a webhook
that fails twice is retried with back-off and sent once; a broker outage while a
ticket is escalated only delays the e-mails and webhooks until it is back."""

import itertools
import socket
import subprocess
import sys
import time

import pytest

from escalations.demo import HANDOFF
from notifications.models import Channel, Delivery, DeliveryAttempt, EventKind, WebhookEndpoint
from notifications.services import outbox
from notifications.services.dispatch import event_emit
from tests.factories import create_ticket
from tests.notifications.conftest import SECRET
from tests.workers import ROOT, needs_broker, wait_for

pytestmark = needs_broker
DELIVER = "notifications.tasks.deliver"
# What the worker needs to post to the receiver on 127.0.0.1 and to retry quickly.
FAST_RETRIES = {"WEBHOOK_ALLOW_PRIVATE_TARGETS": "1", "NOTIFY_RETRY_BASE_SECONDS": "0.5"}


@pytest.fixture
def not_enqueued(monkeypatch):
    """Deliveries written by this process stay in the outbox: the test hands them
    to its own worker queue (the process's default queue has no worker)."""
    monkeypatch.setattr(outbox, "deliveries_enqueue", lambda *, ids: [])


def test_a_webhook_failing_twice_is_sent_once_on_the_third_attempt(
    celery_processes, receiver, not_enqueued
):
    endpoint = WebhookEndpoint.objects.create(name="Ops bridge", url=receiver.url, secret=SECRET)
    event_id = event_emit(kind=EventKind.SLA_BREACH, extra={"metric": "resolution"})
    delivery = Delivery.objects.get(event_id=event_id, endpoint=endpoint)
    receiver.replies = [(500, {}), (503, {})]

    celery_processes.worker(concurrency=2, **FAST_RETRIES)
    for _ in range(3):  # a duplicated task must not send twice
        celery_processes.send(DELIVER, delivery_id=delivery.pk)
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(),
        timeout=60,
        message=celery_processes.logs,
    )
    celery_processes.send(DELIVER, delivery_id=delivery.pk)
    time.sleep(1.5)

    assert [r.signed for r in receiver.requests] == [True, True, True]
    assert len({r.body for r in receiver.requests}) == 1
    assert {r.headers["X-Escalade-Event-Id"] for r in receiver.requests} == {str(event_id)}
    attempts = DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
    assert [(a.number, a.status_code, a.ok) for a in attempts] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]
    first, second = (
        (later.started_at - earlier.started_at).total_seconds()
        for earlier, later in itertools.pairwise(attempts)
    )
    assert first >= 0.45  # 0.5 s of back-off after the first failure
    assert second >= 0.95  # then 1 s


ESCALATE_DURING_OUTAGE = """
from django.contrib.auth import get_user_model
from escalations.services.escalate import escalation_request
from tickets.models import Ticket
escalation_request(
    ticket=Ticket.objects.get(pk={ticket_id}),
    actor=get_user_model().objects.get(username="agent1"),
    to_tier="L2",
    reason="Needs the network team.",
    **{handoff!r},
)
"""


def test_a_broker_outage_during_an_escalation_only_delays_delivery(
    celery_processes, receiver, network_path, not_enqueued
):
    WebhookEndpoint.objects.create(name="Ops bridge", url=receiver.url, secret=SECRET)
    agent1 = network_path.teams["L1"].members.get()
    ticket = create_ticket(agent1, impact=1, urgency=2)
    Delivery.objects.all().delete()

    # The escalation commits while the broker cannot be reached.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", 1)) != 0, "port 1 should be closed"
    env = celery_processes.env(REDIS_URL="redis://127.0.0.1:1/15")
    script = ESCALATE_DURING_OUTAGE.format(ticket_id=ticket.pk, handoff=HANDOFF)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "not enqueued" in done.stderr
    ticket.refresh_from_db()
    assert ticket.level == "L2"
    waiting = Delivery.objects.filter(kind=EventKind.ESCALATED)
    assert waiting.filter(channel=Channel.EMAIL).exists()
    assert waiting.filter(channel=Channel.WEBHOOK).count() == 1
    assert set(waiting.values_list("status", flat=True)) == {"pending"}

    # The broker is back: beat's outbox sweep hands the deliveries to the worker.
    back = {**FAST_RETRIES, "NOTIFY_REQUEUE_INTERVAL": "1", "NOTIFY_REQUEUE_AFTER_SECONDS": "0"}
    celery_processes.worker(concurrency=2, **back)
    celery_processes.beat(**back)
    wait_for(
        lambda: not Delivery.objects.exclude(status="sent").exists(),
        timeout=60,
        message=lambda: (
            f"{list(Delivery.objects.values('kind', 'status'))}\n" + celery_processes.logs()
        ),
    )
    time.sleep(2)  # more sweeps must not send anything again
    assert len(receiver.requests) == 1
    assert all(d.attempts == 1 for d in Delivery.objects.all())
    assert DeliveryAttempt.objects.count() == Delivery.objects.count()
