"""One bad field in an otherwise valid body: the rest of the request gets past
field checks, so the object checks and the services meet the bad value too.
Every answer is below 500, and a 4xx writes nothing."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.api.test_bad_input_sweep import (
    HUGE,
    LONG,
    SCHEMA,
    _body_properties,
    _item,
    _problem,
    _resolve,
    _send,
    _table_counts,
    world,  # noqa: F401 (the module's helpdesk)
)
from tests.escalations.data import HANDOFF

MOMENT = "2030-01-07T10:00:00Z"
LATER = "2030-01-08T10:00:00Z"

# (role, method, path, valid body); "{ticket}", "{escalation}", ... are the world's ids.
BASELINES = [
    (
        "agent",
        "post",
        "/api/v1/tickets/",
        {
            "title": "VPN down",
            "description": "No one connects.",
            "requester_name": "Rita",
            "requester_email": "rita@example.com",
            "requester_language": "pl",
            "organization": "{organizations}",
            "category": "{categories}",
            "impact": 2,
            "urgency": 2,
            "is_security": True,
            "team": "{teams}",
            "assignee": "{agent}",
        },
    ),
    ("requester", "post", "/api/v1/tickets/", {"title": "VPN down", "description": "Help."}),
    ("agent", "patch", "/api/v1/tickets/{tickets}/", {"title": "x", "impact": 1, "urgency": 1}),
    ("agent", "post", "/api/v1/tickets/{tickets}/comments/", {"body": "Hi", "is_public": True}),
    ("requester", "post", "/api/v1/tickets/{tickets}/comments/", {"body": "Hi"}),
    ("agent", "post", "/api/v1/tickets/{tickets}/transition/", {"status": "pending", "note": "x"}),
    ("agent", "post", "/api/v1/tickets/{tickets}/escalate/", {"to_tier": "L2", **HANDOFF}),
    ("agent", "post", "/api/v1/tickets/{tickets}/priority/", {"priority": "P2", "reason": "x"}),
    ("agent", "post", "/api/v1/tickets/{tickets}/cc/", {"email": "cc@example.com"}),
    (
        "agent",
        "post",
        "/api/v1/tickets/{tickets}/status-updates/",
        {"audiences": ["requester"], "body": "Working on it"},
    ),
    ("agent", "post", "/api/v1/canned-replies/{canned-replies}/apply/", {"ticket": "{tickets}"}),
    (
        "manager",
        "post",
        "/api/v1/escalations/{escalations}/action-items/",
        {"description": "Call", "owner": "{agent}", "due_at": MOMENT},
    ),
    (
        "manager",
        "patch",
        "/api/v1/escalations/{escalations}/action-items/{item_id}/",
        {"description": "Call", "due_at": MOMENT, "done": True},
    ),
    ("manager", "post", "/api/v1/escalations/{escalations}/monitor/", {"until": MOMENT}),
    ("manager", "post", "/api/v1/escalations/{escalations}/manager/", {"manager": "{manager}"}),
    (
        "manager",
        "post",
        "/api/v1/escalations/{escalations}/members/",
        {"role": "expert", "user": "{agent}"},
    ),
    (
        "manager",
        "post",
        "/api/v1/escalations/{escalations}/review/",
        {
            "root_cause": "Switch",
            "root_cause_category": "hardware",
            "effectiveness": 4,
            "handoff_quality": 4,
            "customer_satisfaction": 4,
            "what_helped": "x",
        },
    ),
    (
        "agent",
        "post",
        "/api/v1/duty/absences/",
        {"kind": "leave", "starts_at": MOMENT, "ends_at": LATER, "note": "x"},
    ),
    ("agent", "post", "/api/v1/duty/assign-next/", {"agent": "{agent}"}),
    ("agent", "post", "/api/v1/duty/handover-notes/", {"ticket": "{tickets}", "text": "x"}),
    (
        "agent",
        "patch",
        "/api/v1/users/me/",
        {"language": "fr", "time_zone": "Europe/Paris"},
    ),
    (
        "admin",
        "post",
        "/api/v1/calendars/",
        {
            "name": "Night",
            "time_zone": "Europe/Warsaw",
            "intervals": [{"weekday": 0, "start": "22:00", "end": "06:00", "overnight": True}],
            "holidays": [{"date": "2030-02-28", "name": "x", "recurring": True}],
        },
    ),
    (
        "admin",
        "post",
        "/api/v1/sla-policies/",
        {
            "name": "P2 VIP",
            "priority": "P2",
            "organization_tier": "vip",
            "first_response_minutes": 30,
            "next_update_minutes": 60,
            "resolution_minutes": 240,
            "warning_percent": 80,
            "calendar": "{calendars}",
        },
    ),
    (
        "admin",
        "post",
        "/api/v1/escalation-paths/",
        {
            "name": "Other",
            "category": "{categories}",
            "priority": "P2",
            "levels": [
                {"position": 1, "tier": "L1", "teams": ["{teams}"], "time_limit_minutes": 30}
            ],
        },
    ),
    (
        "admin",
        "post",
        "/api/v1/priority-criteria/",
        {"name": "VIP", "keywords": "down, outage", "minimum_priority": "P2", "position": 2},
    ),
    (
        "admin",
        "post",
        "/api/v1/communication-plans/",
        {"priority": "P2", "audiences": ["requester"], "cadence_minutes": 60},
    ),
    (
        "admin",
        "post",
        "/api/v1/message-templates/",
        {
            "kind": "ticket.assigned",
            "language": "pl",
            "subject": "{{ ticket.title }}",
            "body_text": "y",
        },
    ),
    ("admin", "post", "/api/v1/webhooks/", {"name": "x", "url": "https://hooks.example.com/"}),
    ("admin", "post", "/api/v1/organizations/", {"name": "Initech", "tier": "vip"}),
    ("admin", "post", "/api/v1/teams/", {"name": "Night shift", "tier": "L2"}),
    ("admin", "patch", "/api/v1/priority-matrix/1/", {"urgency_1": "P1"}),
    ("admin", "post", "/api/v1/privacy/exports/", {"email": "customer@acme.example"}),
    ("admin", "post", "/api/v1/privacy/legal-holds/", {"on": True, "tickets": ["{tickets}"]}),
]

ANY = {"null": None, "object": {"x": 1}, "list": ["a", {"b": 1}]}
TEXT = {"empty": "", "long": LONG, "nul": "a\x00b", "template": "{{ x }}{% bad %}{0}{"}
NUMBER = {"huge": HUGE, "max": 2**63 - 1, "minutes overflow": 2**31, "negative": -1, "zero": 0}
MOMENTS = {
    "end of time": "9999-12-31T23:59:59Z",
    "start of time": "0001-01-01T00:00:00Z",
    "far future": "9998-12-31T23:59:59Z",
    "before 1970": "1969-12-31T23:59:59Z",
    "naive": "2030-01-07T10:00:00",
    "offset 14": "9998-12-31T23:59:59-14:00",
}
# The bad values tried on a field of each type (by the schema), besides ANY.
BY_TYPE = {
    "string": TEXT | {"zone": "Mars/Olympus_Mons", "enum": "no-such-choice"},
    "integer": NUMBER | {"empty": "", "word": "abc"},
    "number": NUMBER,
    "boolean": {"word": "maybe", "number": 2},
    "date-time": MOMENTS | {"empty": ""},
    "date": {"leap day": "2027-02-29", "end": "9999-12-31", "start": "0001-01-01"},
    "time": {"midnight 24": "24:00", "25 hours": "25:00", "seconds": "23:59:60"},
    "array": {"empty": [], "nested": [[1]], "huge": [HUGE], "nul": ["a\x00b"]},
}


def _kinds(field: dict) -> dict:
    field = _resolve(field)
    kind = field.get("format") if field.get("format") in ("date-time", "date", "time") else None
    kind = kind or field.get("type") or "string"
    return ANY | BY_TYPE.get(kind, TEXT)


def _fill(value, ids: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        key = value[1:-1]
        return ids.get(key, value)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _mutations(body: dict, properties: dict):
    """(name, body) with one field (or one field of one list item) made bad."""
    for name in sorted(set(body) | set(properties)):
        for kind, value in _kinds(properties.get(name, {})).items():
            yield f"{name}={kind}", {**body, name: value}
        item = body.get(name)
        schema = _item(properties.get(name, {})).get("properties", {})
        if isinstance(item, list) and item and isinstance(item[0], dict):
            for sub in item[0]:
                for kind, value in _kinds(schema.get(sub, {})).items():
                    yield f"{name}[0].{sub}={kind}", {**body, name: [{**item[0], sub: value}]}


def _operation(method: str, path: str) -> dict:
    for template, operations in SCHEMA["paths"].items():
        parts, actual = template.strip("/").split("/"), path.strip("/").split("/")
        if (
            method in operations
            and len(parts) == len(actual)
            and all(p == a or p.startswith("{") for p, a in zip(parts, actual, strict=True))
        ):
            return operations[method]
    raise AssertionError(f"{method} {path} is not in the schema")


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    BASELINES,
    ids=[f"{r}-{m.upper()} {p}" for r, m, p, _ in BASELINES],
)
def test_one_bad_field_in_a_valid_body_is_refused_cleanly(world, db, role, method, path, body):  # noqa: F811
    ids = {
        **world.ids,
        **{name: user.pk for name, user in world.users.items()},
    }
    url = path
    for key, value in ids.items():
        url = url.replace("{" + key + "}", str(value))
    body = _fill(body, ids)
    client = APIClient()
    client.credentials(**{"HTTP_" + k.upper(): v for k, v in world.token(role).items()})
    with transaction.atomic():
        valid = _send(client, method, url, json.dumps(body), "application/json")
        transaction.set_rollback(True)
    assert valid.status_code < 300, valid.content[:500]
    failures = {}
    for name, mutated in _mutations(body, _body_properties(_operation(method, path))):
        before = _table_counts()
        with transaction.atomic():
            response = _send(client, method, url, json.dumps(mutated), "application/json")
            problem = _problem(response, before)
            transaction.set_rollback(True)
        if problem:
            failures[name] = f"{problem}: {response.content[:300]!r}"
    assert not failures, "\n".join(f"{name}: {text}" for name, text in failures.items())
