"""The outbox: each delivery sent once, retried with back-off, never lost to a
broker outage."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from escalations.services import escalate
from notifications import tasks
from notifications.channels import Outcome
from notifications.models import Delivery, DeliveryAttempt
from notifications.recipients import Recipient
from notifications.services import outbox, requeue
from notifications.services.dispatch import event_emit
from tests.factories import TicketFactory, create_ticket
from tests.notifications.test_recipients import HANDOFF
from tickets.models import User

pytestmark = pytest.mark.django_db


def one_delivery():
    recipients = [Recipient(email="a@example.com")]
    event_id = event_emit(kind="ticket.created", ticket=TicketFactory(), recipients=recipients)
    return Delivery.objects.get(event_id=event_id)


def test_a_delivery_run_twice_sends_once():
    delivery = one_delivery()
    assert outbox.delivery_send(delivery_id=delivery.pk).status == "sent"
    assert outbox.delivery_send(delivery_id=delivery.pk) is None
    tasks.deliver(delivery.pk)
    assert len(mail.outbox) == 1
    assert DeliveryAttempt.objects.filter(delivery=delivery, ok=True).count() == 1


def test_emitting_the_same_event_key_twice_writes_one_delivery():
    delivery = one_delivery()
    Delivery.objects.bulk_create(
        [
            Delivery(
                key=delivery.key,
                event_id=delivery.event_id,
                kind="ticket.created",
                channel="email",
                address="a@example.com",
                next_attempt_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,
    )
    assert Delivery.objects.count() == 1


def test_failures_back_off_exponentially_then_give_up(settings):
    settings.NOTIFY_MAX_ATTEMPTS = 4
    settings.NOTIFY_RETRY_BASE_SECONDS = 10
    delivery = one_delivery()
    failing = mock.patch(
        "notifications.channels.email.send", return_value=Outcome(ok=False, error="SMTP down")
    )
    now = timezone.now()
    waits = []
    with failing:
        for _ in range(4):
            result = outbox.delivery_send(delivery_id=delivery.pk, now=now)
            if result.status == "retry":
                waits.append(round((result.next_attempt_at - timezone.now()).total_seconds()))
                # Not due yet: a second run at the same moment does nothing.
                assert outbox.delivery_send(delivery_id=delivery.pk, now=now) is None
                now = result.next_attempt_at
    assert waits == [10, 20, 40]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 4, "SMTP down")
    assert list(delivery.attempt_log.values_list("number", "ok")) == [
        (1, False),
        (2, False),
        (3, False),
        (4, False),
    ]


def test_an_error_a_retry_cannot_fix_gives_up_at_once():
    delivery = one_delivery()
    with mock.patch(
        "notifications.channels.email.send",
        return_value=Outcome(ok=False, status_code=410, error="Gone", retryable=False),
    ):
        assert outbox.delivery_send(delivery_id=delivery.pk).status == "failed"


def test_a_send_whose_worker_died_is_handed_over_after_its_lease(settings):
    delivery = one_delivery()
    now = timezone.now()
    # A worker claimed it and died before recording anything.
    Delivery.objects.filter(pk=delivery.pk).update(
        status="sending", attempts=1, next_attempt_at=now + timedelta(seconds=120)
    )
    assert outbox.delivery_send(delivery_id=delivery.pk, now=now) is None
    later = now + timedelta(seconds=121)
    assert requeue.deliveries_due(now=later + timedelta(seconds=30)) == [delivery.pk]
    assert outbox.delivery_send(delivery_id=delivery.pk, now=later).status == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_during_an_escalation_delays_deliveries_without_losing_them(
    network_path, policy, settings
):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, impact=1, urgency=2)
    mail.outbox.clear()
    with mock.patch.object(tasks.deliver, "delay", side_effect=OperationalError("broker down")):
        escalation = escalate.escalation_request(
            ticket=ticket, actor=agent1, to_tier="L2", reason="Need L2", **HANDOFF
        )
    # The escalation committed; its e-mails wait in the outbox.
    assert escalation.pk
    waiting = Delivery.objects.filter(kind="escalation.escalated", status="pending")
    assert set(waiting.values_list("address", flat=True)) == {
        "agent2@example.com",
        "manager@example.com",
    }
    assert mail.outbox == []
    # Too soon: the sweep leaves fresh rows to the queue.
    assert tasks.requeue_deliveries() == 0
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    # The broker is back: beat's sweep hands them over, each goes out once.
    assert tasks.requeue_deliveries() >= 2
    assert sorted(m.to[0] for m in mail.outbox if "Escalated" in m.subject) == [
        "agent2@example.com",
        "manager@example.com",
    ]
    assert tasks.requeue_deliveries() == 0
    assert not Delivery.objects.exclude(status="sent").exists()


def test_a_long_address_keeps_the_delivery_key_within_its_column():
    limit = Delivery._meta.get_field("key").max_length
    long_one = "x" * 180 + "@example.com"
    longer_one = "y" * 230 + "@example.com"
    ticket = TicketFactory()
    recipients = [Recipient(email=a) for a in (long_one, longer_one, long_one.upper())]
    event_id = event_emit(kind="ticket.created", ticket=ticket, recipients=recipients)
    keys = list(Delivery.objects.filter(event_id=event_id).values_list("key", flat=True))
    assert len(keys) == 2  # one per address, the same address in capitals included
    assert {len(key) for key in keys} == {len(f"{event_id}:email:") + 64}
    assert all(len(key) <= limit for key in keys)
    assert set(Delivery.objects.values_list("address", flat=True)) == {long_one, longer_one}


def test_what_the_outbox_records_for_admins_is_translated(monkeypatch, settings):
    from django.utils import translation

    from notifications.models import WebhookEndpoint

    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"[pl] {message}")
    settings.NOTIFY_MAX_ATTEMPTS = 1
    switched_off = one_delivery()
    unknown = one_delivery()
    lost = one_delivery()
    endpoint = WebhookEndpoint.objects.create(
        name="Ops", url="https://hooks.example.com/in", is_active=False
    )
    Delivery.objects.filter(pk=switched_off.pk).update(channel="webhook", endpoint=endpoint)
    Delivery.objects.filter(pk=unknown.pk).update(channel="pigeon")
    Delivery.objects.filter(pk=lost.pk).update(
        status="sending", attempts=1, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    for delivery in (switched_off, unknown, lost):
        outbox.delivery_send(delivery_id=delivery.pk)
    errors = dict(Delivery.objects.values_list("pk", "last_error"))
    assert errors == {
        switched_off.pk: "",  # held for the endpoint, not attempted
        unknown.pk: "[pl] Unknown channel: pigeon.",
        lost.pk: "[pl] No answer after the last attempt.",
    }


def test_send_again_now_during_a_broker_outage_leaves_the_delivery_to_the_sweep(
    admin_client, django_capture_on_commit_callbacks, caplog
):
    delivery = one_delivery()
    Delivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8)
    with (
        mock.patch.object(tasks.deliver, "delay", side_effect=OperationalError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_client.post(
            "/admin/notifications/delivery/",
            {"action": "retry_now", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert "not enqueued" in caplog.text


def test_a_pending_delivery_still_waiting_in_the_queue_is_handed_over_less_and_less_often(
    settings,
):
    settings.NOTIFY_REQUEUE_AFTER_SECONDS = 30
    settings.NOTIFY_RETRY_MAX_SECONDS = 3600
    delivery = one_delivery()  # its task waits behind a backlog: nobody claims it
    handed_over = []
    for second in range(0, 8000, 30):  # a sweep every 30 seconds
        if delivery.pk in requeue.deliveries_due(
            now=delivery.created_at + timedelta(seconds=second)
        ):
            handed_over.append(second)
    # Twice as long each time, then at most an hour apart.
    assert handed_over == [30, 60, 120, 240, 480, 960, 1920, 3840, 7440]


def test_what_the_sweep_could_not_hand_over_is_due_again_at_the_next_sweep():
    delivery = one_delivery()
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=delivery.pk).update(
        created_at=an_hour_ago, next_attempt_at=an_hour_ago
    )
    down = OperationalError("broker down")
    with mock.patch.object(tasks.deliver_many, "delay", side_effect=down):
        assert tasks.requeue_deliveries() == 0
    assert requeue.deliveries_due() == [delivery.pk]


def stale_deliveries(count: int, *, status: str = "pending") -> list[int]:
    """``count`` deliveries the broker lost a minute ago."""
    template = one_delivery()
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    rows = [
        Delivery(
            key=f"lost-{n}",
            event_id=template.event_id,
            kind=template.kind,
            channel=template.channel,
            address=template.address,
            status=status,
            next_attempt_at=a_minute_ago,
            attempts=1 if status != "pending" else 0,
        )
        for n in range(count)
    ]
    Delivery.objects.filter(pk=template.pk).delete()
    Delivery.objects.bulk_create(rows)
    Delivery.objects.update(created_at=a_minute_ago)
    return list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.parametrize("status", ["pending", "retry", "sending"])
def test_after_a_broker_restart_every_stale_delivery_is_handed_back_in_one_run(settings, status):
    settings.NOTIFY_REQUEUE_BATCH_SIZE = 100
    ids = stale_deliveries(1_250, status=status)
    with mock.patch.object(tasks.deliver_many, "delay") as enqueued:
        assert requeue.deliveries_requeue() == 1_250
        # Each once, 20 to a task: handed back, a pending one is not stale again
        # within the run.
        chunks = [call.args[0] for call in enqueued.call_args_list]
        assert {len(chunk) for chunk in chunks[:-1]} == {20}
        assert sorted(pk for chunk in chunks for pk in chunk) == ids
        enqueued.reset_mock()
        if status == "pending":
            assert requeue.deliveries_requeue() == 0


def test_a_requeue_run_stops_at_its_time_budget_and_the_next_goes_on(settings):
    settings.NOTIFY_REQUEUE_BATCH_SIZE = 100
    ids = stale_deliveries(350)
    with mock.patch.object(tasks.deliver_many, "delay") as enqueued:
        assert requeue.deliveries_requeue(budget=0) == 100  # one batch, then out of time
        assert requeue.deliveries_requeue(budget=0) == 100
        assert requeue.deliveries_requeue() == 150
    assert sorted(pk for call in enqueued.call_args_list for pk in call.args[0]) == ids


def test_the_tasks_of_handed_back_deliveries_send_each_once(settings):
    settings.NOTIFY_REQUEUE_BATCH_SIZE = 100
    ids = stale_deliveries(45)
    with mock.patch.object(
        tasks.deliver_many, "delay", side_effect=lambda chunk: tasks.deliver_many(chunk)
    ):
        assert requeue.deliveries_requeue() == 45
        assert requeue.deliveries_requeue() == 0
    assert len(mail.outbox) == 45
    assert set(Delivery.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_while_recording_is_retried_on_a_fresh_one(settings, caplog):
    from django.db import OperationalError as DatabaseError

    with mock.patch.object(outbox, "deliveries_enqueue", return_value=[]):
        delivery = one_delivery()
    record = outbox._record
    failures = [DatabaseError("server closed the connection unexpectedly")]

    def flaky(*args, **kwargs):
        if failures:
            raise failures.pop()
        return record(*args, **kwargs)

    with mock.patch.object(outbox, "_record", side_effect=flaky):
        sent = outbox.delivery_send(delivery_id=delivery.pk)
    assert sent.status == "sent"
    assert len(mail.outbox) == 1
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.ok, attempt.finished_at is not None) == (True, True)
    assert "Database connection lost while recording" in caplog.text


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one run at a time is a PostgreSQL lock"
)
def test_a_requeue_run_while_another_is_at_it_hands_nothing_back_twice():
    import psycopg

    from tests.workers import database_url

    stale_deliveries(10)
    with (
        psycopg.connect(database_url(), autocommit=True) as other_run,
        mock.patch.object(tasks.deliver_many, "delay") as enqueued,
    ):
        other_run.execute("SELECT pg_advisory_lock(%s)", [requeue.REQUEUE_LOCK])
        assert requeue.deliveries_requeue() == 0
        other_run.execute("SELECT pg_advisory_unlock(%s)", [requeue.REQUEUE_LOCK])
        assert requeue.deliveries_requeue() == 10
    assert enqueued.call_count == 1


def test_deliveries_handed_over_together_go_on_past_one_that_fails(caplog):
    first, second = one_delivery(), one_delivery()
    real = outbox.delivery_send

    def send(*, delivery_id, now=None):
        if delivery_id == first.pk:
            raise RuntimeError("database gone")
        return real(delivery_id=delivery_id, now=now)

    with mock.patch.object(outbox, "delivery_send", side_effect=send):
        tasks.deliver_many([first.pk, second.pk])
    assert Delivery.objects.get(pk=second.pk).status == "sent"
    # The first stays in the outbox, for the outbox sweep to hand over again.
    assert Delivery.objects.get(pk=first.pk).status == "pending"
    assert "not sent; the outbox sweep will retry it" in caplog.text


def test_deliveries_enqueued_together_during_a_broker_outage_are_all_left_to_the_sweep():
    ids = [one_delivery().pk, one_delivery().pk]
    with mock.patch.object(tasks.deliver_many, "delay", side_effect=OperationalError("down")):
        assert outbox.deliveries_enqueue_together(ids=ids) == ids
    with mock.patch.object(tasks.deliver_many, "delay") as enqueued:
        assert outbox.deliveries_enqueue_together(ids=ids) == []
    assert [call.args for call in enqueued.call_args_list] == [(ids,)]
