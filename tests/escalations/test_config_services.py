"""Configuration services: each write checks its rules whatever the door, and
re-targets the open clocks once; admin and API both go through it."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse

from escalations import tasks
from escalations.models import (
    BusinessCalendar,
    EscalationPath,
    PriorityCriterion,
    PriorityMatrixRow,
    SlaClock,
    SlaPolicy,
    TeamCalendar,
)
from escalations.services import escalate
from escalations.services.config import InUse, calendars, paths, policies, priority
from tests.escalations.data import HANDOFF, user
from tests.escalations.test_admin import calendar_form, change_form_data
from tests.factories import create_ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MONDAY = {"weekday": 0, "start": time(9), "end": time(17), "overnight": False}
POLICY = {"name": "All", "first_response_minutes": 60, "resolution_minutes": 480}


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


class Recomputes:
    """The background re-targets enqueued by a write, run when it commits."""

    def __init__(self, capture):
        self.calls: list[dict] = []
        self._capture = capture

    def delay(self, **ids):
        self.calls.append(ids)
        return tasks.recompute_clocks(**ids)

    def committed(self):
        return self._capture(execute=True)


@pytest.fixture
def recomputes(monkeypatch, django_capture_on_commit_callbacks):
    recorder = Recomputes(django_capture_on_commit_callbacks)
    monkeypatch.setattr(tasks.recompute_clocks, "delay", recorder.delay)
    return recorder


@pytest.fixture
def clock_at(monkeypatch):
    """``timezone.now`` frozen at T0, then at whatever instant is set."""
    state = {"now": T0}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])

    def set_to(moment):
        state["now"] = moment

    return set_to


def field_errors(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


# --- each service refuses bad input with field messages --------------------------------


def _two_paths(l1_team):
    level = {"position": 1, "tier": "L1", "teams": [l1_team]}
    paths.escalation_path_save(data={"name": "Default", "is_default": True}, levels=[level])
    return level


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda **_: policies.sla_policy_save(data={**POLICY, "resolution_minutes": 0}),
            "resolution_minutes",
        ),
        (
            lambda **_: policies.sla_policy_save(data={**POLICY, "warning_percent": 100}),
            "warning_percent",
        ),
        (
            lambda **_: calendars.calendar_save(
                data={"name": "C", "time_zone": "Mars/Olympus"}, intervals=[MONDAY]
            ),
            "time_zone",
        ),
        (
            lambda **_: calendars.calendar_save(
                data={"name": "C"}, intervals=[MONDAY, {**MONDAY, "start": time(16)}]
            ),
            "intervals",
        ),
        (
            lambda **_: calendars.calendar_save(
                data={"name": "C"}, intervals=[{**MONDAY, "end": time(8)}]
            ),
            "intervals",
        ),
        (
            lambda **_: calendars.calendar_save(
                data={"name": "C"}, intervals=[{**MONDAY, "end": time(18), "overnight": True}]
            ),
            "intervals",
        ),
        (lambda **_: calendars.calendar_save(data={"name": "C"}, intervals=[]), "intervals"),
        (
            lambda **_: calendars.calendar_save(
                data={"name": "C", "is_24x7": True},
                holidays=[{"date": T0.date()}, {"date": T0.date(), "name": "again"}],
            ),
            "holidays",
        ),
        (
            lambda l1_team: paths.escalation_path_save(
                data={"name": "P"}, levels=[{"position": 2, "tier": "L1", "teams": [l1_team]}]
            ),
            "levels",
        ),
        (lambda l1_team: paths.escalation_path_save(data={"name": "P"}, levels=[]), "levels"),
        (
            lambda l1_team: paths.escalation_path_save(
                data={"name": "Second", "is_default": True}, levels=[_two_paths(l1_team)]
            ),
            "is_default",
        ),
        (
            lambda **_: priority.priority_criterion_save(
                data={"name": "Nothing", "minimum_priority": "P1"}
            ),
            NON_FIELD_ERRORS,
        ),
        (
            lambda **_: priority.priority_criterion_save(
                data={"name": "VIP", "organization_tier": "vip", "minimum_priority": "P9"}
            ),
            "minimum_priority",
        ),
        (
            lambda **_: priority.priority_matrix_row_save(
                row=PriorityMatrixRow.objects.get(impact=1), data={"urgency_1": "P9"}
            ),
            "urgency_1",
        ),
    ],
)
def test_each_service_refuses_bad_input_with_field_messages(call, field, l1_team, recomputes):
    with recomputes.committed():
        assert field in field_errors(lambda: call(l1_team=l1_team))
    assert recomputes.calls == []


def test_a_second_active_policy_for_the_same_tickets_is_refused(db):
    policies.sla_policy_save(data={**POLICY, "priority": "P1"})
    errors = field_errors(
        lambda: policies.sla_policy_save(data={**POLICY, "name": "Other", "priority": "P1"})
    )
    assert "already covers" in str(errors[NON_FIELD_ERRORS])
    policies.sla_policy_save(data={**POLICY, "name": "Off", "priority": "P1", "is_active": False})


def test_a_first_response_due_after_the_resolution_is_refused(db):
    inverted = {**POLICY, "first_response_minutes": 600, "resolution_minutes": 60}
    errors = field_errors(lambda: policies.sla_policy_save(data=inverted))
    assert "no later than the resolution (60 minutes)" in str(errors["first_response_minutes"])
    same = policies.sla_policy_save(data={**inverted, "first_response_minutes": 60})
    assert same.first_response_minutes == same.resolution_minutes == 60


def test_removing_a_level_a_request_awaits_is_refused_and_changes_nothing(network_path, policy):
    agent1 = user("agent1")
    ticket = create_ticket(agent1, impact=3, urgency=3)
    request = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    levels = [
        {"position": 1, "tier": "L1", "teams": list(lv.teams.all())}
        for lv in network_path.levels.filter(tier="L1")
    ]
    with pytest.raises(InUse, match=f"#{request.pk}"):
        paths.escalation_path_save(path=network_path, data={"name": "Renamed"}, levels=levels)
    network_path.refresh_from_db()
    assert (network_path.name, network_path.levels.count()) == ("Network outage", 4)


def test_a_writable_field_unknown_to_the_service_is_a_defect(db):
    with pytest.raises(TypeError):
        policies.sla_policy_save(data={**POLICY, "updated_at": T0})


# --- re-targeting the open clocks, once, through either door ------------------------------


def test_policy_saved_in_admin_retargets_open_clocks_once(
    admin_client_, agent, clock_at, recomputes
):
    policy = SlaPolicy.objects.create(**POLICY)
    ticket = create_ticket(agent)
    data = {**POLICY, "is_active": "on", "resolution_minutes": 60, "warning_percent": 75}
    url = reverse("admin:escalations_slapolicy_change", args=[policy.pk])
    with recomputes.committed():
        assert admin_client_.post(url, data).status_code == 302
    assert recomputes.calls == [{"policy_id": policy.pk}]
    clock = SlaClock.objects.get(ticket=ticket, metric="resolution")
    assert clock.due_at == T0 + timedelta(hours=1)


def test_policy_saved_through_the_api_retargets_open_clocks_once(
    api_as, admin_user, agent, clock_at, recomputes
):
    policy = SlaPolicy.objects.create(**POLICY)
    ticket = create_ticket(agent)
    with recomputes.committed():
        response = api_as(admin_user).patch(
            f"/api/v1/sla-policies/{policy.pk}/", {"resolution_minutes": 60}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert recomputes.calls == [{"policy_id": policy.pk}]
    clock = SlaClock.objects.get(ticket=ticket, metric="resolution")
    assert clock.due_at == T0 + timedelta(hours=1)


def test_refused_policy_edit_retargets_nothing(api_as, admin_user, recomputes):
    policy = SlaPolicy.objects.create(**POLICY)
    with recomputes.committed():
        response = api_as(admin_user).patch(
            f"/api/v1/sla-policies/{policy.pk}/", {"warning_percent": 0}, format="json"
        )
    assert response.status_code == 400
    assert "warning_percent" in response.json()
    assert recomputes.calls == []


def test_deleting_a_policy_rematches_open_tickets(api_as, admin_user, agent, clock_at, recomputes):
    fallback = SlaPolicy.objects.create(**POLICY)
    p3 = SlaPolicy.objects.create(**{**POLICY, "name": "P3", "priority": "P3"})
    ticket = create_ticket(agent)  # P3
    assert SlaClock.objects.get(ticket=ticket, metric="resolution").policy == p3
    with recomputes.committed():
        response = api_as(admin_user).delete(f"/api/v1/sla-policies/{p3.pk}/")
    assert response.status_code == 204
    assert recomputes.calls == [{}]
    assert SlaClock.objects.get(ticket=ticket, metric="resolution").policy == fallback


def office_calendar(**fields):
    return calendars.calendar_save(data={"name": "Office", **fields}, intervals=[MONDAY])


def calendar_timing(agent, calendar):
    SlaPolicy.objects.create(**POLICY, calendar=calendar)
    return create_ticket(agent)


def test_calendar_saved_in_admin_retargets_its_clocks_once(
    admin_client_, agent, clock_at, recomputes
):
    with recomputes.committed():
        calendar = office_calendar()
    assert recomputes.calls == []  # a new calendar times nothing yet
    ticket = calendar_timing(agent, calendar)
    url = reverse("admin:escalations_businesscalendar_change", args=[calendar.pk])
    data = change_form_data(admin_client_.get(url))
    data["intervals-0-end"] = "12:00"
    clock_at(T0 + timedelta(minutes=1))  # a later edit: the compiled calendar is stale
    with recomputes.committed():
        assert admin_client_.post(url, data).status_code == 302
    assert recomputes.calls == [{"calendar_id": calendar.pk}]
    assert [(i.start, i.end) for i in calendar.intervals.all()] == [(time(9), time(12))]
    first = SlaClock.objects.get(ticket=ticket, metric="first_response")
    assert first.due_at == T0 + timedelta(hours=1)  # still within the shorter Monday
    resolution = SlaClock.objects.get(ticket=ticket, metric="resolution")
    assert resolution.due_at == datetime(2026, 3, 16, 11, tzinfo=UTC)  # 3 h a week


def test_calendar_saved_through_the_api_retargets_its_clocks_once(
    api_as, admin_user, agent, clock_at, recomputes
):
    calendar = office_calendar()
    ticket = calendar_timing(agent, calendar)
    clock_at(T0 + timedelta(minutes=1))
    with recomputes.committed():
        response = api_as(admin_user).patch(
            f"/api/v1/calendars/{calendar.pk}/",
            {"intervals": [{"weekday": 0, "start": "09:00", "end": "12:00"}]},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert recomputes.calls == [{"calendar_id": calendar.pk}]
    resolution = SlaClock.objects.get(ticket=ticket, metric="resolution")
    assert resolution.due_at == datetime(2026, 3, 16, 11, tzinfo=UTC)


def test_team_calendar_set_in_admin_rematches_the_open_tickets_once(
    admin_client_, agent, l1_team, clock_at, recomputes
):
    SlaPolicy.objects.create(**POLICY)
    ticket = create_ticket(agent, team=l1_team)
    calendar = office_calendar()
    url = reverse("admin:tickets_team_change", args=[l1_team.pk])
    data = change_form_data(admin_client_.get(url))
    data.update({"calendar_link-TOTAL_FORMS": 1, "calendar_link-0-calendar": calendar.pk})
    with recomputes.committed():
        assert admin_client_.post(url, data).status_code == 302
    assert TeamCalendar.objects.get(team=l1_team).calendar == calendar
    assert recomputes.calls == [{}]
    assert SlaClock.objects.get(ticket=ticket, metric="resolution").calendar == calendar
    with recomputes.committed():  # saved again as shown, calendar unchanged
        response = admin_client_.post(url, change_form_data(admin_client_.get(url)))
    assert response.status_code == 302
    assert recomputes.calls == [{}]


# --- one overlap check, admin and API alike ---------------------------------------------------


def test_admin_and_api_refuse_overlapping_hours_with_the_same_message(
    admin_client_, api_as, admin_user
):
    hours = [("09:00", "12:00"), ("11:00", "13:00")]
    page = admin_client_.post(
        reverse("admin:escalations_businesscalendar_add"),
        calendar_form(**{f"i{n}": pair for n, pair in enumerate(hours)}),
    )
    answer = api_as(admin_user).post(
        "/api/v1/calendars/",
        {
            "name": "Office",
            "intervals": [{"weekday": 0, "start": s, "end": e} for s, e in hours],
        },
        format="json",
    )
    message = "Working intervals overlap: Monday 09:00-12:00 and Monday 11:00-13:00."
    assert answer.status_code == 400
    assert answer.json() == {"intervals": [message]}
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not BusinessCalendar.objects.exists()


def test_admin_and_api_ask_the_same_check(admin_client_, api_as, admin_user, monkeypatch):
    def refuse(**_):
        raise ValidationError({"intervals": "Refused by the one check."})

    monkeypatch.setattr(calendars, "calendar_hours_check", refuse)
    page = admin_client_.post(
        reverse("admin:escalations_businesscalendar_add"), calendar_form(a=("09:00", "17:00"))
    )
    answer = api_as(admin_user).post(
        "/api/v1/calendars/", {"name": "Office", "is_24x7": True}, format="json"
    )
    assert "Refused by the one check." in page.content.decode()
    assert answer.json() == {"intervals": ["Refused by the one check."]}


# --- deleting ----------------------------------------------------------------------------------


def test_path_admin_refuses_deleting_a_path_a_request_awaits(admin_client_, network_path, policy):
    agent1 = user("agent1")
    other = paths.escalation_path_save(
        data={"name": "Spare", "is_active": False},
        levels=[{"position": 1, "tier": "L1", "teams": list(agent1.teams.all())}],
    )
    ticket = create_ticket(agent1, impact=3, urgency=3)
    request = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    url = reverse("admin:escalations_escalationpath_delete", args=[network_path.pk])
    refused = admin_client_.post(url, {"post": "yes"})
    assert refused.status_code == 200
    assert f"#{request.pk}" in refused.content.decode()
    assert EscalationPath.objects.filter(pk=network_path.pk).exists()
    url = reverse("admin:escalations_escalationpath_delete", args=[other.pk])
    assert admin_client_.post(url, {"post": "yes"}).status_code == 302
    assert not EscalationPath.objects.filter(pk=other.pk).exists()


def test_criterion_saved_in_admin_goes_through_the_rules(admin_client_):
    url = reverse("admin:escalations_prioritycriterion_add")
    data = {"name": "Nothing", "is_active": "on", "position": 0, "minimum_priority": "P1"}
    refused = admin_client_.post(url, data)
    assert refused.status_code == 200
    assert "Give at least one condition" in refused.content.decode()
    commas = admin_client_.post(url, {**data, "keywords": " , ,, "})
    assert commas.status_code == 200
    assert "Name at least one word or phrase between the commas." in commas.content.decode()
    assert admin_client_.post(url, {**data, "keywords": "outage"}).status_code == 302
    assert PriorityCriterion.objects.get().keywords == "outage"
