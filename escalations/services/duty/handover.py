"""Shift-end hand-over: when a team's duty ends, its open tickets of the
priorities its level hands over (P1 and P2 unless the level says otherwise) go
to the level's team on duty, with a hand-over note.

The note is a draft made from the ticket's timeline (recent changes and
comments) plus what an agent wrote for the next team (``HandoverNote``, then
cleared). The ticket's team (its queue) changes and its assignee is dropped;
its SLA clocks keep running (time used is kept) and its level clock is left
alone: the ticket stays on its level. Both teams are told,
once for the tickets handed over together (``TICKETS_HANDED_OVER``), the
timeline of each ticket says so, and ``Handover`` rows count the
hand-overs per ticket.

Exactly once: tickets are claimed with ``skip_locked`` row locks and re-checked
under the lock (the team must still be the one off duty); each hand-over takes
the ticket's next ``number``, unique with the ticket.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from escalations.models import EscalationLevel, Handover, HandoverNote, TeamSchedule
from escalations.models.handover import HANDOVER_PRIORITIES
from escalations.services.duty.routing import team_choice
from escalations.services.duty.schedules import duties_at
from tickets import events, notes
from tickets.models import Comment, Status, Team, Ticket, TicketEvent
from tickets.services import ticket_event_record, ticket_route

OPEN = (Status.NEW, Status.OPEN, Status.PENDING)
DRAFT_EVENTS = 6
DRAFT_COMMENTS = 3


@dataclass
class SweepResult:
    handed_over: int = 0
    levels: int = 0


def handover_draft(*, ticket: Ticket) -> notes.Note:
    """What was done and where it stands, from the ticket's timeline: a system note
    (``handover.draft``), read in the reader's language and time zone; the
    timeline's own system notes are quoted as notes, people's texts as written."""
    lines: list[notes.Note | str] = [
        notes.note(
            "handover.head",
            ref=ticket.reference,
            title=ticket.title,
            priority=ticket.priority,
            status=ticket.status,
            level=ticket.level,
        )
    ]
    recent = list(ticket.events.order_by("-created_at", "-pk")[:DRAFT_EVENTS])
    if recent:
        lines.append(notes.note("handover.changes"))
        for event in reversed(recent):
            what = notes.stored_note(event, "note") or (
                f"{event.field}: {event.old_value} -> {event.new_value}"
            )
            lines.append(
                notes.note("handover.change", at=event.created_at, kind=event.kind, what=what)
            )
    comments = list(
        Comment.objects.filter(ticket=ticket)
        .select_related("author")
        .order_by("-created_at", "-pk")[:DRAFT_COMMENTS]
    )
    if comments:
        lines.append(notes.note("handover.comments"))
        for comment in reversed(comments):
            author = str(comment.author) if comment.author_id else "-"
            lines.append(notes.note("handover.comment", author=author, body=comment.body[:300]))
    return notes.note("handover.draft", lines=lines)


def _handover_levels() -> list[EscalationLevel]:
    """Levels with more than one team, at least one of them scheduled."""
    scheduled = set(TeamSchedule.objects.values_list("team_id", flat=True))
    levels = (
        EscalationLevel.objects.annotate(team_count=Count("teams"))
        .filter(team_count__gt=1, path__is_active=True)
        .select_related("handover")
        .prefetch_related("teams")
    )
    return [level for level in levels if {t.pk for t in level.teams.all()} & scheduled]


def _priorities(level: EscalationLevel) -> list[str]:
    try:
        return level.handover.priority_list
    except EscalationLevel.handover.RelatedObjectDoesNotExist:
        return HANDOVER_PRIORITIES.split(",")


def ticket_hand_over(
    *,
    ticket: Ticket,
    level: EscalationLevel | None,
    to_team: Team,
    now: datetime,
    tell: bool = True,
) -> Handover:
    """Hand the (locked) ticket to ``to_team``; see the module. ``tell``: publish
    it now (a sweep tells a batch at once)."""
    from_team, from_assignee = ticket.team, ticket.assignee
    agent_note = HandoverNote.objects.filter(ticket=ticket).first()
    handover = Handover.objects.create(
        ticket=ticket,
        number=Handover.objects.filter(ticket=ticket).count() + 1,
        level=level,
        from_team=from_team,
        to_team=to_team,
        from_assignee=from_assignee,
        **notes.text_fields(handover_draft(ticket=ticket), "draft"),
        note=agent_note.text if agent_note else "",
        handed_at=now,
    )
    if agent_note is not None:
        agent_note.delete()
    sides = {"from": from_team.name, "to": to_team.name}
    note = notes.note("duty.handed_over", **sides)
    ticket_event_record(
        ticket=ticket,
        actor=None,
        kind=TicketEvent.Kind.CHANGED,
        field="handover",
        old=from_team.name,
        new=to_team.name,
        note=notes.note("duty.handed_over_note", **sides, text=handover.note)
        if handover.note.strip()
        else note,
    )
    ticket = ticket_route(
        ticket=ticket,
        actor=None,
        team=to_team,
        level=ticket.level,
        note=note,
        clear_assignee=True,
    )
    handover.ticket = ticket
    if tell:
        events.publish(events.TICKETS_HANDED_OVER, handovers=[handover])
    return handover


def _hand_over_batch(
    ids: list[int], *, level: EscalationLevel, off: set[int], to_team: Team, priorities, now
) -> int:
    done = []
    with transaction.atomic():
        claimed = (
            Ticket.objects.filter(pk__in=ids)
            .select_related("team", "assignee", "organization")
            .order_by("pk")
            .select_for_update(of=("self",), no_key=True, skip_locked=True)
        )
        for ticket in claimed:
            # Re-checked under the lock: another sweeper may have handed it over.
            if ticket.team_id in off and ticket.status in OPEN and ticket.priority in priorities:
                done.append(
                    ticket_hand_over(
                        ticket=ticket, level=level, to_team=to_team, now=now, tell=False
                    )
                )
        if done:
            events.publish(events.TICKETS_HANDED_OVER, handovers=done)
    return len(done)


def handover_sweep(
    *, now: datetime | None = None, batch_size: int = 100, time_budget: float | None = None
) -> SweepResult:
    """Hand over every open ticket whose team's duty has ended to the level's team
    on duty; levels whose teams are all off duty keep their tickets."""
    now = now or timezone.now()
    started = clock.monotonic()
    result = SweepResult()
    for level in _handover_levels():
        priorities = _priorities(level)
        teams = list(level.teams.all())
        if not priorities:
            continue
        duties = duties_at(teams, at=now)
        off = {team.pk for team in teams if not duties[team.pk].on_duty}
        if not off or len(off) == len(teams):
            continue
        to_team = team_choice(teams=teams, current_team_id=None, at=now).team
        result.levels += 1
        ids = list(
            Ticket.objects.filter(
                route__level=level, team_id__in=off, status__in=OPEN, priority__in=priorities
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for start in range(0, len(ids), batch_size):
            if time_budget is not None and clock.monotonic() - started > time_budget:
                return result
            result.handed_over += _hand_over_batch(
                ids[start : start + batch_size],
                level=level,
                off=off,
                to_team=to_team,
                priorities=priorities,
                now=now,
            )
    return result
