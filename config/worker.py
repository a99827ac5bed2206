"""How a worker behaves towards its broker (``CELERY_WORKER_CONSUMER``).

After an outage the worker is back within ``BROKER_RECONNECT_INTERVAL`` of the
broker, and every time it connects it asks for an outbox sweep, so the
deliveries a broker restarted empty has lost go out at once instead of at
beat's next run (``docs/performance.md``, catch-up after a broker restart).
"""

from __future__ import annotations

import functools
import logging

from celery import bootsteps
from celery.worker.consumer import Consumer
from django.conf import settings

logger = logging.getLogger(__name__)
REQUEUE_TASK = "notifications.tasks.requeue_deliveries"


class PromptConsumer(Consumer):
    """Celery's consumer, retrying a lost broker connection every
    ``BROKER_RECONNECT_INTERVAL`` seconds, and asking for an outbox sweep once
    connected. Celery's own consumer calls kombu's
    ``Connection.ensure_connection`` without intervals, so its back-off is
    kombu's default (2, 4, 6 ... 30 s between attempts) whatever the settings
    say: after a 60 s outage it reconnected about 12 s after the broker was back."""

    class Blueprint(Consumer.Blueprint):
        default_steps = [*Consumer.Blueprint.default_steps, "config.worker:HandBackOnConnect"]

    def on_connection_error_after_connected(self, exc):
        # Celery closes the broken connection after ``collect()``; with kombu's
        # Redis transport that close can find the transport already let go of
        # (``collect`` cleared it) and raise AttributeError, which Celery does
        # not ignore: the worker stopped with "Unrecoverable error" instead of
        # reconnecting. The connection is dropped either way.
        connection = self.connection
        if connection is not None:
            connection.close = functools.partial(close_quietly, connection)
        return super().on_connection_error_after_connected(exc)

    def ensure_connected(self, conn):
        every = settings.BROKER_RECONNECT_INTERVAL
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=every, interval_step=every, interval_max=every
        )
        return super().ensure_connected(conn)


def close_quietly(connection) -> None:
    """Close a broken broker connection; one half let go of already is closed."""
    try:
        type(connection).release(connection)
    except AttributeError:
        logger.info("Broker connection already let go of while closing it")


class HandBackOnConnect(bootsteps.StartStopStep):
    """Asks for an outbox sweep each time the consumer has (re)connected: the
    sweep hands back only deliveries overdue by ``NOTIFY_REQUEUE_AFTER_SECONDS``,
    one run at a time, so a worker starting or several reconnecting at once
    cost an index probe each."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, parent) -> None:
        try:
            parent.app.send_task(REQUEUE_TASK)
        except Exception:  # the broker went away again: beat's next run does it
            logger.warning("Outbox sweep not requested after connecting to the broker")
