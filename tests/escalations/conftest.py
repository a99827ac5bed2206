import pytest

from escalations.models import BusinessCalendar, SlaPolicy


@pytest.fixture
def always_open(db):
    return BusinessCalendar.objects.create(name="24x7", is_24x7=True)


@pytest.fixture
def policy(always_open):
    """The fallback policy: 60 min first response, 30 min updates, 8 h resolution, 24x7."""
    return SlaPolicy.objects.create(
        name="Fallback",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        warning_percent=75,
        calendar=always_open,
    )


from tests.workers import celery_processes  # noqa: E402,F401  (fixture)


@pytest.fixture
def network_path(db):
    """The seeds' network-outage path: L1 Service Desk -> L2 Network Engineering ->
    L3 Senior Architects (vendor noted) -> IT Management; 24x7 for simple arithmetic."""
    from escalations.models import EscalationLevel, EscalationPath
    from tests.factories import TeamFactory, UserFactory
    from tickets.models import Tier

    boss = UserFactory(username="manager")
    teams = {}
    for name, tier, member in [
        ("Service Desk", Tier.L1, "agent1"),
        ("Network Engineering", Tier.L2, "agent2"),
        ("Senior Architects", Tier.L3, "agent3"),
        ("IT Management", Tier.MGMT, "manager"),
    ]:
        team = TeamFactory(name=name, tier=tier)
        team.manager = boss
        team.save()
        team.members.add(UserFactory(username=member))
        teams[tier] = team
    path = EscalationPath.objects.create(name="Network outage", is_default=True)
    for position, (tier, limit, approval, note) in enumerate(
        [
            (Tier.L1, 30, False, ""),
            (Tier.L2, 60, True, ""),
            (Tier.L3, 120, True, "Vendor: Acme Networks, +48 22 000 00 00"),
            (Tier.MGMT, None, False, ""),
        ],
        start=1,
    ):
        level = EscalationLevel.objects.create(
            path=path,
            position=position,
            tier=tier,
            time_limit_minutes=limit,
            approval_required=approval,
            notify_manager=True,
            note=note,
        )
        level.teams.add(teams[tier])
    path.teams = teams
    return path
