"""What the notification layer does on the event bus (``tickets.events``): keep
each ticket's update cadence in step (phase ``CADENCE``), then tell people
(phase ``NOTIFY``). The subscriptions, with their phases, are in
``notifications.apps``.

Every listener runs inside the transaction of the change it reports, so what it
writes commits with it; it sees the ticket as routing and the clocks left it.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone, translation

from escalations.events import Step
from escalations.models import Escalation, SlaClock
from notifications import recipients as to
from notifications.localize import note_values
from notifications.models import EventKind
from notifications.services.dispatch import event_emit
from notifications.services.plans import cadence_sync
from tickets import batch, notes
from tickets.models import Comment, Ticket, User

# --- phase CADENCE: stakeholder update cadences ---------------------------------------------


def cadence_on_ticket_created(*, ticket: Ticket, actor: User | None) -> None:
    """A new ticket of a priority with a plan starts its cadence."""
    cadence_sync(ticket=ticket, now=timezone.now())


def cadence_on_ticket_changed(*, ticket: Ticket, actor: User | None, fields: set[str]) -> None:
    """A new priority brings its own plan (or none)."""
    if "priority" in fields:
        cadence_sync(ticket=ticket, now=timezone.now())


def cadence_on_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """Resolving or closing stops the cadence; reopening starts it again."""
    cadence_sync(ticket=ticket, now=timezone.now())


# --- phase NOTIFY: telling people ------------------------------------------------------------


def on_ticket_created(*, ticket: Ticket, actor: User | None) -> None:
    """The team the ticket landed on and the requester (a requester who filed it
    themself too: the receipt with the reference to quote); the assignee too when
    it was assigned from the start."""
    event_emit(
        kind=EventKind.TICKET_CREATED,
        ticket=ticket,
        actor=actor,
        recipients=[*to.team_members(ticket.team), *to.requester(ticket)],
        tell_actor=actor is not None and ticket.requester_id == actor.pk,
    )
    if ticket.assignee_id:  # assigned from the start: told like any later assignment
        event_emit(
            kind=EventKind.TICKET_ASSIGNED,
            ticket=ticket,
            actor=actor,
            recipients=to.users([ticket.assignee]),
        )


def on_ticket_changed(*, ticket: Ticket, actor: User | None, fields: set[str]) -> None:
    """A new assignee is told."""
    if "assignee" in fields and ticket.assignee_id:
        event_emit(
            kind=EventKind.TICKET_ASSIGNED,
            ticket=ticket,
            actor=actor,
            recipients=to.users([ticket.assignee]),
        )


def on_comment(*, comment: Comment, actor: User | None, by_agent: bool) -> None:
    """A public reply goes to the other side and to the followers: an agent's to the
    requester and the copied addresses, the requester's to the owner (the
    assignee, else the team). Internal notes tell nobody."""
    if not comment.is_public:
        return
    ticket = comment.ticket
    people = [*to.requester(ticket), *to.copied(ticket)] if by_agent else to.owner(ticket)
    event_emit(
        kind=EventKind.TICKET_REPLIED,
        ticket=ticket,
        actor=actor,
        recipients=[*people, *to.followers(ticket)],
        extra={"body": comment.body},
    )


def on_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """Followers and copied addresses hear of every status change."""
    people = [*to.followers(ticket), *to.copied(ticket)]
    if people:
        event_emit(
            kind=EventKind.TICKET_STATUS,
            ticket=ticket,
            actor=actor,
            recipients=people,
            extra={"old": old, "new": new},
        )


def _on_clock(kind: str, clock: SlaClock, now: datetime) -> None:
    ticket = clock.ticket
    people = to.owner(ticket)
    if kind == EventKind.SLA_BREACH:
        people += to.managers_on_duty(ticket)
    event_emit(
        kind=kind,
        ticket=ticket,
        recipients=people,
        extra={
            "metric": _metric_text(clock.metric),
            "metric_code": clock.metric,
            "due_at": clock.due_at,
            # A warning recorded late (a sweep that caught up) must not say "soon".
            "overdue": clock.due_at is not None and clock.due_at <= now,
        },
    )


def _metric_text(metric: str) -> str:
    """The metric's name in the active language, once per batch: through
    ``get_metric_display`` (which translates every choice to look one up) it
    cost the sweep about 0.15 ms a clock, told to anyone or not."""
    key = ("metric-text", metric, translation.get_language())
    return batch.memo(key, lambda: str(SlaClock.Metric(metric).label))


def on_sla_warning(*, clock: SlaClock, now: datetime) -> None:
    """The owner: the assignee, else the team."""
    _on_clock(EventKind.SLA_WARNING, clock, now)


def on_sla_breach(*, clock: SlaClock, now: datetime) -> None:
    """The owner and the team's manager."""
    # A level clock running out escalates the ticket: that escalation is the news.
    if clock.metric != SlaClock.Metric.LEVEL:
        _on_clock(EventKind.SLA_BREACH, clock, now)


def on_escalation_step(
    *, escalation: Escalation, actor: User | None, step: Step, what: str | notes.Note
) -> None:
    """Each step to the people it concerns (``notifications.recipients``)."""
    ticket = escalation.ticket
    match step:
        case Step.ESCALATED:
            kind, people = EventKind.ESCALATED, to.level_team(escalation)
        case Step.REQUESTED:
            kind, people = EventKind.APPROVAL_REQUESTED, to.approvers(escalation)
        case Step.APPROVED | Step.REJECTED:
            kind, people = EventKind.APPROVAL_DECIDED, to.users([escalation.requested_by])
        case Step.OPENED:
            kind = EventKind.ESCALATION_OPENED
            people = [*to.users([escalation.manager]), *to.management_chain(ticket)]
        case Step.MANAGER_CHANGED:
            kind, people = EventKind.ESCALATION_OPENED, to.users([escalation.manager])
        case Step.MONITORING:
            kind, people = EventKind.ESCALATION_MONITORING, to.escalation_team(escalation)
        case Step.MONITORING_ENDED:
            kind = EventKind.MONITORING_ENDED
            people = [*to.users([escalation.manager]), *to.escalation_team(escalation)]
        case Step.REOPENED:
            kind = EventKind.ESCALATION_REOPENED
            people = [*to.escalation_team(escalation), *to.owner(ticket)]
        case Step.CLOSED:
            kind = EventKind.ESCALATION_CLOSED
            people = [*to.escalation_team(escalation), *to.management_chain(ticket)]
        case Step.REVIEW_REQUESTED:
            kind = EventKind.REVIEW_REQUESTED
            people = [*to.users([escalation.manager]), *to.owner(ticket)]
        case _:  # team and action-plan edits show on the escalation page only
            return
    event_emit(
        kind=kind,
        ticket=ticket,
        escalation=escalation,
        actor=actor,
        recipients=people,
        extra={**note_values(what), "step": str(step)},
    )


def on_handed_over(*, handovers: list) -> None:
    """Both sides of shift-end hand-overs, once per pair of teams: the ticket and
    its note when one was handed over, the list of tickets when several were."""
    pairs: dict[tuple[int, int], list] = {}
    for handover in handovers:
        pairs.setdefault((handover.from_team_id, handover.to_team_id), []).append(handover)
    for group in pairs.values():
        first = group[0]
        lines = [f"{h.ticket.reference} [{h.ticket.priority}] {h.ticket.title}" for h in group]
        event_emit(
            kind=EventKind.HANDED_OVER,
            ticket=first.ticket if len(group) == 1 else None,
            recipients=[
                *to.handover_sides(first),
                *to.users(h.from_assignee for h in group),
            ],
            extra={
                "from_team": first.from_team.name,
                "to_team": first.to_team.name,
                "count": len(group),
                "tickets": "\n".join(lines),
                "note": first.note if len(group) == 1 else "",
                **notes.text_fields(
                    notes.stored_note(first, "draft") if len(group) == 1 else "", "draft"
                ),
            },
        )


def on_level_off_duty(*, ticket: Ticket, level, starts_at) -> None:
    """A ticket reached a level while none of its teams was on duty: its managers."""
    event_emit(
        kind=EventKind.LEVEL_OFF_DUTY,
        ticket=ticket,
        recipients=to.level_managers(level),
        extra={"level": str(level), "starts_at": starts_at},
    )
