"""The outbox sweep: beat's ``requeue_deliveries`` hands back to the workers
what they should have by now and do not (the broker was down when a delivery
was committed, or restarted and lost its queue; a retry whose time came; a
send whose worker died), in batches until none is left, within a time budget,
one run at a time.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from notifications.models import Delivery
from notifications.services.outbox import OPEN

logger = logging.getLogger(__name__)
Status = Delivery.Status
# The advisory lock that keeps requeue runs from overlapping ("requeue" in ASCII).
REQUEUE_LOCK = 0x7265717565756500


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """The ids of the first ``limit`` deliveries due again (see ``due_rows``)."""
    return [pk for pk, _due in due_rows(now=now, limit=limit)]


def due_rows(
    *, now: datetime | None = None, limit: int = 500, after: tuple[datetime, int] | None = None
) -> list[tuple[int, datetime]]:
    """Deliveries the workers should have by now, ``limit`` at a time in the
    order of their due time (``after`` the last one of the previous batch):
    pending ones the broker never got or lost (it was down, or restarted
    empty), retries whose time has come and sends whose worker died. Returns
    (id, due time) pairs. A pending row is marked so that, while its task
    still waits in a long queue, the sweeps hand it over less and less often:
    when it is ``NOTIFY_REQUEUE_AFTER_SECONDS`` old, then twice, four times ...
    as old, at most ``NOTIFY_RETRY_MAX_SECONDS`` apart."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER_SECONDS)
    due = Delivery.objects.filter(status__in=OPEN, next_attempt_at__lte=now - grace)
    if after is not None:
        due = due.filter(
            Q(next_attempt_at__gt=after[0]) | Q(next_attempt_at=after[0], pk__gt=after[1])
        )
    rows = list(
        due.order_by("next_attempt_at", "pk").values_list(
            "pk", "status", "created_at", "next_attempt_at"
        )[:limit]
    )
    waits: dict[timedelta, list[int]] = defaultdict(list)
    for pk, status, created_at, _due in rows:
        if status == Status.PENDING:
            waits[_requeue_wait(age=now - created_at, grace=grace)].append(pk)
    for wait, ids in waits.items():
        # Due again ``wait`` from now: the sweep takes rows ``grace`` past this time.
        Delivery.objects.filter(pk__in=ids, status=Status.PENDING).update(
            next_attempt_at=now + wait - grace
        )
    return [(pk, due_at) for pk, _status, _created_at, due_at in rows]


def _requeue_wait(*, age: timedelta, grace: timedelta) -> timedelta:
    """The row's age rounded down to grace, 2 x grace, 4 x grace ..., capped."""
    cap = timedelta(seconds=settings.NOTIFY_RETRY_MAX_SECONDS)
    wait = grace
    while timedelta(0) < wait < cap and wait * 2 <= age:
        wait *= 2
    return min(wait, cap)


def deliveries_requeue(*, now: datetime | None = None, budget: float | None = None) -> int:
    """Beat: hand over again what the broker lost or never got, in batches of
    ``NOTIFY_REQUEUE_BATCH_SIZE`` until none is left, for at most ``budget``
    seconds (``NOTIFY_REQUEUE_TIME_BUDGET``; the next run goes on from there).
    After a broker restart every lost delivery is handed back in the first run,
    as fast as the broker takes them. What cannot be handed over (the broker
    went away meanwhile) is due again at the next run. Endpoints switched on
    with deliveries still held get their backlog sent. Returns how many were
    handed over."""
    with _single_run() as alone:
        if not alone:
            return 0  # another run is at it (beat sends the runs it missed at once)
        return _requeue(now=now or timezone.now(), budget=budget)


@contextlib.contextmanager
def _single_run():
    """One requeue run at a time, on PostgreSQL (a session lock, let go if the
    worker dies); elsewhere there is one worker anyway."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REQUEUE_LOCK])
        alone = cursor.fetchone()[0]
    try:
        yield alone
    finally:
        if alone:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [REQUEUE_LOCK])


def _requeue(*, now: datetime, budget: float | None) -> int:
    from notifications.services.backlog import backlogs_resume

    if budget is None:
        budget = settings.NOTIFY_REQUEUE_TIME_BUDGET
    deadline = time.monotonic() + budget
    batch = settings.NOTIFY_REQUEUE_BATCH_SIZE
    handed, after = 0, None
    while True:
        rows = due_rows(now=now, limit=batch, after=after)
        ids = [pk for pk, _due in rows]
        missed = deliveries_enqueue_in_chunks(ids=ids)
        handed += len(ids) - len(missed)
        if missed:
            grace = timedelta(seconds=settings.NOTIFY_REQUEUE_AFTER_SECONDS)
            Delivery.objects.filter(pk__in=missed, status=Status.PENDING).update(
                next_attempt_at=now - grace
            )
            return handed
        if len(rows) < batch or time.monotonic() >= deadline:
            break
        after = rows[-1][1], rows[-1][0]
    backlogs_resume()
    return handed


def deliveries_enqueue_in_chunks(*, ids: list[int]) -> list[int]:
    """Hand many deliveries back at once: one task per
    ``NOTIFY_REQUEUE_CHUNK_SIZE`` of them (fewer broker messages and task
    overheads when thousands were lost); returns those it could not."""
    from notifications.tasks import deliver_many

    size = max(1, settings.NOTIFY_REQUEUE_CHUNK_SIZE)
    for start in range(0, len(ids), size):
        try:
            deliver_many.delay(ids[start : start + size])
        except Exception:
            logger.warning("Deliveries not enqueued; the outbox sweep will retry them")
            return ids[start:]
    return []
