"""Level stints for tickets from before stints were kept, rebuilt from each
ticket's audit trail (``TicketEvent``): its level and team changes and its
status moves, replayed in order.

Resumable: tickets are taken in id order in batches, each batch in its own
transaction, and a ticket that already has stints is skipped, so a run stopped
half-way (or a second run) carries on where the last committed batch ended.
Each batch also brings its tickets' stint facts and daily histograms up to date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from escalations.models import BusinessCalendar, EscalationLevel, TeamCalendar, TicketRoute
from reports.models import LevelStint
from reports.services.rollups import facts_refresh
from reports.services.stint_facts import STINTS
from reports.services.stints import how_left, stint_end, stint_pause, stint_resume
from tickets.models import Status, Team, Ticket, TicketEvent
from tickets.services import tickets_locked

How = LevelStint.How
# Moves recorded this close together are one move (routing writes the team and
# the level as two entries), and moves this close to creation are where the
# ticket landed rather than a stint of its own.
SAME_MOVE = timedelta(seconds=2)
ENDED = (Status.RESOLVED, Status.CLOSED)


@dataclass
class Batch:
    tickets: int
    stints: int
    last_id: int


class _Calendars:
    """Calendars of path levels and teams, loaded once per run."""

    def __init__(self) -> None:
        self.by_team = {
            link.team_id: link.calendar for link in TeamCalendar.objects.select_related("calendar")
        }
        self.by_path_tier: dict[tuple[int, str], BusinessCalendar] = {}
        for level in (
            EscalationLevel.objects.filter(calendar__isnull=False)
            .select_related("calendar")
            .order_by("-position")
        ):
            self.by_path_tier[(level.path_id, level.tier)] = level.calendar

    def of(self, path_id: int | None, level: str, team_id: int | None) -> BusinessCalendar | None:
        found = self.by_path_tier.get((path_id, level)) if path_id else None
        return found or self.by_team.get(team_id)


def ticket_stints(
    ticket: Ticket,
    trail: list[TicketEvent],
    *,
    team_ids: dict[str, int],
    calendar_of: Callable[[str, int | None], BusinessCalendar | None],
) -> list[LevelStint]:
    """The stints of ``ticket`` replayed from its ``trail`` (in time order).
    ``team_ids`` maps a team as the trail writes it to its id."""
    moves = [
        e for e in trail if e.kind == TicketEvent.Kind.CHANGED and e.field in ("level", "team")
    ]
    level = next((e.old_value for e in moves if e.field == "level"), ticket.level)
    first_team = next((e.old_value for e in moves if e.field == "team"), None)
    team = team_ids.get(first_team) if first_team is not None else ticket.team_id
    stints: list[LevelStint] = []
    status = Status.NEW

    def begin(at: datetime) -> LevelStint:
        return LevelStint(
            ticket=ticket,
            level=level,
            team_id=team,
            entered_at=at,
            ticket_created_at=ticket.created_at,
        )

    current = begin(ticket.created_at)

    def end(at: datetime, how: str) -> None:
        stint_end(current, now=at, how=how, calendar=calendar_of(current.level, current.team_id))
        stints.append(current)

    for event in trail:
        at = event.created_at
        if event.kind == TicketEvent.Kind.CHANGED and event.field in ("level", "team"):
            new_level = event.new_value if event.field == "level" else level
            new_team = team_ids.get(event.new_value) if event.field == "team" else team
            level, team = new_level, new_team
            if current is None:
                continue
            if at - current.entered_at < SAME_MOVE:
                # The rest of the move that began this stint (or of the routing at creation).
                current.level, current.team_id = level, team
                if stints and stints[-1].left_at == current.entered_at:
                    stints[-1].how_left = how_left(stints[-1].level, level)
            elif (current.level, current.team_id) != (level, team):
                end(at, how_left(current.level, level))
                current = begin(at)
        elif event.kind == TicketEvent.Kind.STATUS and event.field == "status":
            new = event.new_value
            if new in ENDED and current is not None:
                end(at, How.RESOLVED)
                current = None
            elif status in ENDED and new not in ENDED:
                current = begin(at)
            elif current is not None and new == Status.PENDING:
                stint_pause(current, at)
            elif current is not None and status == Status.PENDING:
                stint_resume(current, at, calendar_of(current.level, current.team_id))
            status = new
    if current is not None:
        stints.append(current)
    return stints


def stints_backfill(*, batch_size: int = 500, after_id: int = 0) -> Iterator[Batch]:
    """Rebuild the stints of every ticket that has none, ``batch_size`` tickets
    per transaction, in id order from ``after_id``; yields each batch done."""
    team_ids = {str(team): team.pk for team in Team.objects.all()}
    calendars = _Calendars()
    without = Ticket.objects.filter(~Exists(LevelStint.objects.filter(ticket=OuterRef("pk"))))
    while True:
        ids = list(
            without.filter(pk__gt=after_id).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        with transaction.atomic():
            tickets = list(tickets_locked(without.filter(pk__in=ids).order_by("pk")))
            paths = dict(
                TicketRoute.objects.filter(ticket__in=ids).values_list("ticket_id", "path_id")
            )
            trails: dict[int, list[TicketEvent]] = {pk: [] for pk in ids}
            for event in (
                TicketEvent.objects.filter(
                    ticket__in=ids, kind__in=[TicketEvent.Kind.CHANGED, TicketEvent.Kind.STATUS]
                )
                .filter(field__in=["level", "team", "status"])
                .order_by("ticket_id", "created_at", "id")
            ):
                trails[event.ticket_id].append(event)
            rows = []
            for ticket in tickets:
                path = paths.get(ticket.pk)
                rows += ticket_stints(
                    ticket,
                    trails[ticket.pk],
                    team_ids=team_ids,
                    calendar_of=lambda level, team, path=path: calendars.of(path, level, team),
                )
            LevelStint.objects.bulk_create(rows, batch_size=1000)
            # Their facts and daily histograms (time at level), in the same transaction.
            facts_refresh(ticket_ids=ids, specs=[STINTS])
        after_id = ids[-1]
        yield Batch(tickets=len(tickets), stints=len(rows), last_id=after_id)
