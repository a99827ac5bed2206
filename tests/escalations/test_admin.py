from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from escalations.models import BusinessCalendar, PriorityMatrixRow, SlaClock, SlaPolicy
from tickets import services


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
def test_admin_pages_render(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:escalations_{model}_changelist")).status_code == 200


def test_matrix_is_edited_as_a_grid(admin_client_):
    rows = list(PriorityMatrixRow.objects.order_by("impact"))
    data = {"form-TOTAL_FORMS": 4, "form-INITIAL_FORMS": 4, "_save": "Save"}
    for i, row in enumerate(rows):
        data[f"form-{i}-id"] = row.pk
        for u in range(1, 5):
            data[f"form-{i}-urgency_{u}"] = row.for_urgency(u)
    data["form-3-urgency_4"] = "P3"
    response = admin_client_.post(reverse("admin:escalations_prioritymatrixrow_changelist"), data)
    assert response.status_code == 302
    assert PriorityMatrixRow.objects.get(impact=4).urgency_4 == "P3"


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
    assert admin_client_.post(url, calendar_form(a=("09:00", "17:00"))).status_code == 302


def test_calendar_admin_refuses_a_calendar_without_working_hours(admin_client_):
    url = reverse("admin:escalations_businesscalendar_add")
    empty = admin_client_.post(url, calendar_form())
    assert empty.status_code == 200
    assert "Add at least one working interval" in empty.content.decode()
    assert not BusinessCalendar.objects.exists()
    always = admin_client_.post(url, {**calendar_form(), "is_24x7": "on"})
    assert always.status_code == 302


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
