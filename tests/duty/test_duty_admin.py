"""Schedules are edited in the admin; bad input comes back as form errors."""

import pytest
from django.urls import reverse

from escalations.models import BusinessCalendar, Rotation, TeamSchedule
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


def schedule_form(team, time_zone="Europe/Warsaw", shifts=(), overrides=(), calendar=""):
    data = {
        "team": team.pk,
        "time_zone": time_zone,
        "calendar": calendar,
        "shifts-TOTAL_FORMS": len(shifts),
        "shifts-INITIAL_FORMS": 0,
        "overrides-TOTAL_FORMS": len(overrides),
        "overrides-INITIAL_FORMS": 0,
    }
    for i, (weekday, start, end) in enumerate(shifts):
        data |= {f"shifts-{i}-weekday": weekday, f"shifts-{i}-start": start, f"shifts-{i}-end": end}
    for i, row in enumerate(overrides):
        data |= {f"overrides-{i}-{name}": value for name, value in row.items()}
    return data


@pytest.mark.parametrize(
    "model",
    ["teamschedule", "rotation", "absence", "dutyprofile", "teamassignment", "handover"],
)
def test_duty_admin_pages_render(admin_client_, model):
    response = admin_client_.get(reverse(f"admin:escalations_{model}_changelist"))
    assert response.status_code == 200


def test_schedule_with_shifts_is_saved(admin_client_, l1_team):
    data = schedule_form(l1_team, shifts=[(0, "09:00", "17:00"), (0, "22:00", "06:00")])
    response = admin_client_.post(reverse("admin:escalations_teamschedule_add"), data)
    assert response.status_code == 302
    assert TeamSchedule.objects.get(team=l1_team).shifts.count() == 2


@pytest.mark.parametrize(
    ("shifts", "message"),
    [
        ([(0, "09:00", "17:00"), (0, "16:00", "18:00")], "Shifts overlap"),
        ([(6, "22:00", "06:00"), (0, "05:00", "08:00")], "Shifts overlap"),
        ([(2, "09:00", "09:00")], "is empty"),
    ],
)
def test_overlapping_or_empty_shifts_are_refused(admin_client_, l1_team, shifts, message):
    data = schedule_form(l1_team, shifts=shifts)
    response = admin_client_.post(reverse("admin:escalations_teamschedule_add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TeamSchedule.objects.exists()


def test_unknown_time_zone_is_a_field_error(admin_client_, l1_team):
    data = schedule_form(l1_team, time_zone="Mars/Olympus")
    response = admin_client_.post(reverse("admin:escalations_teamschedule_add"), data)
    assert response.status_code == 200
    assert "Unknown time zone" in str(response.context["adminform"].form.errors["time_zone"])


def test_calendar_in_another_zone_is_refused(admin_client_, l1_team):
    calendar = BusinessCalendar.objects.create(name="NY", time_zone="America/New_York")
    data = schedule_form(l1_team, calendar=calendar.pk)
    response = admin_client_.post(reverse("admin:escalations_teamschedule_add"), data)
    assert response.status_code == 200
    assert "pick one in the team" in response.content.decode()


def test_override_ending_before_it_starts_is_refused(admin_client_, l1_team):
    person = UserFactory()
    row = {
        "kind": "person",
        "user": person.pk,
        "starts_at_0": "2026-06-02",
        "starts_at_1": "10:00",
        "ends_at_0": "2026-06-02",
        "ends_at_1": "09:00",
    }
    data = schedule_form(l1_team, overrides=[row])
    response = admin_client_.post(reverse("admin:escalations_teamschedule_add"), data)
    assert response.status_code == 200
    assert "The end must be after the start." in response.content.decode()


def test_rotation_with_nobody_is_refused(admin_client_, l1_team):
    schedule = TeamSchedule.objects.create(team=l1_team, time_zone="UTC")
    data = {
        "schedule": schedule.pk,
        "name": "Primary",
        "layer": 1,
        "shift_hours": 24,
        "handoff_time": "09:00",
        "starts_on": "2026-01-05",
        "members-TOTAL_FORMS": 0,
        "members-INITIAL_FORMS": 0,
        "windows-TOTAL_FORMS": 0,
        "windows-INITIAL_FORMS": 0,
    }
    response = admin_client_.post(reverse("admin:escalations_rotation_add"), data)
    assert response.status_code == 200
    assert "at least one member" in response.content.decode()
    assert not Rotation.objects.exists()
    agent = UserFactory()
    TeamFactory(name="x").members.add(agent)
    data |= {"members-TOTAL_FORMS": 1, "members-0-user": agent.pk, "members-0-position": 1}
    response = admin_client_.post(reverse("admin:escalations_rotation_add"), data)
    assert response.status_code == 302
    assert Rotation.objects.get().members.count() == 1


def test_new_feed_address_revokes_the_old_one(admin_client_):
    from escalations.models import DutyProfile

    profile = DutyProfile.objects.create(user=UserFactory())
    old = profile.feed_token
    response = admin_client_.post(
        reverse("admin:escalations_dutyprofile_changelist"),
        {"action": "new_feed_address", "_selected_action": [profile.pk]},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.feed_token != old
