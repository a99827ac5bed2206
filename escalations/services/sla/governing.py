"""What governs a ticket's clocks: its SLA policy and business calendar, and a
clock's figures measured with its own calendar as stored now."""

from __future__ import annotations

from datetime import datetime, timedelta

from escalations import businesstime as bt
from escalations import clocks
from escalations.models import BusinessCalendar, SlaClock, SlaPolicy, TeamCalendar
from escalations.rules import PolicyKey, match_policy
from tickets import batch
from tickets.models import Ticket

_spec_cache: dict[int, tuple[datetime, bt.Calendar]] = {}


def calendar_spec(calendar: BusinessCalendar | None) -> bt.Calendar:
    """The pure calendar for a stored one (24x7 for none), cached until it is
    edited: every edit saves the calendar row, which moves ``updated_at``."""
    if calendar is None or calendar.is_24x7:
        return bt.ALWAYS_OPEN
    cached = _spec_cache.get(calendar.pk)
    if cached is not None and cached[0] == calendar.updated_at:
        return cached[1]
    holidays = list(calendar.holidays.all())
    spec = bt.Calendar(
        time_zone=calendar.time_zone,
        intervals=tuple(bt.Interval(i.weekday, i.start, i.end) for i in calendar.intervals.all()),
        holidays=frozenset(h.date for h in holidays if not h.recurring),
        yearly_holidays=frozenset((h.date.month, h.date.day) for h in holidays if h.recurring),
    )
    _spec_cache[calendar.pk] = (calendar.updated_at, spec)
    return spec


def policy_for(*, ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy for the ticket (see ``rules.match_policy``)."""
    policies = batch.memo(
        "active-policies",
        lambda: {
            p.pk: p for p in SlaPolicy.objects.select_related("calendar").filter(is_active=True)
        },
    )
    key = match_policy(
        [
            PolicyKey(p.pk, p.priority, p.category_id, p.organization_tier)
            for p in policies.values()
        ],
        priority=ticket.priority,
        category_id=ticket.category_id,
        tier=ticket.organization.tier if ticket.organization_id else "",
    )
    return None if key is None else policies[key.id]


def calendar_for(*, policy: SlaPolicy, ticket: Ticket) -> BusinessCalendar | None:
    """The policy's calendar, else the handling team's, else none (24x7)."""
    if policy.calendar_id:
        return policy.calendar
    if ticket.team_id:
        return team_calendar(ticket.team_id)
    return None


def team_calendar(team_id: int) -> BusinessCalendar | None:
    """The team's business calendar, or None (kept for the rest of a batch job)."""

    def load() -> BusinessCalendar | None:
        link = TeamCalendar.objects.select_related("calendar").filter(team=team_id).first()
        return link.calendar if link is not None else None

    return batch.memo(("team-calendar", team_id), load)


def used_now(clock: SlaClock, now: datetime) -> timedelta:
    """Business time the clock has consumed as of ``now``."""
    return clocks.used(clock, now, calendar_spec(clock.calendar))


def remaining(clock: SlaClock, now: datetime) -> timedelta:
    """Business time left before the target (negative once past it)."""
    return clocks.remaining(clock, now, calendar_spec(clock.calendar))


def requester_clocks(clocks) -> list[SlaClock]:
    """The clocks a requester sees (pages and API): not the level clock, which
    times how long the desk keeps the ticket at a level."""
    return [clock for clock in clocks if clock.metric != SlaClock.Metric.LEVEL]
