"""Bad input to the web pages, as an agent, a requester and a manager:
odd GET parameters on every list, report, drill-down and export, and malformed
posts to every form (repeated keys, 100,000 characters, NUL bytes, huge and
negative ids, odd dates, bytes that are not UTF-8). Every answer is below 500,
and a refused post writes nothing."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client

from reports.metrics import REPORTS
from tests.api.test_bad_input_sweep import HUGE, LONG, _table_counts
from tests.api.test_bad_input_sweep import world as world  # the module's helpdesk
from tests.escalations.data import HANDOFF

# Desk pages as an agent and a requester; the manager gets the reports.
ROLES = ("agent", "requester")
# Every parameter a list, report or drill-down reads; each bad value is sent in all of them.
PARAMETERS = (
    "status",
    "priority",
    "level",
    "team",
    "assignee",
    "category",
    "organization",
    "q",
    "ordering",
    "sort",
    "page",
    "view",
    "start",
    "end",
    "period",
    "group",
    "region",
    "created_after",
    "created_before",
    "sla_status",
    "unassigned",
    "kind",
    "trigger",
    "to_tier",
    "manager",
    "unread",
    "canned",
    "bucket",
    "metric",
    "cause",
    "days",
    "next",
)
VALUES = {
    "word": "abc",
    "huge": str(HUGE),
    "superscript": "\u00b2",
    "punctuation": "!@#$%^&*()_+|~`'\"\\;:,.<>?/",
    "end of time": "9999-12-31",
    "start of time": "0001-01-01",
    "long": LONG[:3000],
}
DESK_PAGES = [
    "/",
    "/home/",
    "/dashboard/",
    "/escalations/",
    "/escalations/approvals/",
    "/notifications/",
    "/notifications/preferences/",
    "/profile/",
    "/duty/",
    "/reports/",
    "/tickets/new/",
    "/tickets/{tickets}/",
    "/escalations/{escalations}/",
]
# Reports share one filter form: each is tried as a manager (whose reach is his teams).
REPORT_PAGES = [
    *[f"/reports/{name}/" for name in REPORTS],
    *[f"/reports/{name}/tickets/" for name in REPORTS],
    *[f"/reports/{name}/export.csv" for name in REPORTS],
    "/reports/volume/export.xlsx",
]
PAGES = [
    *[(role, page) for page in DESK_PAGES for role in ROLES],
    *[("manager", page) for page in REPORT_PAGES],
]


def _fill(url: str, world) -> str:
    for key, value in world.ids.items():
        url = url.replace("{" + key + "}", str(value))
    return url


@pytest.fixture
def client_as(world, db):
    def make(role):
        client = Client()
        client.force_login(world.users[role])
        return client

    return make


def _get(client, url):
    try:
        return client.get(url)
    except Exception as error:  # the test client re-raises what the view raised
        return type("Raised", (), {"status_code": 500, "content": repr(error).encode()})()


@pytest.mark.parametrize(("role", "page"), PAGES, ids=[f"{r}-{p}" for r, p in PAGES])
def test_bad_parameters_on_a_page_are_not_a_server_error(client_as, world, role, page):
    client = client_as(role)
    url = _fill(page, world)
    cases = {kind: dict.fromkeys(PARAMETERS, value) for kind, value in VALUES.items()}
    cases["repeated"] = [(name, v) for name in PARAMETERS for v in ("1", "abc")]
    cases["reversed range"] = {"period": "custom", "start": "2026-03-01", "end": "2026-01-01"}
    cases["custom period without dates"] = {"period": "custom"}
    for group in ("day", "week", "month") if "/tickets/" in page else ():
        cases[f"last bucket by {group}"] = {"group": group, "bucket": "9999-12-31"}
        cases[f"first bucket by {group}"] = {"group": group, "bucket": "0001-01-01"}
    failures = {}
    for name, query in cases.items():
        response = _get(client, f"{url}?{urlencode(query)}")
        if response.status_code >= 500:
            failures[name] = f"{response.status_code}: {response.content[:300]!r}"
    assert not failures, "\n".join(f"{name}: {text}" for name, text in failures.items())


# (role, url, a valid-looking form); one field at a time is made bad.
FORMS = [
    (
        "agent",
        "/tickets/new/",
        {
            "title": "VPN down",
            "description": "No one connects.",
            "requester_name": "Rita",
            "requester_email": "rita@example.com",
            "requester_language": "pl",
            "impact": "2",
            "urgency": "2",
            "category": "{categories}",
            "organization": "{organizations}",
        },
    ),
    (
        "requester",
        "/tickets/new/",
        {"title": "VPN down", "description": "Help.", "impact": "3", "urgency": "3"},
    ),
    ("agent", "/tickets/{tickets}/comment/", {"body": "Hi", "is_public": "public"}),
    ("requester", "/tickets/{tickets}/comment/", {"body": "Hi"}),
    ("agent", "/tickets/{tickets}/transition/", {"status": "pending", "note": "x"}),
    (
        "agent",
        "/tickets/{tickets}/update/",
        {"impact": "1", "urgency": "1", "team": "{teams}", "assignee": "{agent}"},
    ),
    ("agent", "/tickets/{tickets}/priority/", {"priority": "P2", "reason": "x"}),
    ("agent", "/tickets/{tickets}/escalate/", {"to_tier": "L2", **HANDOFF}),
    ("agent", "/tickets/{tickets}/cc/", {"email": "cc@example.com"}),
    ("agent", "/tickets/{tickets}/status-update/", {"body": "x", "audiences": "requester"}),
    (
        "agent",
        "/tickets/bulk/",
        {"action": "assign", "tickets": "{tickets}", "assignee": "{agent}"},
    ),
    ("agent", "/tickets/bulk/", {"action": "status", "tickets": "{tickets}", "status": "pending"}),
    ("agent", "/views/", {"name": "Mine", "query": "status=open&priority=P1"}),
    ("manager", "/escalations/{escalations}/manager/", {"manager": "{manager}"}),
    ("manager", "/escalations/{escalations}/members/", {"role": "expert", "user": "{agent}"}),
    (
        "manager",
        "/escalations/{escalations}/actions/",
        {"description": "Call", "owner": "{agent}", "due_at": "2030-01-07T10:00"},
    ),
    ("manager", "/escalations/{escalations}/monitor/", {"until": "2030-01-07T10:00"}),
    ("manager", "/escalations/{escalations}/reject/", {"reason": "No"}),
    ("manager", "/escalations/{escalations}/reopen/", {"reason": "Again"}),
    (
        "manager",
        "/escalations/{escalations}/close/",
        {"closure_note": "Done", "customer_agreed": "on"},
    ),
    (
        "manager",
        "/escalations/{escalations}/review/",
        {
            "root_cause": "Switch",
            "root_cause_category": "hardware",
            "effectiveness": "4",
            "handoff_quality": "4",
            "customer_satisfaction": "4",
        },
    ),
    ("agent", "/profile/", {"language": "fr", "time_zone": "Europe/Paris", "first_name": "A"}),
    ("agent", "/profile/preferences/", {"ticket.assigned": "email"}),
    ("agent", "/notifications/preferences/", {"ticket.assigned": "email"}),
    ("agent", "/duty/assign-next/", {"team": "{teams}"}),
]
ANY = {"repeated": ["1", "abc"], "long": LONG, "nul": "a\x00b"}
IDS = {"huge": str(HUGE), "negative": "-1", "superscript": "\u00b2"}
MOMENTS = {"end of time": "9999-12-31T23:59", "start of time": "0001-01-01T00:00", "odd": "25:61"}
NUMBERED = {"team", "assignee", "category", "organization", "manager", "user", "owner", "tickets"}
NUMBERED |= {"impact", "urgency", "effectiveness", "handoff_quality", "customer_satisfaction"}


def _bad(name: str) -> dict:
    """The bad values tried on form field ``name``."""
    if name in NUMBERED:
        return ANY | IDS
    if name in ("due_at", "until"):
        return ANY | MOMENTS
    return ANY


def _ids(world) -> dict:
    return {**world.ids, **{name: user.pk for name, user in world.users.items()}}


def _value(value, ids):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return str(ids.get(value[1:-1], value))
    return value


def _post(client, url, data=None, raw=None):
    try:
        if raw is not None:
            return client.post(url, data=raw, content_type="application/x-www-form-urlencoded")
        return client.post(url, data)
    except Exception as error:
        return type("Raised", (), {"status_code": 500, "content": repr(error).encode()})()


@pytest.mark.parametrize(("role", "page", "form"), FORMS, ids=[f"{r}-{u}" for r, u, _ in FORMS])
def test_one_bad_field_in_a_form_is_not_a_server_error(client_as, world, role, page, form):
    ids = _ids(world)
    client = client_as(role)
    url = _fill(page, world)
    form = {name: _value(value, ids) for name, value in form.items()}
    cases = {
        f"{name}={kind}": {**form, name: value}
        for name in form
        for kind, value in _bad(name).items()
    }
    cases["unknown field"] = {**form, "no_such_field": "x"}
    cases["foreign ticket"] = {**form, "tickets": str(ids["other_ticket"])}
    failures = {}
    for name, data in [*cases.items(), ("not utf-8", None)]:
        before = _table_counts()
        with transaction.atomic():
            if data is None:
                response = _post(client, url, raw=b"title=\xff\xfe&body=\xff&status=\xff")
            else:
                response = _post(client, url, data)
            status = response.status_code
            changed = before != _table_counts() if 400 <= status < 500 else False
            transaction.set_rollback(True)
        if status >= 500 or changed:
            failures[name] = (
                f"{status}{' wrote rows' if changed else ''}: {response.content[:300]!r}"
            )
    assert not failures, "\n".join(f"{name}: {text}" for name, text in failures.items())
