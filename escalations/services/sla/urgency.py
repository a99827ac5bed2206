"""The queue's sort key, kept on the ticket: rank (breached, at risk, on track,
none) and the earliest due and warning times of its counting clocks; and whether
a clock's breach stands (``sla_breached``, the "breached" filter with the due time).

Written whenever a clock's times or state change (``lifecycle``) and by the
sweep when it records warnings and breaches, so the queue orders by an indexed
column instead of a subquery per row. Between two sweeps a ticket whose clock
just ran out may keep its old rank for a few seconds, as its notices do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Case, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import IsNull, LessThanOrEqual
from django.utils import timezone

from escalations.clockstates import BREACHED, COUNTING
from escalations.models import SlaClock
from tickets import batch
from tickets.models import SlaRank, Ticket


def _earliest(field: str) -> Subquery:
    counting = (
        SlaClock.objects.filter(ticket=OuterRef("pk"), state__in=COUNTING)
        .values("ticket")
        .annotate(first=Min(field))
        .values("first")
    )
    return Subquery(counting[:1])


def rank_expression(now: datetime, due=None, warn=None) -> Case:
    """The queue's rank as of ``now`` from a due and a warning time: the ticket's
    kept ones by default, or expressions giving new ones."""
    due = F("sla_due_at") if due is None else due
    warn = F("sla_warn_at") if warn is None else warn
    return Case(
        When(IsNull(due, True), then=Value(SlaRank.NONE)),
        When(LessThanOrEqual(due, Value(now)), then=Value(SlaRank.BREACHED)),
        When(LessThanOrEqual(warn, Value(now)), then=Value(SlaRank.AT_RISK)),
        default=Value(SlaRank.ON_TRACK),
        output_field=IntegerField(),
    )


def ticket_urgency_refresh(*, ticket_ids: Iterable[int], now: datetime) -> int:
    """Recompute the sort key (and the breach flag) of the tickets given from their
    clocks, as of ``now``: one statement, the rank computed from the new times."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return 0
    breached = SlaClock.objects.filter(ticket=OuterRef("pk"), state__in=BREACHED)
    due, warn = _earliest("due_at"), _earliest("warn_at")
    rank = rank_expression(now, due, warn)
    return Ticket.objects.filter(pk__in=ids).update(
        sla_due_at=due,
        sla_warn_at=warn,
        sla_breached=Exists(breached),
        sla_rank=Coalesce(rank, Value(SlaRank.NONE)),
    )


def ticket_urgency_rerank(*, now: datetime) -> int:
    """Move the tickets whose warning or due time has passed to their new rank (the
    sweep's safety net, by the ``ticket_urgency`` index: only rows that change)."""
    stale = Ticket.objects.filter(
        Q(sla_rank=SlaRank.ON_TRACK, sla_warn_at__lte=now)
        | Q(sla_rank__in=[SlaRank.ON_TRACK, SlaRank.AT_RISK], sla_due_at__lte=now)
    )
    return stale.update(sla_rank=rank_expression(now))


_CLOCK_FIELDS = [f.name for f in SlaClock._meta.concrete_fields if not f.primary_key]


def clock_save(clock: SlaClock) -> None:
    """Save the clock and the ticket's queue sort key with it (in a batch job,
    the clocks and the sort keys of every ticket it touched, once, when it is
    flushed)."""
    if not batch.update_later(clock, _CLOCK_FIELDS):
        clock.save()
    touched = batch.memo("urgency-tickets", set)
    touched.add(clock.ticket_id)
    if not batch.on_flush("urgency-tickets", lambda: _urgency_refresh(touched)):
        _urgency_refresh(touched)


def _urgency_refresh(ticket_ids: set[int]) -> None:
    ticket_urgency_refresh(ticket_ids=sorted(ticket_ids), now=timezone.now())
    ticket_ids.clear()
