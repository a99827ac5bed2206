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
