"""Reads about duty, for the pages, the API and the calendar feed: the escalation
directory (who is on duty per level and team, next, how to reach them, the
management chain), a team's schedule over the coming days, a person's duties.
A fixed number of queries whatever the number of levels, teams and people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q

from escalations import duty as pure
from escalations.models import DutyProfile, EscalationLevel, Handover, Rotation, TeamSchedule
from escalations.services.duty.schedules import schedules_for
from tickets.models import Team, Tier, User


@dataclass
class Person:
    user: User
    phone: str = ""

    @property
    def name(self) -> str:
        return str(self.user)

    @property
    def email(self) -> str:
        return self.user.email


@dataclass
class DirectoryRow:
    level: EscalationLevel
    team: Team
    on_duty: bool
    until: datetime | None
    now: list[Person] = field(default_factory=list)
    on_call: Person | None = None
    next_at: datetime | None = None
    next: list[Person] = field(default_factory=list)
    manager: Person | None = None
    management: list[Person] = field(default_factory=list)


def _people(ids, users: dict[int, User], phones: dict[int, str]) -> list[Person]:
    found = [Person(users[i], phones.get(i, "")) for i in ids if i in users]
    return sorted(found, key=lambda p: p.name)


def _next_duty(schedule: pure.Schedule, duty: pure.Duty, at: datetime):
    """When the team is next on duty after the present stretch, and who then."""
    moment = duty.until
    if moment is not None and duty.on_duty:
        moment = pure.duty_at(schedule, moment).until
    if moment is None:
        return None, frozenset()
    return moment, pure.duty_at(schedule, moment).people


def directory(*, at: datetime, q: str = "") -> list[DirectoryRow]:
    """One row per level and team of every active path, filtered by ``q`` (team,
    path, tier or a person's name, user name or e-mail)."""
    levels = list(
        EscalationLevel.objects.filter(path__is_active=True)
        .select_related("path")
        .prefetch_related("teams__manager")
        .order_by("path__name", "position")
    )
    teams = {team.pk: team for level in levels for team in level.teams.all()}
    management = [t for t in teams.values() if t.tier == Tier.MGMT]
    schedules = schedules_for(list(teams.values()), at=at)
    duties = {team_id: pure.duty_at(s, at) for team_id, s in schedules.items()}
    nexts = {tid: _next_duty(schedules[tid], duties[tid], at) for tid in teams}
    ids = set()
    for team_id, duty in duties.items():
        ids |= duty.people | set(duty.layers.values()) | nexts[team_id][1]
        if teams[team_id].manager_id:
            ids.add(teams[team_id].manager_id)
    users = User.objects.in_bulk(ids)
    phones = dict(DutyProfile.objects.filter(user_id__in=ids).values_list("user_id", "phone"))
    rows = []
    for level in levels:
        chain = []
        for boss in management:
            on_call = duties[boss.pk].primary
            chain += _people([on_call or boss.manager_id], users, phones)
        for team in sorted(level.teams.all(), key=lambda t: t.name):
            duty = duties[team.pk]
            next_at, next_people = nexts[team.pk]
            primary = _people([duty.primary], users, phones) if duty.primary else []
            rows.append(
                DirectoryRow(
                    level=level,
                    team=team,
                    on_duty=duty.on_duty,
                    until=duty.until,
                    now=_people(duty.people, users, phones),
                    on_call=primary[0] if primary else None,
                    next_at=next_at,
                    next=_people(next_people, users, phones),
                    manager=(_people([team.manager_id], users, phones) or [None])[0],
                    management=chain,
                )
            )
    return [row for row in rows if _matches(row, q)] if q else rows


def _matches(row: DirectoryRow, q: str) -> bool:
    q = q.strip().lower()
    people = [*row.now, *row.next, *row.management, *([row.on_call] if row.on_call else [])]
    words = [row.team.name, row.level.path.name, row.level.tier, str(row.level.get_tier_display())]
    words += [f"{p.name} {p.user.username} {p.email}" for p in people]
    return any(q in word.lower() for word in words)


def team_timeline(*, team: Team, start: datetime, days: int = 14):
    """The team's duties from ``start`` for ``days`` days, end to end, with the
    people on call resolved to users."""
    schedule = schedules_for([team], at=start)[team.pk]
    pieces = pure.timeline(schedule, start, start + timedelta(days=days))
    ids = {p for _a, _b, duty in pieces for p in duty.layers.values()}
    users = User.objects.in_bulk(ids)
    return [(a, b, duty, users.get(duty.primary)) for a, b, duty in pieces]


def teams_with_schedules(*, user: User):
    """Teams for the schedule pages: every team, scheduled or not."""
    return Team.objects.select_related("manager", "schedule").order_by("tier", "name")


def duties_of_person(*, user: User, start: datetime, days: int = 56):
    """The periods ``user`` is on duty (working with a team) or on call, per team."""
    rotating = Rotation.objects.filter(members__user=user).values_list(
        "schedule__team_id", flat=True
    )
    teams = list(Team.objects.filter(Q(members=user) | Q(pk__in=rotating)).distinct())
    schedules = schedules_for(teams, at=start)
    scheduled = set(TeamSchedule.objects.filter(team__in=teams).values_list("team_id", flat=True))
    found = []
    for team in teams:
        for a, b, duty in pure.timeline(schedules[team.pk], start, start + timedelta(days=days)):
            if user.pk in duty.layers.values() or duty.primary == user.pk:
                found.append((a, b, team, "on_call"))
            elif user.pk in duty.people and team.pk in scheduled:
                found.append((a, b, team, "on_duty"))
    return found


def handover_counts(*, tickets):
    """Hand-overs per ticket among ``tickets`` (one aggregate query), most first."""
    return (
        Handover.objects.filter(ticket__in=tickets.values("pk"))
        .values("ticket_id")
        .annotate(handovers=Count("pk"))
        .order_by("-handovers", "ticket_id")
    )


def feed_profile(*, user: User) -> DutyProfile:
    """The user's duty profile (made on first use), which holds the feed's secret."""
    profile, _ = DutyProfile.objects.get_or_create(user=user)
    return profile
