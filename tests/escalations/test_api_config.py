"""Admin configuration endpoints: matrix, criteria, calendars, SLA policies."""

from datetime import UTC, datetime, timedelta

import pytest

from escalations.models import (
    BusinessCalendar,
    PriorityCriterion,
    PriorityMatrixRow,
    SlaClock,
    SlaPolicy,
)
from tickets import services

WEEK = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]


@pytest.fixture
def admin_api(api_as, admin_user):
    return api_as(admin_user)


def test_config_endpoints_are_for_admins_only(api_as, agent):
    client = api_as(agent)
    for url in (
        "/api/v1/priority-matrix/",
        "/api/v1/priority-criteria/",
        "/api/v1/calendars/",
        "/api/v1/sla-policies/",
    ):
        assert client.get(url).status_code == 403
    definitions = client.get("/api/v1/priority-definitions/")
    assert definitions.status_code == 200
    assert [d["priority"] for d in definitions.json()] == ["P1", "P2", "P3", "P4"]


def test_matrix_is_a_grid_admins_edit(admin_api):
    rows = admin_api.get("/api/v1/priority-matrix/").json()
    assert [r["impact"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["urgency_1"] == "P1"
    response = admin_api.patch(
        "/api/v1/priority-matrix/4/", {"urgency_3": "P3", "urgency_4": "P3"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["urgency_4"] == "P3"
    # a less urgent column with a higher priority than a more urgent one
    inverted = admin_api.patch("/api/v1/priority-matrix/4/", {"urgency_2": "P4"}, format="json")
    assert inverted.status_code == 400
    assert inverted.json()["urgency_3"] == [
        "Cannot be higher than P4, the priority of the more urgent column “urgency 2 (high)”."
    ]
    bad = admin_api.patch("/api/v1/priority-matrix/4/", {"urgency_4": "P9"}, format="json")
    assert bad.status_code == 400
    assert "urgency_4" in bad.json()
    assert PriorityMatrixRow.objects.get(impact=4).urgency_4 == "P3"


def test_matrix_edit_changes_new_tickets_priority(admin_api, agent):
    everywhere = {f"urgency_{u}": "P2" for u in range(1, 5)}
    assert (
        admin_api.patch("/api/v1/priority-matrix/4/", everywhere, format="json").status_code == 200
    )
    ticket = services.ticket_create(
        actor=agent,
        title="t",
        description="d",
        impact=4,
        urgency=4,
        requester_name="R",
        requester_email="r@x.org",
    )
    assert ticket.priority == "P2"


def test_criterion_raises_priority_and_needs_a_condition(admin_api, agent):
    empty = admin_api.post(
        "/api/v1/priority-criteria/", {"name": "Nothing", "minimum_priority": "P1"}, format="json"
    )
    assert empty.status_code == 400
    assert "at least one condition" in str(empty.json())
    made = admin_api.post(
        "/api/v1/priority-criteria/",
        {
            "name": "Security",
            "if_security": True,
            "minimum_priority": "P1",
            "keywords": "breach, ransomware",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    ticket = services.ticket_create(
        actor=agent,
        title="Ransomware on laptop",
        description="d",
        requester_name="R",
        requester_email="r@x.org",
        is_security=True,
    )
    assert ticket.priority == "P1"
    unflagged = services.ticket_create(
        actor=agent,
        title="Ransomware?",
        description="d",
        requester_name="R",
        requester_email="r@x.org",
    )
    assert unflagged.priority == "P3"  # every condition must hold
    assert "Security" in ticket.events.get(kind="created").note
    assert PriorityCriterion.objects.count() == 1


def test_calendar_with_hours_and_holidays(admin_api):
    response = admin_api.post(
        "/api/v1/calendars/",
        {
            "name": "Warsaw office",
            "time_zone": "Europe/Warsaw",
            "intervals": WEEK,
            "holidays": [{"date": "2026-12-25", "name": "Christmas", "recurring": True}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    calendar = BusinessCalendar.objects.get()
    assert calendar.intervals.count() == 5
    assert calendar.holidays.get().recurring


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"intervals": [{"weekday": 0, "start": "17:00", "end": "09:00"}]}, "intervals"),
        (
            {
                "intervals": [
                    {"weekday": 0, "start": "09:00", "end": "12:00"},
                    {"weekday": 0, "start": "11:00", "end": "13:00"},
                ]
            },
            "intervals",
        ),
        ({"intervals": [{"weekday": 9, "start": "09:00", "end": "12:00"}]}, "intervals"),
        ({"holidays": [{"date": "2026-13-01"}]}, "holidays"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_calendars_get_field_messages(admin_api, payload, field):
    response = admin_api.post("/api/v1/calendars/", {"name": "Bad", **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not BusinessCalendar.objects.exists()


def test_calendar_without_working_hours_is_refused_unless_24x7(admin_api):
    closed = admin_api.post("/api/v1/calendars/", {"name": "Closed"}, format="json")
    assert closed.status_code == 400
    assert "working interval" in str(closed.json()["intervals"])
    assert not BusinessCalendar.objects.exists()
    always = admin_api.post("/api/v1/calendars/", {"name": "24x7", "is_24x7": True}, format="json")
    assert always.status_code == 201
    url = f"/api/v1/calendars/{always.json()['id']}/"
    assert admin_api.patch(url, {"is_24x7": False}, format="json").status_code == 400
    office = admin_api.post(
        "/api/v1/calendars/", {"name": "Office", "intervals": WEEK}, format="json"
    ).json()
    url = f"/api/v1/calendars/{office['id']}/"
    assert admin_api.patch(url, {"intervals": []}, format="json").status_code == 400
    assert admin_api.patch(url, {"name": "Head office"}, format="json").status_code == 200
    renamed = BusinessCalendar.objects.get(pk=office["id"])
    assert renamed.name == "Head office"
    assert renamed.intervals.count() == 5


def test_deleting_a_calendar_in_use_is_refused_with_a_message(admin_api):
    used = BusinessCalendar.objects.create(name="Office", is_24x7=True)
    SlaPolicy.objects.create(
        name="Office hours", first_response_minutes=60, resolution_minutes=480, calendar=used
    )
    response = admin_api.delete(f"/api/v1/calendars/{used.pk}/")
    assert response.status_code == 409
    assert "Office hours" in response.json()["detail"]
    assert BusinessCalendar.objects.filter(pk=used.pk).exists()
    unused = BusinessCalendar.objects.create(name="Spare", is_24x7=True)
    assert admin_api.delete(f"/api/v1/calendars/{unused.pk}/").status_code == 204
    assert list(BusinessCalendar.objects.all()) == [used]


def test_policy_says_whether_a_breach_escalates(admin_api):
    data = {
        "name": "P1",
        "priority": "P1",
        "first_response_minutes": 15,
        "resolution_minutes": 240,
        "escalate_on_breach": True,
    }
    made = admin_api.post("/api/v1/sla-policies/", data, format="json")
    assert made.status_code == 201, made.json()
    url = f"/api/v1/sla-policies/{made.json()['id']}/"
    assert admin_api.get(url).json()["escalate_on_breach"] is True
    changed = admin_api.patch(url, {"escalate_on_breach": False}, format="json")
    assert changed.json()["escalate_on_breach"] is False
    assert not SlaPolicy.objects.get().escalate_on_breach


def test_overnight_interval_must_say_so(admin_api):
    night = {"weekday": 5, "start": "22:00", "end": "06:00"}
    unsaid = admin_api.post(
        "/api/v1/calendars/", {"name": "Night", "intervals": [night]}, format="json"
    )
    assert unsaid.status_code == 400
    assert "must be after the start" in str(unsaid.json()["intervals"])
    response = admin_api.post(
        "/api/v1/calendars/",
        {"name": "Night", "intervals": [{**night, "overnight": True}]},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["intervals"] == [
        {"weekday": 5, "start": "22:00:00", "end": "06:00:00", "overnight": True}
    ]
    interval = BusinessCalendar.objects.get().intervals.get()
    assert (interval.weekday, interval.overnight) == (5, True)


def shift(weekday, start, end, overnight=False):
    return {"weekday": weekday, "start": start, "end": end, "overnight": overnight}


@pytest.mark.parametrize(
    ("interval", "message"),
    [
        (shift(0, "09:00", "17:00", overnight=True), "an overnight shift ends the next day"),
        (shift(0, "09:00", "09:00"), "must be after the start"),
        (shift(0, "00:00", "00:00"), "must be after the start"),
    ],
    ids=["overnight-ending-after-its-start", "zero-length", "zero-length-at-midnight"],
)
def test_an_interval_whose_end_does_not_fit_overnight_gets_a_field_message(
    admin_api, interval, message
):
    response = admin_api.post(
        "/api/v1/calendars/", {"name": "Bad", "intervals": [interval]}, format="json"
    )

    assert response.status_code == 400
    assert message in str(response.json()["intervals"])
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize(
    "intervals",
    [
        [shift(0, "22:00", "06:00", overnight=True), shift(1, "05:00", "13:00")],
        [shift(6, "22:00", "06:00", overnight=True), shift(0, "05:30", "09:00")],
        [shift(0, "20:00", "08:00", overnight=True), shift(1, "06:00", "02:00", overnight=True)],
    ],
    ids=["into-tuesday", "past-sunday-into-monday", "two-night-shifts"],
)
def test_a_night_shift_running_into_the_next_days_hours_is_refused(admin_api, intervals):
    response = admin_api.post(
        "/api/v1/calendars/", {"name": "Clash", "intervals": intervals}, format="json"
    )

    assert response.status_code == 400
    (message,) = response.json()["intervals"]
    assert message.startswith("Working intervals overlap: ")
    assert not BusinessCalendar.objects.exists()


def test_a_night_shift_may_end_when_the_next_days_hours_begin(admin_api):
    intervals = [shift(6, "22:00", "06:00", overnight=True), shift(0, "06:00", "14:00")]

    response = admin_api.post(
        "/api/v1/calendars/", {"name": "Shifts", "intervals": intervals}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert BusinessCalendar.objects.get().intervals.count() == 2


def test_a_night_shift_added_later_may_not_run_into_the_next_days_hours(admin_api):
    made = admin_api.post(
        "/api/v1/calendars/", {"name": "Office", "intervals": WEEK}, format="json"
    ).json()
    url = f"/api/v1/calendars/{made['id']}/"

    response = admin_api.patch(
        url, {"intervals": [*WEEK, shift(0, "18:00", "10:00", overnight=True)]}, format="json"
    )

    assert response.status_code == 400
    assert "intervals" in response.json()
    assert BusinessCalendar.objects.get().intervals.count() == 5


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_response_minutes": -5}, "first_response_minutes"),
        ({"resolution_minutes": 0}, "resolution_minutes"),
        ({"warning_percent": 120}, "warning_percent"),
        ({"resolution_minutes": 10**9}, "resolution_minutes"),
        ({"first_response_minutes": 525_601}, "first_response_minutes"),
        ({"next_update_minutes": 2**31}, "next_update_minutes"),
        ({"priority": "P7"}, "priority"),
        ({"calendar": 999}, "calendar"),
    ],
)
def test_bad_policies_get_field_messages(admin_api, payload, field):
    data = {
        "name": "P1 policy",
        "priority": "P1",
        "first_response_minutes": 15,
        "resolution_minutes": 240,
        **payload,
    }
    response = admin_api.post("/api/v1/sla-policies/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_duplicate_active_policy_is_refused(admin_api):
    data = {"name": "P1", "priority": "P1", "first_response_minutes": 15, "resolution_minutes": 240}
    assert admin_api.post("/api/v1/sla-policies/", data, format="json").status_code == 201
    again = admin_api.post("/api/v1/sla-policies/", {**data, "name": "P1 bis"}, format="json")
    assert again.status_code == 400
    assert "already covers" in str(again.json())
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["P1"]


def test_editing_a_policy_retargets_open_clocks(
    admin_api, agent, monkeypatch, django_capture_on_commit_callbacks
):
    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: t0)
    policy = SlaPolicy.objects.create(name="All", first_response_minutes=60, resolution_minutes=480)
    ticket = services.ticket_create(
        actor=agent, title="t", description="d", requester_name="R", requester_email="r@x.org"
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_api.patch(
            f"/api/v1/sla-policies/{policy.pk}/", {"resolution_minutes": 120}, format="json"
        )
    assert response.status_code == 200
    assert len(callbacks) == 1  # the recompute is enqueued after the commit
    clock = SlaClock.objects.get(ticket=ticket, metric="resolution")
    assert clock.due_at == t0 + timedelta(hours=2)


def test_adding_a_policy_starts_clocks_on_open_tickets(
    admin_api, agent, django_capture_on_commit_callbacks
):
    ticket = services.ticket_create(
        actor=agent, title="t", description="d", requester_name="R", requester_email="r@x.org"
    )
    assert not SlaClock.objects.filter(ticket=ticket).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(
            "/api/v1/sla-policies/",
            {"name": "All", "first_response_minutes": 60, "resolution_minutes": 480},
            format="json",
        )
    assert response.status_code == 201
    metrics = set(SlaClock.objects.filter(ticket=ticket).values_list("metric", flat=True))
    assert metrics == {"first_response", "resolution"}
