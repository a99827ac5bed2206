"""Demo duty data: two regional service desks following the sun (Warsaw and
Singapore shifts) on every path's first level, round-robin assignment, the
management team's on-call rotation and people's phones. Idempotent."""

from datetime import date, time

from escalations.models import (
    DutyProfile,
    EscalationLevel,
    Rotation,
    RotationMember,
    Shift,
    TeamAssignment,
    TeamSchedule,
)
from tickets.models import Team, Tier, User

PHONES = {
    "agent1": "+48 22 100 00 01",
    "agent2": "+33 1 00 00 00 02",
    "agent3": "+31 20 000 0003",
    "agent4": "+65 6000 0004",
    "manager": "+48 600 000 000",
}


def _schedule(team: Team, zone: str, start: time, end: time) -> None:
    schedule, created = TeamSchedule.objects.get_or_create(team=team, defaults={"time_zone": zone})
    if created:
        Shift.objects.bulk_create(
            Shift(schedule=schedule, weekday=day, start=start, end=end) for day in range(5)
        )
    TeamAssignment.objects.get_or_create(team=team, defaults={"mode": "round_robin", "cap": 10})


def seed_duty(*, password: str) -> dict[str, int]:
    """Needs the teams and paths of the other demo modules."""
    emea = Team.objects.filter(name="Service Desk").first()
    manager = User.objects.filter(username="manager").first()
    if emea is None or manager is None:
        return {"teams": 0}
    agent4 = User.objects.filter(username="agent4").first()
    if agent4 is None:
        agent4 = User.objects.create_user(
            "agent4",
            email="agent4@escalade.example",
            password=password,
            first_name="Dewi",
            last_name="Tan",
            time_zone="Asia/Singapore",
        )
    apac, _ = Team.objects.get_or_create(
        name="Service Desk APAC", defaults={"tier": Tier.L1, "manager": manager}
    )
    apac.members.add(agent4)
    _schedule(emea, "Europe/Warsaw", time(8), time(18))
    _schedule(apac, "Asia/Singapore", time(8), time(17))
    for level in EscalationLevel.objects.filter(position=1, tier=Tier.L1, teams=emea):
        level.teams.add(apac)
    management = Team.objects.filter(tier=Tier.MGMT).first()
    if management is not None:
        schedule, _ = TeamSchedule.objects.get_or_create(
            team=management, defaults={"time_zone": "Europe/Warsaw"}
        )
        rotation, created = Rotation.objects.get_or_create(
            schedule=schedule,
            layer=1,
            defaults={
                "name": "Managers on call",
                "shift_hours": 168,
                "starts_on": date(2026, 1, 5),
            },
        )
        if created:
            RotationMember.objects.create(rotation=rotation, user=manager, position=1)
    for username, phone in PHONES.items():
        user = User.objects.filter(username=username).first()
        if user is not None:
            DutyProfile.objects.get_or_create(user=user, defaults={"phone": phone})
    return {"teams": 2}
