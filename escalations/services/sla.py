"""SLA clocks: started, paused, resumed, met and re-targeted as tickets change.

The rules (DESIGN.md, "SLA clocks"):
- clocks start when a ticket is created: first response and resolution, and
  next update once the first response is made (if the policy has a cadence);
- a breached clock keeps counting business time until it is met, so the
  overrun is known;
- ``pending`` pauses every counting clock, breached ones included; leaving it
  resumes them, so the due time moves by the paused business time;
- an agent's public reply meets first response (a breached one stays breached,
  with the time it was met), and meets (or, after a breach, simply ends) the
  current next-update cycle and starts the next one with the current policy's
  cadence;
- resolving meets every clock; reopening resumes resolution with its used time
  kept, starts a new next-update cycle and a new cycle of the level clock;
- a change of priority, category, organization or team re-matches the policy,
  re-targets the open clocks, keeping the business time already used, and
  starts the clocks the policy sets that the ticket lacks (a policy that only
  applies now); a clock already past its new target breaches at the next
  sweep, once.

Every change is written to the ticket's audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import businesstime as bt
from escalations.models import BusinessCalendar, SlaClock, SlaPolicy, TeamCalendar, TicketRoute
from escalations.rules import PolicyKey, match_policy
from tickets.models import Comment, Status, Ticket, TicketEvent, User
from tickets.selectors import agent_filter
from tickets.services import ticket_event_record

Metric = SlaClock.Metric
ClockStatus = SlaClock.Status
OPEN_CLOCK = (ClockStatus.RUNNING, ClockStatus.PAUSED)
POLICY_INPUTS = {"priority", "category", "organization", "team"}

_spec_cache: dict[int, tuple[datetime, bt.Calendar]] = {}


def calendar_spec(calendar: BusinessCalendar | None) -> bt.Calendar:
    """The pure calendar for a stored one (24x7 for none), cached until it is edited."""
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


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy for the ticket (see ``rules.match_policy``)."""
    policies = {p.pk: p for p in SlaPolicy.objects.filter(is_active=True)}
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


def calendar_for(policy: SlaPolicy, ticket: Ticket) -> BusinessCalendar | None:
    """The policy's calendar, else the handling team's, else none (24x7)."""
    if policy.calendar_id:
        return policy.calendar
    if ticket.team_id:
        link = TeamCalendar.objects.select_related("calendar").filter(team=ticket.team_id).first()
        if link is not None:
            return link.calendar
    return None


# --- clock arithmetic ----------------------------------------------------------------


def counting(clock: SlaClock) -> bool:
    """Whether the clock is consuming business time: while it runs, and after a
    breach until it is met or paused."""
    return (
        clock.status in (ClockStatus.RUNNING, ClockStatus.BREACHED)
        and clock.resumed_at is not None
        and clock.met_at is None
    )


def unmet(clock: SlaClock) -> bool:
    """Whether meeting the clock is still to come (running, paused or breached)."""
    return clock.status in OPEN_CLOCK or (
        clock.status == ClockStatus.BREACHED and clock.met_at is None
    )


def used_now(clock: SlaClock, now: datetime) -> timedelta:
    """Business time the clock has consumed as of ``now``."""
    if counting(clock):
        return clock.business_used + bt.elapsed(
            calendar_spec(clock.calendar), clock.resumed_at, now
        )
    return clock.business_used


def remaining(clock: SlaClock, now: datetime) -> timedelta:
    """Business time left before the target (negative once past it)."""
    return clock.target - used_now(clock, now)


STATES = ("on_track", "at_risk", "breached", "paused", "met")


def clock_state(clock: SlaClock, now: datetime) -> str:
    """What an agent needs to know at a glance: on track, at risk, breached, paused, met."""
    if clock.status == ClockStatus.BREACHED or (
        clock.status == ClockStatus.RUNNING and clock.due_at is not None and clock.due_at <= now
    ):
        return "breached"
    if clock.status == ClockStatus.PAUSED:
        return "paused"
    if clock.status == ClockStatus.MET:
        return "met"
    if clock.warn_at is not None and clock.warn_at <= now:
        return "at_risk"
    return "on_track"


def _schedule(clock: SlaClock) -> None:
    """Lay out warn and due times of a running clock from its running stretch."""
    spec = calendar_spec(clock.calendar)
    start = clock.resumed_at
    clock.due_at = bt.add(spec, start, max(clock.target - clock.business_used, timedelta(0)))
    clock.warn_at = bt.add(spec, start, max(clock.warn_target - clock.business_used, timedelta(0)))
    clock.next_action_at = next_action(clock)


def next_action(clock: SlaClock) -> datetime | None:
    """When the sweep must next look at the clock: a pending warning, then the breach."""
    if clock.status != ClockStatus.RUNNING:
        return None
    if clock.warned_at is None and clock.warn_at is not None and clock.warn_at < clock.due_at:
        return clock.warn_at
    if clock.breached_at is None:
        return clock.due_at
    return None


def _rebase(clock: SlaClock, now: datetime) -> None:
    """Fold the current running stretch into ``business_used`` and restart it at ``now``."""
    if counting(clock):
        clock.business_used = used_now(clock, now)
        clock.resumed_at = now


def _record(clock: SlaClock, actor: User | None, old: str, new: str, note: str) -> None:
    ticket_event_record(
        ticket=clock.ticket,
        actor=actor,
        kind=TicketEvent.Kind.SLA,
        field=f"sla:{clock.metric}",
        old=old,
        new=new,
        note=note,
    )


def _due_note(clock: SlaClock) -> str:
    return _("%(metric)s due %(due)s (target %(target)s of business time)") % {
        "metric": clock.get_metric_display(),
        "due": f"{clock.due_at:%Y-%m-%d %H:%M} UTC" if clock.due_at else "-",
        "target": _hours_minutes(clock.target),
    }


def _hours_minutes(value: timedelta) -> str:
    hours, rest = divmod(int(value.total_seconds()), 3600)
    return f"{hours}h {rest // 60:02d}m"


# --- lifecycle -----------------------------------------------------------------------


def _start(
    *,
    ticket: Ticket,
    metric: str,
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> SlaClock | None:
    target = policy.target(metric)
    if target is None:
        return None
    clock = SlaClock(
        ticket=ticket,
        metric=metric,
        policy=policy,
        calendar=calendar,
        target=target,
        warning_percent=policy.warning_percent,
        started_at=now,
        resumed_at=now,
    )
    if ticket.status == Status.PENDING:
        clock.status, clock.resumed_at, clock.paused_at = ClockStatus.PAUSED, None, now
    else:
        _schedule(clock)
    clock.save()
    _record(clock, actor, "", clock.status, _due_note(clock))
    return clock


def _pause(clock: SlaClock, now: datetime, actor: User | None) -> None:
    """Stop counting; a breached clock stays breached, only its overrun stops growing."""
    old = clock.status
    clock.business_used = used_now(clock, now)
    clock.resumed_at, clock.paused_at, clock.next_action_at = None, now, None
    if old == ClockStatus.RUNNING:
        clock.status = ClockStatus.PAUSED
    clock.save()
    _record(
        clock,
        actor,
        old,
        ClockStatus.PAUSED,
        _("%(used)s business time used") % {"used": clock.business_used},
    )


def _resume(clock: SlaClock, now: datetime, actor: User | None) -> None:
    old = clock.status
    clock.resumed_at, clock.paused_at = now, None
    if old == ClockStatus.PAUSED:
        clock.status = ClockStatus.RUNNING
        _schedule(clock)
    clock.save()
    _record(clock, actor, ClockStatus.PAUSED, old, _due_note(clock))


def _paused(clock: SlaClock) -> bool:
    """Paused: a clock stopped while running, or a breached one whose overrun stopped."""
    if clock.status == ClockStatus.BREACHED:
        return clock.met_at is None and clock.paused_at is not None
    return clock.status == ClockStatus.PAUSED


def _meet(clock: SlaClock, now: datetime, actor: User | None, note: str) -> None:
    old = clock.status
    clock.business_used = used_now(clock, now)
    clock.met_at, clock.resumed_at, clock.next_action_at = now, None, None
    if clock.status != ClockStatus.BREACHED:
        clock.status = ClockStatus.MET
    clock.save()
    _record(clock, actor, old, clock.status, note)


def level_clock_start(
    *,
    ticket: Ticket,
    target: timedelta,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> SlaClock:
    """Time the ticket's stay at its new level: a new cycle of its level clock."""
    clock = _clocks(ticket).get(Metric.LEVEL)
    if clock is None:
        clock = SlaClock(ticket=ticket, metric=Metric.LEVEL, cycle=0, started_at=now)
    clock.target, clock.calendar, clock.policy = target, calendar, None
    clock.warning_percent = 75
    _new_cycle(clock, now, actor, paused=ticket.status == Status.PENDING)
    return clock


def level_clock_stop(*, ticket: Ticket, now: datetime, actor: User | None) -> None:
    """The ticket left its level: its level clock has nothing more to time."""
    clock = _clocks(ticket).get(Metric.LEVEL)
    if clock is not None and clock.status in OPEN_CLOCK:
        _meet(clock, now, actor, _("Left the level."))


def _new_cycle(clock: SlaClock, now: datetime, actor: User | None, paused: bool) -> None:
    clock.cycle += 1
    clock.business_used = timedelta(0)
    clock.started_at = now
    clock.warned_at = clock.breached_at = clock.met_at = None
    if paused:
        clock.status, clock.resumed_at, clock.paused_at = ClockStatus.PAUSED, None, now
        clock.next_action_at = None
    else:
        clock.status, clock.resumed_at, clock.paused_at = ClockStatus.RUNNING, now, None
        _schedule(clock)
    clock.save()
    _record(
        clock,
        actor,
        "",
        clock.status,
        _("Cycle %(cycle)s: %(due)s") % {"cycle": clock.cycle, "due": _due_note(clock)},
    )


def _retarget(
    clock: SlaClock,
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> None:
    target = policy.target(clock.metric)
    if target is None:
        _meet(
            clock, now, actor, _("The policy %(policy)s has no such target.") % {"policy": policy}
        )
        return
    old_due = clock.due_at
    if clock.calendar_id != (calendar.pk if calendar else None):
        # Time so far was measured on the old calendar; the new one counts from now.
        _rebase(clock, now)
    clock.policy, clock.calendar, clock.target = policy, calendar, target
    clock.warning_percent = policy.warning_percent
    if clock.status == ClockStatus.RUNNING:
        _schedule(clock)
    clock.save()
    _record(
        clock,
        actor,
        old_due.isoformat(timespec="seconds") if old_due else "",
        clock.due_at.isoformat(timespec="seconds") if clock.due_at else "",
        _("Re-targeted by policy %(policy)s: %(due)s, %(used)s already used")
        % {"policy": policy, "due": _due_note(clock), "used": clock.business_used},
    )


def _clocks(ticket: Ticket) -> dict[str, SlaClock]:
    """The ticket's clocks, locked against the sweep for the rest of the transaction."""
    clocks = SlaClock.objects.select_for_update(of=("self",)).select_related("calendar")
    found = {c.metric: c for c in clocks.filter(ticket=ticket)}
    for clock in found.values():
        clock.ticket = ticket
    return found


# --- reactions to ticket changes (registered in escalations.apps) ---------------------


@transaction.atomic
def sla_ticket_created(*, ticket: Ticket, actor: User | None, now: datetime | None = None) -> None:
    now = now or timezone.now()
    policy = policy_for(ticket)
    if policy is None:
        return
    calendar = calendar_for(policy, ticket)
    for metric in (Metric.FIRST_RESPONSE, Metric.RESOLUTION):
        _start(ticket=ticket, metric=metric, policy=policy, calendar=calendar, now=now, actor=actor)


def _agent_replied(ticket: Ticket) -> bool:
    """Whether an agent (an admin, a team member or manager) has replied in public."""
    return ticket.comments.filter(agent_filter(prefix="author__"), is_public=True).exists()


def _start_missing(
    ticket: Ticket,
    clocks: dict[str, SlaClock],
    policy: SlaPolicy,
    calendar: BusinessCalendar | None,
    now: datetime,
    actor: User | None,
) -> None:
    """Start the clocks ``policy`` sets that the open ticket lacks: a policy that
    applies only now (added later, or matched after a change) times it from now."""
    first = clocks.get(Metric.FIRST_RESPONSE)
    responded = first.met_at is not None if first is not None else _agent_replied(ticket)
    missing = [Metric.RESOLUTION]
    if not responded:
        missing.append(Metric.FIRST_RESPONSE)
    elif policy.next_update_minutes:
        missing.append(Metric.NEXT_UPDATE)
    for metric in missing:
        if metric not in clocks:
            clocks[metric] = _start(
                ticket=ticket, metric=metric, policy=policy, calendar=calendar, now=now, actor=actor
            )


@transaction.atomic
def sla_ticket_changed(
    *, ticket: Ticket, actor: User | None, fields: Iterable[str], now: datetime | None = None
) -> None:
    if not POLICY_INPUTS & set(fields):
        return
    sla_refresh(ticket=ticket, actor=actor, now=now)


@transaction.atomic
def sla_refresh(*, ticket: Ticket, actor: User | None = None, now: datetime | None = None) -> None:
    """Re-match the ticket's policy, re-target its open clocks keeping used time,
    and start the clocks the policy sets that an open ticket lacks."""
    now = now or timezone.now()
    clocks = _clocks(ticket)
    policy = policy_for(ticket)
    if policy is None:
        return
    calendar = calendar_for(policy, ticket)
    for clock in clocks.values():
        if clock.status in OPEN_CLOCK and clock.metric != Metric.LEVEL:
            _retarget(clock, policy, calendar, now, actor)
    if ticket.is_open:
        _start_missing(ticket, clocks, policy, calendar, now, actor)


@transaction.atomic
def level_clock_reschedule(
    *, ticket: Ticket, calendar_id: int, actor: User | None = None, now: datetime | None = None
) -> None:
    """The calendar ``calendar_id`` was edited: lay out again the ticket's running
    level clock if that calendar times it (no policy re-targets level clocks).
    The stretch already running is measured with the calendar as it is now."""
    now = now or timezone.now()
    clock = _clocks(ticket).get(Metric.LEVEL)
    if clock is None or clock.status != ClockStatus.RUNNING or clock.calendar_id != calendar_id:
        return
    old_due = clock.due_at
    _schedule(clock)
    if clock.due_at == old_due:
        return
    clock.save()
    _record(
        clock,
        actor,
        old_due.isoformat(timespec="seconds") if old_due else "",
        clock.due_at.isoformat(timespec="seconds"),
        _("Calendar %(calendar)s changed: %(due)s")
        % {"calendar": clock.calendar, "due": _due_note(clock)},
    )


@transaction.atomic
def sla_ticket_status_changed(
    *, ticket: Ticket, actor: User | None, old: str, new: str, now: datetime | None = None
) -> None:
    now = now or timezone.now()
    clocks = _clocks(ticket)
    if new == Status.PENDING:
        for clock in clocks.values():
            if counting(clock):
                _pause(clock, now, actor)
    elif new == Status.RESOLVED:
        for clock in clocks.values():
            if unmet(clock):
                _meet(clock, now, actor, _("Ticket resolved."))
    elif new == Status.OPEN and old == Status.PENDING:
        for clock in clocks.values():
            if _paused(clock):
                _resume(clock, now, actor)
    elif new == Status.OPEN and old == Status.RESOLVED:
        _reopen(ticket, clocks, now, actor)


def _reopen(ticket: Ticket, clocks: dict[str, SlaClock], now: datetime, actor: User | None) -> None:
    resolution = clocks.get(Metric.RESOLUTION)
    if resolution is not None:
        old = resolution.status
        resolution.met_at, resolution.resumed_at, resolution.paused_at = None, now, None
        if old == ClockStatus.MET:
            resolution.status = ClockStatus.RUNNING
            _schedule(resolution)
        # A breached one stays breached and counts its overrun again.
        resolution.save()
        _record(
            resolution,
            actor,
            old,
            resolution.status,
            _("Reopened, %(used)s already used: %(due)s")
            % {"used": resolution.business_used, "due": _due_note(resolution)},
        )
    _next_update_cycle(ticket, clocks, now, actor, paused=False)
    _level_restart(ticket, clocks.get(Metric.LEVEL), now, actor)


def _level_restart(
    ticket: Ticket, clock: SlaClock | None, now: datetime, actor: User | None
) -> None:
    """A reopened ticket gets a fresh time limit at the level it stands on, if
    that level has one (resolving met the level clock)."""
    if clock is None or clock.status in OPEN_CLOCK:
        return
    route = TicketRoute.objects.select_related("level").filter(ticket=ticket).first()
    if route is None or not route.level.time_limit_minutes:
        return
    clock.target = timedelta(minutes=route.level.time_limit_minutes)
    _new_cycle(clock, now, actor, paused=False)


def _next_update_cycle(
    ticket: Ticket, clocks: dict[str, SlaClock], now: datetime, actor: User | None, paused: bool
) -> None:
    """Start the next cycle of public updates with the cadence of the policy that
    governs the ticket now (which may have changed since the first response)."""
    update = clocks.get(Metric.NEXT_UPDATE)
    policy = policy_for(ticket) or (update.policy if update is not None else None)
    if policy is None or not policy.next_update_minutes:
        return
    calendar = calendar_for(policy, ticket)
    if update is None:
        clocks[Metric.NEXT_UPDATE] = _start(
            ticket=ticket,
            metric=Metric.NEXT_UPDATE,
            policy=policy,
            calendar=calendar,
            now=now,
            actor=actor,
        )
        return
    update.policy, update.calendar = policy, calendar
    update.target = policy.target(Metric.NEXT_UPDATE)
    update.warning_percent = policy.warning_percent
    _new_cycle(update, now, actor, paused=paused)


@transaction.atomic
def sla_comment_added(
    *, comment: Comment, actor: User | None, by_agent: bool, now: datetime | None = None
) -> None:
    """An agent's public reply meets first response (a breached one stays
    breached, with the time it was met) and the current next-update cycle."""
    if not (comment.is_public and by_agent):
        return
    now = now or timezone.now()
    ticket = comment.ticket
    clocks = _clocks(ticket)
    first = clocks.get(Metric.FIRST_RESPONSE)
    if first is not None and unmet(first):
        _meet(first, now, actor, _("First public reply."))
    if not ticket.is_open:
        return
    update = clocks.get(Metric.NEXT_UPDATE)
    if update is not None and update.status in OPEN_CLOCK:
        _meet(update, now, actor, _("Public update."))
    _next_update_cycle(ticket, clocks, now, actor, paused=ticket.status == Status.PENDING)
