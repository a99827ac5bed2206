"""Celery tasks: ids in, one service call, idempotent."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from escalations.services import managed, recompute
from escalations.services.sweep import sla_sweep

logger = logging.getLogger(__name__)


def follow_up_key() -> str:
    """One waiting follow-up per enforcement queue (deployments may share a Redis)."""
    return f"escalations:sla-sweep:follow-up:{settings.ENFORCEMENT_QUEUE}"


@shared_task(ignore_result=True)
def sweep_sla_clocks(*, follow_up: bool = False) -> dict[str, int]:
    """Beat runs this every ``SLA_SWEEP_INTERVAL`` seconds. A run that spends its
    time budget with clocks still due queues the next at once instead of leaving
    them to beat's next tick (a burst is cleared at the worker's pace, not the
    beat's); at most one such follow-up waits at a time, and sweeps running side
    by side share the work (``SKIP LOCKED``, alerts unique), so none is doubled."""
    if follow_up:
        cache.delete(follow_up_key())
    result = sla_sweep(
        batch_size=settings.SLA_SWEEP_BATCH_SIZE, time_budget=settings.SLA_SWEEP_TIME_BUDGET
    )
    if result.more:
        _follow_up()
    return {"warnings": result.warnings, "breaches": result.breaches, "clocks": result.clocks}


def _follow_up() -> None:
    # The key lapses after one beat interval, so a follow-up lost with a killed
    # worker or a broker outage only hands the rest back to beat, as before.
    try:
        if cache.add(follow_up_key(), True, timeout=max(1, round(settings.SLA_SWEEP_INTERVAL))):
            sweep_sla_clocks.apply_async(kwargs={"follow_up": True})
    except Exception:
        logger.warning("The SLA sweep's follow-up was not queued: beat's next run goes on")


@shared_task(ignore_result=True)
def flag_ended_monitoring() -> int:
    """Beat runs this every minute: monitoring periods that have ended, flagged once."""
    return managed.monitoring_sweep()


@shared_task(ignore_result=True, acks_late=True)
def recompute_clocks(*, policy_id: int | None = None, calendar_id: int | None = None) -> int:
    """Re-target the open clocks a policy or calendar governs, in batches."""
    return recompute.clocks_recompute(policy_id=policy_id, calendar_id=calendar_id)


def recompute_clocks_after_commit(**ids: int | None) -> None:
    """Enqueue ``recompute_clocks`` once the edit that needs it has committed."""
    transaction.on_commit(lambda: recompute_clocks.delay(**ids))


@shared_task(ignore_result=True)
def sweep_duty() -> dict[str, int]:
    """Beat runs this every ``DUTY_SWEEP_INTERVAL`` seconds: shift-end hand-overs,
    then tickets whose assignee went off duty."""
    from escalations.services.duty.assignment import off_duty_reassign_sweep
    from escalations.services.duty.handover import handover_sweep

    result = handover_sweep(time_budget=settings.DUTY_SWEEP_TIME_BUDGET)
    reassigned = off_duty_reassign_sweep()
    return {"handed_over": result.handed_over, "reassigned": reassigned}
