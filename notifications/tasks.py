"""Celery tasks of the notification layer: ids in, one service call.

Task names are pinned: queued tasks and beat's schedule find them by name,
so they stay the same wherever the services they call move.
"""

import logging

from celery import shared_task

from notifications.models import Delivery
from notifications.services import outbox

logger = logging.getLogger(__name__)


@shared_task(name="notifications.tasks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    delivery = outbox.delivery_send(delivery_id=delivery_id)
    if delivery is not None and delivery.status == Delivery.Status.RETRY:
        deliver.apply_async((delivery_id,), eta=delivery.next_attempt_at)


@shared_task(name="notifications.tasks.deliver_many", ignore_result=True)
def deliver_many(delivery_ids: list[int]) -> None:
    """Deliveries handed over together (the outbox sweep, a chunk of the SLA
    sweep), one after another, each claimed on its own: one that fails to send
    does not hold back the rest (the outbox sweep hands it over again)."""
    for delivery_id in delivery_ids:
        try:
            deliver(delivery_id)
        except Exception:
            logger.exception("Delivery %s not sent; the outbox sweep will retry it", delivery_id)


@shared_task(name="notifications.tasks.send_backlog", ignore_result=True)
def send_backlog(endpoint_id: int) -> None:
    """What an endpoint switched on again missed while it was off, oldest first."""
    from notifications.services.backlog import backlog_send

    go_on_at = backlog_send(endpoint_id=endpoint_id)
    if go_on_at is not None:
        send_backlog.apply_async((endpoint_id,), eta=go_on_at)


@shared_task(name="notifications.tasks.requeue_deliveries", ignore_result=True)
def requeue_deliveries() -> int:
    """Beat: hand over again what the broker lost or never got."""
    from notifications.services.requeue import deliveries_requeue

    return deliveries_requeue()


@shared_task(name="notifications.tasks.sweep_update_cadences", ignore_result=True)
def sweep_update_cadences() -> int:
    """Beat, every 30 seconds: stakeholder update reminders and missed updates, once each."""
    from notifications.services.cadence_sweep import cadences_sweep

    return cadences_sweep()


@shared_task(name="notifications.tasks.resync_update_cadences", ignore_result=True, acks_late=True)
def resync_update_cadences(priority: str) -> int:
    """After a plan is saved: the cadences of the open tickets of its priority (idempotent)."""
    from notifications.services.plans import cadences_resync

    return cadences_resync(priority=priority)
