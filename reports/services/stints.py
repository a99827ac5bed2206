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
from escalations.models import BusinessCalendar, TeamCalendar, TicketRoute
from escalations.services.routing import TIER_ORDER
from escalations.services.sla.governing import calendar_spec
from reports.models import LevelStint
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
    of that tier, else the team's, else none (24x7)."""
    route = TicketRoute.objects.filter(ticket=ticket).select_related("path").first()
    if route is not None:
        step = route.path.levels.filter(tier=level, calendar__isnull=False).first()
        if step is not None:
            return step.calendar
    if team_id:
        link = TeamCalendar.objects.select_related("calendar").filter(team=team_id).first()
        if link is not None:
            return link.calendar
    return None


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
    return (
        LevelStint.objects.select_for_update().filter(ticket=ticket, left_at__isnull=True).first()
    )


def _close(ticket: Ticket, stint: LevelStint, now: datetime, how: str) -> None:
    calendar = stint_calendar(ticket=ticket, level=stint.level, team_id=stint.team_id)
    stint_end(stint, now=now, how=how, calendar=calendar)
    stint.save()


def _begin(ticket: Ticket, now: datetime) -> LevelStint:
    return LevelStint.objects.create(
        ticket=ticket,
        level=ticket.level,
        team_id=ticket.team_id,
        entered_at=now,
        paused_since=now if ticket.status == Status.PENDING else None,
    )


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
        if not LevelStint.objects.filter(ticket=ticket).exists():
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
        stint.save(update_fields=["paused_since"])
    elif stint is not None and old == Status.PENDING:
        calendar = stint_calendar(ticket=ticket, level=stint.level, team_id=stint.team_id)
        stint_resume(stint, now, calendar)
        stint.save(update_fields=["paused_since", "paused_wall_seconds", "paused_business_seconds"])
