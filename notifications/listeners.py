"""Domain events of the tickets and escalations apps, turned into notifications.

Every listener runs inside the transaction of the change it reports (see
``tickets.hooks`` and ``escalations.events``), so what it writes commits with it.
"""

from __future__ import annotations

from datetime import datetime

from escalations.events import Step
from escalations.models import Escalation, SlaClock
from notifications import recipients as to
from notifications.dispatch import emit
from notifications.models import EventKind
from tickets.models import Comment, Ticket, User


def on_ticket_created(*, ticket: Ticket, actor: User | None) -> None:
    emit(
        EventKind.TICKET_CREATED,
        ticket=ticket,
        actor=actor,
        recipients=[*to.team_members(ticket.team), *to.requester(ticket)],
    )
    if ticket.assignee_id:  # assigned from the start: told like any later assignment
        emit(
            EventKind.TICKET_ASSIGNED,
            ticket=ticket,
            actor=actor,
            recipients=to.users([ticket.assignee]),
        )


def on_ticket_changed(*, ticket: Ticket, actor: User | None, fields: set[str]) -> None:
    if "assignee" in fields and ticket.assignee_id:
        emit(
            EventKind.TICKET_ASSIGNED,
            ticket=ticket,
            actor=actor,
            recipients=to.users([ticket.assignee]),
        )


def on_comment(*, comment: Comment, actor: User | None, by_agent: bool) -> None:
    if comment.is_public and by_agent:
        emit(
            EventKind.TICKET_REPLIED,
            ticket=comment.ticket,
            actor=actor,
            recipients=to.requester(comment.ticket),
            extra={"body": comment.body},
        )


def _on_clock(kind: str, clock: SlaClock) -> None:
    ticket = clock.ticket
    people = to.owner(ticket)
    if kind == EventKind.SLA_BREACH and ticket.team_id:
        people += to.users([ticket.team.manager])
    emit(
        kind,
        ticket=ticket,
        recipients=people,
        extra={
            "metric": str(clock.get_metric_display()),
            "metric_code": clock.metric,
            "due_at": clock.due_at,
        },
    )


def on_sla_warning(*, clock: SlaClock, now: datetime) -> None:
    _on_clock(EventKind.SLA_WARNING, clock)


def on_sla_breach(*, clock: SlaClock, now: datetime) -> None:
    # A level clock running out escalates the ticket: that escalation is the news.
    if clock.metric != SlaClock.Metric.LEVEL:
        _on_clock(EventKind.SLA_BREACH, clock)


def on_escalation_step(
    *, escalation: Escalation, actor: User | None, step: Step, what: str
) -> None:
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
    emit(
        kind,
        ticket=ticket,
        escalation=escalation,
        actor=actor,
        recipients=people,
        extra={"note": what, "step": str(step)},
    )
