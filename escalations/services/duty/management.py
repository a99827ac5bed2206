"""Management on duty: who of a management team is told now. A management team
with an on-call rotation tells the person on call (overrides and absences
applied); one without anybody on call falls back to its manager and members."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from escalations import duty as pure
from escalations.models import Rotation
from escalations.services.duty.schedules import schedules_for
from tickets.models import Team, User


def on_call_now(teams: Iterable[Team], *, at: datetime) -> dict[int, User]:
    """The person on call for each team (by id) that has one now; teams without
    an on-call rotation, or with nobody on call, are left out."""
    teams = list(teams)
    with_rotation = set(
        Rotation.objects.filter(schedule__team__in=teams).values_list(
            "schedule__team_id", flat=True
        )
    )
    scheduled = [team for team in teams if team.pk in with_rotation]
    if not scheduled:
        return {}
    found = {}
    for team_id, schedule in schedules_for(scheduled, at=at).items():
        primary = pure.duty_at(schedule, at).primary
        if primary is not None:
            found[team_id] = primary
    people = User.objects.in_bulk(set(found.values()))
    return {
        team_id: people[user_id]
        for team_id, user_id in found.items()
        if user_id in people and people[user_id].is_active
    }
