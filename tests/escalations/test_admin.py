from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from escalations.models import BusinessCalendar, PriorityMatrixRow, SlaClock, SlaPolicy
from tests.factories import create_ticket
from tickets import services
from tickets.models import User


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "prioritymatrixrow",
        "prioritydefinition",
        "prioritycriterion",
        "businesscalendar",
        "slapolicy",
        "slaclock",
        "slaclockalert",
        "escalationpath",
        "escalation",
        "escalationreview",
    ],
)
def test_admin_pages_render(admin_client_, model, network_path, policy):
    create_ticket(User.objects.get(username="agent1"))  # clocks and a route to list

    response = admin_client_.get(reverse(f"admin:escalations_{model}_changelist"))

    assert response.status_code == 200
    changelist = response.context["cl"]
    assert changelist.model._meta.model_name == model
    assert changelist.result_count == changelist.model.objects.count()
    for row in changelist.result_list[:5]:
        assert str(row) in response.content.decode()


def test_matrix_is_edited_as_a_grid(admin_client_):
    rows = list(PriorityMatrixRow.objects.order_by("impact"))
    data = {"form-TOTAL_FORMS": 4, "form-INITIAL_FORMS": 4, "_save": "Save"}
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = row.pk
        for u in range(1, 5):
            data[f"form-{i}-urgency_{u}"] = row.for_urgency(u)
    data["form-3-urgency_3"] = data["form-3-urgency_4"] = "P3"
    response = admin_client_.post(reverse("admin:escalations_prioritymatrixrow_changelist"), data)
    assert response.status_code == 302
    assert PriorityMatrixRow.objects.get(impact=4).urgency_4 == "P3"
    # lowering the urgency never raises the priority: refused on the grid, by cell
    data["form-0-urgency_4"] = "P1"
    refused = admin_client_.post(reverse("admin:escalations_prioritymatrixrow_changelist"), data)
    assert refused.status_code == 200
    assert "Cannot be higher than P2" in refused.content.decode()
    assert PriorityMatrixRow.objects.get(impact=1).urgency_4 == "P3"


def calendar_form(**intervals):
    data = {
        "name": "Office",
        "time_zone": "Europe/Warsaw",
        "intervals-TOTAL_FORMS": len(intervals),
        "intervals-INITIAL_FORMS": 0,
        "holidays-TOTAL_FORMS": 0,
        "holidays-INITIAL_FORMS": 0,
    }
    for i, (start, end) in enumerate(intervals.values()):
        data.update(
            {f"intervals-{i}-weekday": 0, f"intervals-{i}-start": start, f"intervals-{i}-end": end}
        )
    return data


def test_calendar_admin_refuses_overlapping_and_backwards_intervals(admin_client_):
    url = reverse("admin:escalations_businesscalendar_add")
    overlap = admin_client_.post(url, calendar_form(a=("09:00", "12:00"), b=("11:00", "13:00")))
    assert overlap.status_code == 200
    assert "overlap" in overlap.content.decode()
    backwards = admin_client_.post(url, calendar_form(a=("17:00", "09:00")))
    assert backwards.status_code == 200
    assert "must be after the start" in backwards.content.decode()
    assert not BusinessCalendar.objects.exists()
    saved = admin_client_.post(url, calendar_form(a=("09:00", "17:00")))
    assert saved.status_code == 302
    assert saved["Location"] == reverse("admin:escalations_businesscalendar_changelist")
    interval = BusinessCalendar.objects.get().intervals.get()
    assert (interval.weekday, f"{interval.start:%H:%M}", f"{interval.end:%H:%M}") == (
        0,
        "09:00",
        "17:00",
    )


def test_calendar_admin_refuses_a_calendar_without_working_hours(admin_client_):
    url = reverse("admin:escalations_businesscalendar_add")
    empty = admin_client_.post(url, calendar_form())
    assert empty.status_code == 200
    assert "Add at least one working interval" in empty.content.decode()
    assert not BusinessCalendar.objects.exists()
    always = admin_client_.post(url, {**calendar_form(), "is_24x7": "on"})
    assert always.status_code == 302
    assert BusinessCalendar.objects.get().is_24x7


def shifts_form(*shifts):
    """The calendar add form with (weekday, start, end, overnight) intervals."""
    data = {**calendar_form(), "intervals-TOTAL_FORMS": len(shifts)}
    for i, (weekday, start, end, overnight) in enumerate(shifts):
        data.update(
            {
                f"intervals-{i}-weekday": weekday,
                f"intervals-{i}-start": start,
                f"intervals-{i}-end": end,
            }
        )
        if overnight:
            data[f"intervals-{i}-overnight"] = "on"
    return data


def interval_errors(response):
    """The interval inline's errors: per form (field -> messages), and for the whole."""
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "intervals"
    )
    return formset.errors, formset.non_form_errors()


MONDAY, TUESDAY, SUNDAY = 0, 1, 6


@pytest.mark.parametrize(
    ("shift", "message"),
    [
        ((MONDAY, "09:00", "17:00", True), "an overnight shift ends the next day"),
        ((MONDAY, "22:00", "06:00", False), "the end must be after the start"),
        ((MONDAY, "09:00", "09:00", False), "the end must be after the start"),
    ],
    ids=["overnight-ending-after-its-start", "backwards-without-overnight", "zero-length"],
)
def test_calendar_admin_refuses_an_interval_whose_end_does_not_fit_overnight(
    admin_client_, shift, message
):
    response = admin_client_.post(
        reverse("admin:escalations_businesscalendar_add"), shifts_form(shift)
    )

    assert response.status_code == 200
    _per_form, whole = interval_errors(response)
    assert message in " ".join(whole)
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize(
    "shifts",
    [
        [(MONDAY, "22:00", "06:00", True), (TUESDAY, "05:00", "13:00", False)],
        [(SUNDAY, "22:00", "06:00", True), (MONDAY, "05:30", "09:00", False)],
        [(MONDAY, "20:00", "08:00", True), (TUESDAY, "06:00", "02:00", True)],
    ],
    ids=["into-tuesday", "past-sunday-into-monday", "two-night-shifts"],
)
def test_calendar_admin_refuses_a_night_shift_running_into_the_next_days_hours(
    admin_client_, shifts
):
    response = admin_client_.post(
        reverse("admin:escalations_businesscalendar_add"), shifts_form(*shifts)
    )

    assert response.status_code == 200
    per_form, whole = interval_errors(response)
    assert not any(per_form)
    assert "Working intervals overlap" in " ".join(whole)
    assert not BusinessCalendar.objects.exists()


def test_calendar_admin_accepts_a_night_shift_ending_when_the_next_day_begins(admin_client_):
    response = admin_client_.post(
        reverse("admin:escalations_businesscalendar_add"),
        shifts_form((SUNDAY, "22:00", "06:00", True), (MONDAY, "06:00", "14:00", False)),
    )

    assert response.status_code == 302
    calendar = BusinessCalendar.objects.get()
    assert response["Location"] == reverse("admin:escalations_businesscalendar_changelist")
    assert list(calendar.intervals.values_list("weekday", "overnight")) == [
        (MONDAY, False),
        (SUNDAY, True),
    ]


def test_policy_edit_in_admin_retargets_after_commit(
    admin_client_, agent, monkeypatch, django_capture_on_commit_callbacks
):
    t0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: t0)
    policy = SlaPolicy.objects.create(name="All", first_response_minutes=60, resolution_minutes=480)
    ticket = services.ticket_create(
        actor=agent, title="t", description="d", requester_name="R", requester_email="r@x.org"
    )
    data = {
        "name": "All",
        "is_active": "on",
        "priority": "",
        "organization_tier": "",
        "first_response_minutes": 60,
        "resolution_minutes": 60,
        "warning_percent": 75,
    }
    url = reverse("admin:escalations_slapolicy_change", args=[policy.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client_.post(url, data).status_code == 302
    clock = SlaClock.objects.get(ticket=ticket, metric="resolution")
    assert clock.due_at == t0 + timedelta(hours=1)


def test_path_admin_edits_levels_inline(admin_client_, network_path):
    url = reverse("admin:escalations_escalationpath_change", args=[network_path.pk])
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert "Vendor: Acme Networks" in page.content.decode()


def change_form_data(response) -> dict:
    """The admin change form's data as it was shown (main form and inlines)."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms += list(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = value
    return data


def test_path_admin_refuses_removing_a_level_a_request_awaits(admin_client_, network_path, policy):
    from escalations.demo import HANDOFF
    from escalations.models import Escalation, EscalationLevel
    from escalations.services import escalate
    from tests.factories import create_ticket
    from tickets.models import User

    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, impact=3, urgency=3)  # P3: into L2 needs approval
    request = escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="L2", **HANDOFF)
    assert request.status == Escalation.Status.REQUESTED
    url = reverse("admin:escalations_escalationpath_change", args=[network_path.pk])
    data = change_form_data(admin_client_.get(url))
    l2 = EscalationLevel.objects.get(path=network_path, tier="L2")
    prefix = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == l2.pk)
    data[f"{prefix}-DELETE"] = "on"
    response = admin_client_.post(url, data)
    assert response.status_code == 200
    assert "would be removed but are still in use" in response.content.decode()
    assert f"1 escalation awaiting approval (#{request.pk})" in response.content.decode()
    request.refresh_from_db()
    assert request.to_level_id == l2.pk
    assert EscalationLevel.objects.filter(pk=l2.pk).exists()
