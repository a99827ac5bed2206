"""Paths and levels: which path a ticket follows, and moving it between levels.

A new ticket lands on level 1 of its path (or on the level a matching priority
criterion names); the level's time limit runs as a clock (metric ``level``),
swept like the SLA clocks. Entering a management level opens a managed
escalation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from escalations.models import (
    EscalationLevel,
    EscalationPath,
    TicketRoute,
)
from escalations.rules import PolicyKey, match_policy
from escalations.services import sla
from escalations.services.duty import routing as duty_routing
from escalations.services.sla.governing import team_calendar
from tickets import batch, notes
from tickets.models import Team, Ticket, User
from tickets.services import ticket_route

TIER_ORDER = ("L1", "L2", "L3", "MGMT")


def path_for(ticket: Ticket) -> EscalationPath | None:
    """The most specific active path for the ticket's category and priority, else the
    default path."""
    paths = {p.pk: p for p in EscalationPath.objects.filter(is_active=True)}
    key = match_policy(
        [PolicyKey(p.pk, p.priority, p.category_id) for p in paths.values() if not p.is_default],
        priority=ticket.priority,
        category_id=ticket.category_id,
        tier="",
    )
    if key is not None:
        return paths[key.id]
    return next((p for p in paths.values() if p.is_default), None)


def levels_of(path: EscalationPath) -> list[EscalationLevel]:
    return batch.memo(  # callers only read the list
        ("levels", path.pk),
        lambda: list(
            path.levels.select_related("calendar")
            .prefetch_related(Prefetch("teams", Team.objects.select_related("manager")))
            .order_by("position")
        ),
    )


def route_of(ticket: Ticket) -> TicketRoute | None:
    """The ticket's route (kept for the rest of a batch job: ``routes_read_ahead``)."""
    return batch.memo(
        ("route", ticket.pk),
        lambda: TicketRoute.objects.select_related("path", "level").filter(ticket=ticket).first(),
    )


def routes_read_ahead(*, ticket_ids: list[int]) -> None:
    """Read the routes of tickets a batch job holds in one query."""
    if batch.current() is None:
        return
    found = {
        route.ticket_id: route
        for route in TicketRoute.objects.select_related("path", "level").filter(
            ticket_id__in=ticket_ids
        )
    }
    for ticket_id in ticket_ids:
        batch.remember(("route", ticket_id), found.get(ticket_id))


def level_above(route: TicketRoute, tier: str | None = None) -> EscalationLevel | None:
    """The next level up the path, or the first level of ``tier`` above the current one."""
    for level in levels_of(route.path):
        if level.position <= route.level.position:
            continue
        if tier is None or level.tier == tier:
            return level
    return None


def _jump_target(levels: list[EscalationLevel], above: int, tier: str) -> EscalationLevel | None:
    """The first level of ``tier`` above position ``above``; on a path without that
    tier, the highest level above it whose tier is below ``tier``."""
    higher = [level for level in levels if level.position > above]
    exact = next((level for level in higher if level.tier == tier), None)
    if exact is not None:
        return exact
    below = [level for level in higher if TIER_ORDER.index(level.tier) < TIER_ORDER.index(tier)]
    return below[-1] if below else None


def level_for_jump(route: TicketRoute, tier: str) -> EscalationLevel | None:
    """Where a priority criterion naming ``tier`` sends the ticket (``_jump_target``);
    None when its path has nothing higher up to that tier."""
    return _jump_target(levels_of(route.path), route.level.position, tier)


def team_for(level: EscalationLevel, ticket: Ticket, now: datetime | None = None) -> Team | None:
    """The level's team on duty: the ticket's team if it serves the level and is on
    duty, else the first on duty by name; with none on duty, the one whose duty
    starts soonest (``duty.routing``)."""
    return duty_routing.level_team_choice(level=level, ticket=ticket, at=now or timezone.now()).team


def _level_calendar(level: EscalationLevel, team: Team | None):
    if level.calendar_id:
        return level.calendar
    if team is not None:
        return team_calendar(team.pk)
    return None


def enter_level(
    *,
    ticket: Ticket,
    path: EscalationPath,
    level: EscalationLevel,
    actor: User | None,
    now: datetime,
    note: str | notes.Note,
    handed_over: bool = False,
) -> Ticket:
    """Put the ticket on ``level`` (its team and tier), restart the level clock.
    ``handed_over`` (an escalation): the new level's team takes the ticket up, so
    nobody stays assigned."""
    choice = duty_routing.level_team_choice(level=level, ticket=ticket, at=now)
    team = choice.team
    ticket = ticket_route(
        ticket=ticket,
        actor=actor,
        team=team,
        level=level.tier,
        note=note,
        clear_assignee=handed_over,
    )
    route = route_of(ticket) if batch.current() is not None else None
    if route is None:
        route, _created = TicketRoute.objects.update_or_create(
            ticket=ticket, defaults={"path": path, "level": level, "entered_at": now}
        )
    else:  # the batch's route, kept in step and written with the chunk's others
        route.path, route.level, route.entered_at = path, level, now
        batch.update_later(route, ["path", "level", "entered_at"])
    batch.remember(("route", ticket.pk), route)
    if level.time_limit_minutes:
        sla.level_clock_start(
            ticket=ticket,
            target=timedelta(minutes=level.time_limit_minutes),
            calendar=_level_calendar(level, team),
            now=now,
            actor=actor,
        )
    else:
        sla.level_clock_stop(ticket=ticket, now=now, actor=actor)
    duty_routing.level_off_duty_tell(ticket=ticket, level=level, choice=choice)
    return ticket


def route_new_ticket(
    *, ticket: Ticket, actor: User | None, now: datetime, jump_to: str = ""
) -> Ticket | None:
    """Place a new ticket on level 1 of its path, or where a priority criterion
    naming tier ``jump_to`` sends it (``_jump_target``); the ticket as placed, or
    None when no path applies."""
    path = path_for(ticket)
    if path is None:
        return None
    levels = levels_of(path)
    if not levels:
        return None
    level = levels[0]
    if jump_to:
        level = _jump_target(levels, 0, jump_to) or level
    return enter_level(
        ticket=ticket,
        path=path,
        level=level,
        actor=actor,
        now=now,
        note=notes.note("routing.path", path=path),
    )
