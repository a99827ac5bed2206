import pytest
from rest_framework.test import APIClient

from tests.factories import AdminFactory, OrganizationFactory, TeamFactory, UserFactory
from tickets.models import Tier


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
