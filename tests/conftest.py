import os
from datetime import UTC, datetime

import pytest
from hypothesis import settings
from rest_framework.test import APIClient

from tests.factories import AdminFactory, OrganizationFactory, TeamFactory, UserFactory
from tickets.models import Tier

# Property tests: a quick run by default, the full one in CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci). CI is derandomized, so a failure there repeats on every
# run and can be reproduced locally with the same profile. Tests that need the
# database pin a small max_examples of their own: every example costs queries.
settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, derandomize=True, database=None, print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def l1_team(db):
    return TeamFactory(name="Service Desk", tier=Tier.L1)


@pytest.fixture
def l2_team(db):
    return TeamFactory(name="Network Engineering", tier=Tier.L2)


@pytest.fixture
def agent(l1_team):
    user = UserFactory(username="agent1")
    l1_team.members.add(user)
    return user


@pytest.fixture
def other_agent(l2_team):
    user = UserFactory(username="agent2")
    l2_team.members.add(user)
    return user


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="boss")


@pytest.fixture
def requester(db):
    return UserFactory(
        username="customer",
        email="customer@acme.example",
        organization=OrganizationFactory(name="Acme"),
    )


# A Monday morning, 2026-03-02 09:00 UTC: the clock of the tests that freeze it.
FROZEN_AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    """``timezone.now`` stopped at ``FROZEN_AT``; move it with ``frozen["now"] = ...``."""
    state = {"now": FROZEN_AT}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
    return state


@pytest.fixture
def p1_policy(always_open):
    """A P1 policy: 15 min first response, 2 h resolution, 24x7."""
    from escalations.models import SlaPolicy

    return SlaPolicy.objects.create(
        name="P1",
        priority="P1",
        first_response_minutes=15,
        resolution_minutes=120,
        calendar=always_open,
    )


@pytest.fixture
def always_open(db):
    from escalations.models import BusinessCalendar

    return BusinessCalendar.objects.create(name="24x7", is_24x7=True)


@pytest.fixture
def policy(always_open):
    """The fallback policy: 60 min first response, 30 min updates, 8 h resolution, 24x7."""
    from escalations.models import SlaPolicy

    return SlaPolicy.objects.create(
        name="Fallback",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        warning_percent=75,
        calendar=always_open,
    )


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


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    """An API client authenticated as the given user (by token, as real clients are)."""
    from rest_framework.authtoken.models import Token

    def login(user):
        token, _ = Token.objects.get_or_create(user=user)
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return login


@pytest.fixture(autouse=True)
def _restore_migration_data(request, django_db_blocker):
    """Tests on a real transaction (live server, workers) end by emptying every
    table, rows created by migrations included: put those back for the next test."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        from escalations.defaults import ensure_defaults
        from escalations.models import PriorityDefinition, PriorityMatrixRow

        with django_db_blocker.unblock():
            ensure_defaults(PriorityMatrixRow, PriorityDefinition)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have lost its migration rows to an earlier run."""
    from escalations.defaults import ensure_defaults
    from escalations.models import PriorityDefinition, PriorityMatrixRow

    with django_db_blocker.unblock():
        ensure_defaults(PriorityMatrixRow, PriorityDefinition)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttles count in the cache: every test starts from zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_calendar_specs():
    """Calendars are cached by id and last edit; tests reuse ids and freeze the
    clock, so each test starts with an empty cache."""
    from escalations.services.sla import governing

    governing._spec_cache.clear()


# Languages: build the .mo files from the committed catalogs when they changed, so
# plain `pytest` sees the translations `make test` compiles (the controller only:
# xdist workers would race on the files).
def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        from config.i18n_check.checks import compile_catalogs

        compile_catalogs()


@pytest.fixture(autouse=True)
def _default_language_and_zone():
    """A request made as a user with a language or time zone activates it for the
    thread (as each request does in production) and nothing deactivates it when
    the test client returns: every test starts and ends in the defaults."""
    from django.utils import timezone, translation

    translation.deactivate()
    timezone.deactivate()
    yield
    translation.deactivate()
    timezone.deactivate()
