"""Celery tasks of the notification layer: ids in, one service call."""

from celery import shared_task

from notifications import outbox
from notifications.models import Delivery


@shared_task(ignore_result=True)
def deliver(delivery_id: int) -> None:
    delivery = outbox.delivery_send(delivery_id=delivery_id)
    if delivery is not None and delivery.status == Delivery.Status.RETRY:
        deliver.apply_async((delivery_id,), eta=delivery.next_attempt_at)


@shared_task(ignore_result=True)
def requeue_deliveries() -> int:
    """Beat: hand over again what the broker lost or never got."""
    return outbox.deliveries_requeue()


@shared_task(ignore_result=True)
def sweep_update_cadences() -> int:
    """Beat, every 30 seconds: stakeholder update reminders and missed updates, once each."""
    from notifications.services.cadence_sweep import cadences_sweep

    return cadences_sweep()


@shared_task(ignore_result=True, acks_late=True)
def resync_update_cadences(priority: str) -> int:
    """After a plan is saved: the cadences of the open tickets of its priority (idempotent)."""
    from notifications.services.plans import cadences_resync

    return cadences_resync(priority=priority)
