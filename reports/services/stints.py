"""Level stints follow the ticket: the listeners ``reports.apps`` subscribes to
the ticket events (phase ``FACTS``, after routing and clocks have done their
work), and the arithmetic the backfill shares.

A ticket always has one open stint while it is open: at its level and team.
A move of level or team ends it (escalated, sent back down, handed to another
team at the level) and opens the next; resolving ends it; reopening opens a
new one. Pending time is counted apart and left out of the business time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from escalations import businesstime as bt
from escalations.models import BusinessCalendar
from escalations.services import routing
from escalations.services.routing import TIER_ORDER
from escalations.services.sla.governing import calendar_spec, team_calendar
from reports.models import LevelStint
from tickets import batch
from tickets.bulk import new_row
from tickets.models import Status, Ticket, User

How = LevelStint.How


def how_left(old_level: str, new_level: str) -> str:
    """How a stint ends when the ticket moves from ``old_level`` to ``new_level``."""
    old, new = TIER_ORDER.index(old_level), TIER_ORDER.index(new_level)
    if new > old:
        return How.ESCALATED
    if new < old:
        return How.DE_ESCALATED
    return How.TRANSFERRED


def stint_calendar(*, ticket: Ticket, level: str, team_id: int | None) -> BusinessCalendar | None:
    """The calendar a stint is counted on: the calendar of the ticket's path level
    of that tier, else the team's, else none (24x7). Read once per batch job."""
    route = routing.route_of(ticket)
    if route is not None:
        for step in routing.levels_of(route.path):
            if step.tier == level and step.calendar_id is not None:
                return step.calendar
    return team_calendar(team_id) if team_id else None


def _seconds(calendar: BusinessCalendar | None, start: datetime, end: datetime) -> tuple[int, int]:
    wall = max(0, int((end - start).total_seconds()))
    business = (
        int(bt.elapsed(calendar_spec(calendar), start, end).total_seconds()) if end > start else 0
    )
    return wall, business


def stint_pause(stint: LevelStint, now: datetime) -> None:
    if stint.paused_since is None:
        stint.paused_since = now


def stint_resume(stint: LevelStint, now: datetime, calendar: BusinessCalendar | None) -> None:
    if stint.paused_since is None:
        return
    wall, business = _seconds(calendar, stint.paused_since, now)
    stint.paused_wall_seconds += wall
    stint.paused_business_seconds += business
    stint.paused_since = None


def stint_end(
    stint: LevelStint, *, now: datetime, how: str, calendar: BusinessCalendar | None
) -> None:
    """Close ``stint`` at ``now``: wall time, and business time without the pauses."""
    stint_resume(stint, now, calendar)
    wall, business = _seconds(calendar, stint.entered_at, now)
    stint.left_at, stint.how_left, stint.calendar = now, how, calendar
    stint.wall_seconds = wall
    stint.business_seconds = max(0, business - stint.paused_business_seconds)


def _open_stint(ticket: Ticket) -> LevelStint | None:
    pending = _batch_stints()
    if pending is not None and ticket.pk in pending.read:
        return pending.open.get(ticket.pk)
    return (
        LevelStint.objects.select_for_update().filter(ticket=ticket, left_at__isnull=True).first()
    )


def _has_stints(ticket: Ticket) -> bool:
    pending = _batch_stints()
    if pending is not None and ticket.pk in pending.read:
        return ticket.pk in pending.started or ticket.pk in pending.open
    return LevelStint.objects.filter(ticket=ticket).exists()


def _close(ticket: Ticket, stint: LevelStint, now: datetime, how: str) -> None:
    calendar = stint_calendar(ticket=ticket, level=stint.level, team_id=stint.team_id)
    stint_end(stint, now=now, how=how, calendar=calendar)
    pending = _batch_stints()
    if pending is None:
        stint.save()
        return
    pending.open.pop(ticket.pk, None)
    pending.started.add(ticket.pk)
    if stint.pk is not None:  # a stint begun in this batch is inserted as it ends
        pending.closed.append(stint)


def _begin(ticket: Ticket, now: datetime) -> LevelStint:
    stint = new_row(
        LevelStint,
        ticket=ticket,
        level=ticket.level,
        team_id=ticket.team_id,
        entered_at=now,
        ticket_created_at=ticket.created_at or now,
        paused_since=now if ticket.status == Status.PENDING else None,
    )
    pending = _batch_stints()
    if pending is None:
        stint.save()
    else:
        pending.begun.append(stint)
        pending.open[ticket.pk] = stint
    return stint


class _BatchStints:
    """A batch job's stint writes (the sweep escalating many tickets): the open
    stints of the tickets it holds read in one query, the ended ones updated and
    the new ones inserted in one statement each when the batch is flushed."""

    def __init__(self, ticket_ids: list[int]) -> None:
        self.open: dict[int, LevelStint] = {
            stint.ticket_id: stint
            for stint in LevelStint.objects.select_for_update().filter(
                ticket_id__in=ticket_ids, left_at__isnull=True
            )
        }
        self.closed: list[LevelStint] = []
        self.begun: list[LevelStint] = []
        # The held tickets with no open stint, and which of them have any stint
        # at all (one query, only when there are such tickets).
        without = [pk for pk in ticket_ids if pk not in self.open]
        self.read = set(ticket_ids)
        self.started: set[int] = set()
        if without:
            self.started = set(
                LevelStint.objects.filter(ticket_id__in=without)
                .values_list("ticket_id", flat=True)
                .distinct()
            )

    def flush(self) -> None:
        fields = ["left_at", "how_left", "calendar", "wall_seconds", "business_seconds"]
        fields += ["paused_since", "paused_wall_seconds", "paused_business_seconds"]
        LevelStint.objects.bulk_update(self.closed, fields)
        LevelStint.objects.bulk_create(self.begun)
        self.closed, self.begun = [], []


BATCH_FLUSH = "level-stints"


def _batch_stints() -> _BatchStints | None:
    work = batch.current()
    if work is None:
        return None
    pending = batch.memo(BATCH_FLUSH, lambda: _BatchStints(list(work.tickets)))
    batch.on_flush(BATCH_FLUSH, pending.flush)
    return pending


def on_ticket_created(*, ticket: Ticket, actor: User | None) -> None:
    """The new ticket's first stint, where routing placed it, from its creation."""
    if not LevelStint.objects.filter(ticket=ticket).exists():
        _begin(ticket, ticket.created_at or timezone.now())


def on_ticket_changed(*, ticket: Ticket, actor: User | None, fields: Iterable[str]) -> None:
    """A move of level or team ends the open stint and opens the next."""
    if not {"level", "team"} & set(fields) or not ticket.is_open:
        return
    now = timezone.now()
    stint = _open_stint(ticket)
    if stint is None:
        # Routing a ticket being created: its first stint starts with it.
        if not _has_stints(ticket):
            _begin(ticket, ticket.created_at or now)
        return
    if stint.level == ticket.level and stint.team_id == ticket.team_id:
        return
    _close(ticket, stint, now, how_left(stint.level, ticket.level))
    _begin(ticket, now)


def on_ticket_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """Resolving ends the stint, reopening opens one; pending pauses it."""
    now = timezone.now()
    stint = _open_stint(ticket)
    if new in (Status.RESOLVED, Status.CLOSED):
        if stint is not None:
            _close(ticket, stint, now, How.RESOLVED)
    elif old in (Status.RESOLVED, Status.CLOSED):
        if stint is None:
            _begin(ticket, now)
    elif stint is not None and new == Status.PENDING:
        stint_pause(stint, now)
        if stint.pk is not None:  # else inserted with it when the batch is flushed
            stint.save(update_fields=["paused_since"])
    elif stint is not None and old == Status.PENDING:
        calendar = stint_calendar(ticket=ticket, level=stint.level, team_id=stint.team_id)
        stint_resume(stint, now, calendar)
        if stint.pk is not None:
            stint.save(
                update_fields=["paused_since", "paused_wall_seconds", "paused_business_seconds"]
            )
