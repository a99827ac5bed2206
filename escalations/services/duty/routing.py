"""Follow-the-sun: which of a level's teams takes a ticket. The team on duty now
(the ticket's own team first, then by name); when none is, the team whose duty
starts soonest, and the level's managers are told (``LEVEL_OFF_DUTY``), so a
ticket is never lost to a level whose teams are all off duty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from escalations.models import EscalationLevel, TeamSchedule
from escalations.services.duty.schedules import duties_at
from tickets import batch, events
from tickets.models import Team, Ticket


@dataclass(frozen=True)
class Choice:
    team: Team | None
    on_duty: bool = True
    starts_at: datetime | None = None  # off duty: when its duty starts


def team_choice(*, teams: list[Team], current_team_id: int | None, at: datetime) -> Choice:
    """The team of ``teams`` that takes a ticket at ``at`` (see the module)."""
    if not teams:
        return Choice(None)
    ordered = sorted(teams, key=lambda t: (t.pk != current_team_id, t.name))
    ids = tuple(sorted(team.pk for team in teams))
    scheduled = batch.memo(  # a batch job (the sweep) reads it once per level
        ("scheduled-teams", ids),
        lambda: set(TeamSchedule.objects.filter(team__in=ids).values_list("team_id", flat=True)),
    )
    if not scheduled:  # nobody keeps a schedule: every team works around the clock
        return Choice(ordered[0])
    duties = duties_at(teams, at=at)
    for team in ordered:
        if duties[team.pk].on_duty:
            return Choice(team)
    soonest = min(
        ordered,
        key=lambda t: (duties[t.pk].until is None, duties[t.pk].until or at, ordered.index(t)),
    )
    return Choice(soonest, on_duty=False, starts_at=duties[soonest.pk].until)


def level_team_choice(*, level: EscalationLevel, ticket: Ticket, at: datetime) -> Choice:
    return team_choice(teams=list(level.teams.all()), current_team_id=ticket.team_id, at=at)


def level_off_duty_tell(*, ticket: Ticket, level: EscalationLevel, choice: Choice) -> None:
    """Tell the level's managers that the ticket waits for a team off duty."""
    if not choice.on_duty:
        events.publish(
            events.LEVEL_OFF_DUTY, ticket=ticket, level=level, starts_at=choice.starts_at
        )
