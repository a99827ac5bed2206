"""Paths and levels: which path a ticket follows, and moving it between levels.

A new ticket lands on level 1 of its path (or on the level a matching priority
criterion names); the level's time limit runs as a clock (metric ``level``),
swept like the SLA clocks. Entering a management level opens a managed
escalation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalations.models import (
    Escalation,
    EscalationLevel,
    EscalationPath,
    TeamCalendar,
    TicketRoute,
)
from escalations.rules import PolicyKey, match_policy
from escalations.services import sla
from tickets.models import Team, Ticket, Tier, User
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
    return list(path.levels.prefetch_related("teams").order_by("position"))


def route_of(ticket: Ticket) -> TicketRoute | None:
    return TicketRoute.objects.select_related("path", "level").filter(ticket=ticket).first()


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


def team_for(level: EscalationLevel, ticket: Ticket) -> Team | None:
    """The ticket's team if it serves the level, else the level's first team by name."""
    teams = sorted(level.teams.all(), key=lambda t: t.name)
    if ticket.team_id and any(t.pk == ticket.team_id for t in teams):
        return ticket.team
    return teams[0] if teams else None


def _level_calendar(level: EscalationLevel, team: Team | None):
    if level.calendar_id:
        return level.calendar
    if team is not None:
        link = TeamCalendar.objects.select_related("calendar").filter(team=team).first()
        if link is not None:
            return link.calendar
    return None


def enter_level(
    *,
    ticket: Ticket,
    path: EscalationPath,
    level: EscalationLevel,
    actor: User | None,
    now: datetime,
    note: str,
    handed_over: bool = False,
) -> Ticket:
    """Put the ticket on ``level`` (its team and tier), restart the level clock.
    ``handed_over`` (an escalation): the new level's team takes the ticket up, so
    nobody stays assigned."""
    team = team_for(level, ticket)
    ticket = ticket_route(
        ticket=ticket,
        actor=actor,
        team=team,
        level=level.tier,
        note=note,
        clear_assignee=handed_over,
    )
    TicketRoute.objects.update_or_create(
        ticket=ticket, defaults={"path": path, "level": level, "entered_at": now}
    )
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
        note=_("Routed by path %(path)s.") % {"path": path},
    )


# --- editing paths -----------------------------------------------------------------------


def check_levels(levels: Sequence[tuple[int, str, bool]]) -> None:
    """A path's levels as (position, tier, has teams): at least one, positions
    1..n without gaps, tiers climbing (L1, L2, L3, management), every level with
    a team. ValidationError with the first thing wrong (admin and API alike)."""
    if not levels:
        raise ValidationError(_("A path needs at least one level."))
    if sorted(position for position, _tier, _teams in levels) != list(range(1, len(levels) + 1)):
        raise ValidationError(_("Positions must be 1, 2, 3... without gaps."))
    order = [Tier.values.index(tier) for _position, tier, _teams in sorted(levels)]
    if order != sorted(order):
        raise ValidationError(_("Levels must climb: L1, L2, L3, management."))
    if not all(has_teams for _position, _tier, has_teams in levels):
        raise ValidationError(_("Every level needs at least one team."))


class PathInUse(Exception):
    """A path or level that tickets stand on, or that a pending request points at."""


def requests_awaiting(level_ids: Sequence[int]) -> list[int]:
    """The escalation requests awaiting approval into these levels."""
    return sorted(
        Escalation.objects.filter(
            to_level_id__in=level_ids, status=Escalation.Status.REQUESTED
        ).values_list("pk", flat=True)
    )


def _uses(routes, level_ids: Sequence[int]) -> str:
    """What still points at a path or levels: the tickets of ``routes`` standing on
    them, and the requests awaiting approval into ``level_ids``."""
    refs = [Ticket(pk=pk).reference for pk in sorted(routes.values_list("ticket_id", flat=True))]
    pending = requests_awaiting(level_ids)
    parts = []
    if refs:
        shown = ", ".join(refs[:10]) + (", …" if len(refs) > 10 else "")
        parts.append(
            ngettext("%(n)s ticket (%(refs)s)", "%(n)s tickets (%(refs)s)", len(refs))
            % {"n": len(refs), "refs": shown}
        )
    if pending:
        parts.append(
            ngettext(
                "%(n)s escalation awaiting approval (%(ids)s)",
                "%(n)s escalations awaiting approval (%(ids)s)",
                len(pending),
            )
            % {"n": len(pending), "ids": ", ".join(f"#{pk}" for pk in pending)}
        )
    return "; ".join(parts)


@transaction.atomic
def path_levels_set(*, path: EscalationPath, levels: Sequence[Mapping[str, Any]]) -> None:
    """Replace the path's levels with ``levels`` (validated: positions 1..n, climbing).

    Levels keep their identity where they can: the n-th level of a tier stays the
    n-th level of that tier, updated in place, so the tickets standing on it and the
    requests awaiting approval into it keep pointing at it. A level that goes away
    while tickets stand on it or a request points at it is refused with ``PathInUse``,
    naming them; nothing is changed then."""
    old_by_tier: dict[str, list[EscalationLevel]] = defaultdict(list)
    for level in path.levels.order_by("position"):
        old_by_tier[level.tier].append(level)
    kept: list[tuple[EscalationLevel, Mapping[str, Any]]] = []
    new: list[Mapping[str, Any]] = []
    seen: dict[str, int] = defaultdict(int)
    for data in sorted(levels, key=lambda d: d["position"]):
        n = seen[data["tier"]]
        seen[data["tier"]] += 1
        olds = old_by_tier[data["tier"]]
        if n < len(olds):
            kept.append((olds[n], data))
        else:
            new.append(data)
    dropped = [lv for tier, olds in old_by_tier.items() for lv in olds[seen[tier] :]]
    ids = [level.pk for level in dropped]
    used = _uses(TicketRoute.objects.filter(level_id__in=ids), ids) if dropped else ""
    if used:
        names = ", ".join(str(level) for level in dropped)
        raise PathInUse(
            _(
                "These levels would be removed but are still in use: %(levels)s. Used by: "
                "%(uses)s. Keep the levels, or move those tickets and decide those "
                "requests first."
            )
            % {"levels": names, "uses": used}
        )
    EscalationLevel.objects.filter(pk__in=[lv.pk for lv in dropped]).delete()
    # Positions are unique per path: park the kept levels out of the way first.
    for offset, (level, _data) in enumerate(kept, start=1):
        EscalationLevel.objects.filter(pk=level.pk).update(position=1000 + offset)
    for level, data in kept:
        fields = dict(data)
        teams = fields.pop("teams")
        for name, value in fields.items():
            setattr(level, name, value)
        level.save()
        level.teams.set(teams)
    for data in new:
        fields = dict(data)
        teams = fields.pop("teams")
        EscalationLevel.objects.create(path=path, **fields).teams.set(teams)


@transaction.atomic
def path_delete(*, path: EscalationPath) -> None:
    """Delete a path no ticket has followed; one in use is refused with
    ``PathInUse`` (deactivate it instead)."""
    level_ids = list(path.levels.values_list("pk", flat=True))
    used = _uses(TicketRoute.objects.filter(path=path), level_ids)
    if used:
        raise PathInUse(
            _(
                "The escalation path %(path)s is still used by: %(uses)s. "
                "Deactivate it instead, so no new ticket follows it."
            )
            % {"path": path, "uses": used}
        )
    path.delete()
