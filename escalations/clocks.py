"""Clock arithmetic: how much business time an SLA clock has used, how much is
left, when it is due, and what it looks like to an agent. Pure: no database;
the caller passes the clock's calendar, compiled (``businesstime.Calendar``).

A clock keeps ``business_used``, the business time consumed up to
``resumed_at``, the start of its current running stretch; while it counts
(running, or breached with its overrun counting) the stretch since then is
added on demand, so nothing needs writing as time passes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from escalations import businesstime as bt
from escalations.clockstates import BREACHED, COUNTING, ClockState

if TYPE_CHECKING:
    from escalations.models import SlaClock

# What an agent needs to know at a glance (pages, API ``state``).
STATES = ("on_track", "at_risk", "breached", "paused", "met")


def used(clock: SlaClock, now: datetime, calendar: bt.Calendar) -> timedelta:
    """Business time the clock has consumed as of ``now``."""
    if clock.state in COUNTING:
        return clock.business_used + bt.elapsed(calendar, clock.resumed_at, now)
    return clock.business_used


def remaining(clock: SlaClock, now: datetime, calendar: bt.Calendar) -> timedelta:
    """Business time left before the target (negative once past it)."""
    return clock.target - used(clock, now, calendar)


def clock_state(clock: SlaClock, now: datetime) -> str:
    """One of ``STATES``: breached as soon as the due time has passed (the sweep
    may not have recorded it yet), at risk once the warning time has."""
    if clock.state in BREACHED:
        return "breached"
    if clock.state == ClockState.RUNNING and clock.due_at is not None and clock.due_at <= now:
        return "breached"
    if clock.state == ClockState.PAUSED:
        return "paused"
    if clock.state == ClockState.MET:
        return "met"
    if clock.warn_at is not None and clock.warn_at <= now:
        return "at_risk"
    return "on_track"


def breached_at(clock: SlaClock, now: datetime) -> datetime | None:
    """When the clock breached: the recorded time, or, for a running clock past
    its due time that the sweep has not reached yet, the due time (the time the
    sweep will record)."""
    if clock.breached_at is not None:
        return clock.breached_at
    if clock.state == ClockState.RUNNING and clock.due_at is not None and clock.due_at <= now:
        return clock.due_at
    return None


def schedule(clock: SlaClock, calendar: bt.Calendar) -> None:
    """Lay out the warning and due times of a running clock from its running
    stretch (``resumed_at``), and when the sweep must next look at it."""
    start = clock.resumed_at
    clock.due_at = bt.add(calendar, start, max(clock.target - clock.business_used, timedelta(0)))
    clock.warn_at = bt.add(
        calendar, start, max(clock.warn_target - clock.business_used, timedelta(0))
    )
    clock.next_action_at = next_action(clock)


def next_action(clock: SlaClock) -> datetime | None:
    """When the sweep must next look at the clock: a pending warning (one that
    comes before the due time), then the breach; nothing unless it runs."""
    if clock.state != ClockState.RUNNING:
        return None
    if clock.warned_at is None and clock.warn_at is not None and clock.warn_at < clock.due_at:
        return clock.warn_at
    if clock.breached_at is None:
        return clock.due_at
    return None


def rebase(clock: SlaClock, now: datetime, calendar: bt.Calendar) -> None:
    """Fold the current running stretch into ``business_used`` and restart it at
    ``now`` (before the clock changes calendar: the time so far was measured on
    the old one)."""
    if clock.state in COUNTING:
        clock.business_used = used(clock, now, calendar)
        clock.resumed_at = now


def applied_snapshot(clock) -> dict:
    """The policy, targets and calendar governing ``clock`` now, as plain values."""
    policy, calendar = clock.policy, clock.calendar
    snapshot = {
        "target_minutes": int(clock.target.total_seconds() // 60),
        "warning_percent": clock.warning_percent,
        "calendar": calendar.name if calendar else "24x7",
        "time_zone": calendar.time_zone if calendar else "UTC",
    }
    if policy is not None:
        snapshot |= {
            "policy_id": policy.pk,
            "policy": policy.name,
            "first_response_minutes": policy.first_response_minutes,
            "next_update_minutes": policy.next_update_minutes,
            "resolution_minutes": policy.resolution_minutes,
        }
    return snapshot
