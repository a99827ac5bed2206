import pytest

from escalations.models import BusinessCalendar, SlaPolicy


@pytest.fixture
def policy(db):
    """A 24x7 fallback policy: 60 min first response, 30 min updates, 8 h resolution."""
    return SlaPolicy.objects.create(
        name="Fallback",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        warning_percent=75,
        calendar=BusinessCalendar.objects.create(name="24x7", is_24x7=True),
    )


@pytest.fixture
def outbox_now(settings):
    """Send deliveries right away in tests that commit (no back-off wait)."""
    settings.NOTIFY_RETRY_BASE_SECONDS = 0
    return settings
