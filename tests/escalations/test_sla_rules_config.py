"""Configuration rules as the admin enforces them: target limits, calendars in use."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from escalations.models import BusinessCalendar, EscalationLevel, EscalationPath, SlaPolicy
from escalations.services.config.calendars import calendar_hours_check


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_refuses_a_policy_target_longer_than_a_year(admin_browser):
    response = admin_browser.post(
        reverse("admin:escalations_slapolicy_add"),
        {
            "name": "Forever",
            "is_active": "on",
            "first_response_minutes": 60,
            "resolution_minutes": 10**9,
            "warning_percent": 75,
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "less than or equal to 525600" in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_level_time_limit_is_at_most_a_year(db):
    path = EscalationPath.objects.create(name="Path")
    level = EscalationLevel(path=path, position=1, tier="L1", time_limit_minutes=525_601)
    with pytest.raises(ValidationError) as raised:
        level.full_clean()
    assert "time_limit_minutes" in raised.value.message_dict
    level.time_limit_minutes = 525_600
    level.full_clean()


def test_calendar_needs_working_hours_unless_24x7():
    with pytest.raises(ValidationError) as raised:
        calendar_hours_check(is_24x7=False, intervals=[])
    assert "intervals" in raised.value.message_dict
    calendar_hours_check(is_24x7=True, intervals=[])
    monday = {"weekday": 0, "start": time(9), "end": time(17)}
    calendar_hours_check(is_24x7=False, intervals=[monday])


def test_admin_shows_what_protects_a_calendar_from_deletion(admin_browser):
    calendar = BusinessCalendar.objects.create(name="Office", is_24x7=True)
    SlaPolicy.objects.create(
        name="Office hours", first_response_minutes=60, resolution_minutes=480, calendar=calendar
    )
    url = reverse("admin:escalations_businesscalendar_delete", args=[calendar.pk])
    page = admin_browser.get(url)
    assert page.status_code == 200
    assert "protected" in page.content.decode()
    assert "Office hours" in page.content.decode()
    refused = admin_browser.post(url, {"post": "yes"})
    assert refused.status_code == 200
    assert BusinessCalendar.objects.filter(pk=calendar.pk).exists()
