"""Bad input to every API operation in the schema, as an admin, an agent and a
requester: malformed bodies (wrong types, huge numbers, negative and foreign ids,
nulls, 100,000-character strings, unknown enum values, NUL bytes, odd dates, bodies
that are not JSON objects, form bodies with repeated keys, bytes that are not
UTF-8) and bad query parameters on every list. Every answer is below 500; a 4xx
says what was wrong (field messages for a 400) and writes nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api.world import build_world, path_parameters
from tests.conftest import network_path

ROLES = ("admin", "agent", "requester")
LONG = "x" * 100_000
HUGE = 10**30
WRITES = ("post", "put", "patch", "delete")
# Tables a refused request may still touch: sign-in bookkeeping.
UNCOUNTED = ("axes_", "django_session")


def _schema() -> dict:
    with GENERATOR_STATS.silence():
        return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = _schema()


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(node["allOf"][0])
    return node


def _operations(methods) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, operations in SCHEMA["paths"].items()
        for method, operation in operations.items()
        if method in methods
    ]


def _body_properties(operation: dict) -> dict[str, dict]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return {}
    return _resolve(content["application/json"]["schema"]).get("properties", {})


DATES = ("date", "date-time", "time")
# Kinds of bad value, each with the fields it is tried on.
FIELD_KINDS = {
    "object": lambda field: True,
    "list": lambda field: field.get("type") != "array",
    "null": lambda field: True,
    "long": lambda field: True,
    "huge": lambda field: _type(field) in ("integer", "number"),
    "negative": lambda field: _type(field) in ("integer", "number"),
    "foreign id": lambda field: _type(field) == "integer",
    "enum": lambda field: "enum" in _item(field),
    "nul": lambda field: _type(field) in ("string", None) and "enum" not in _item(field),
    "naive": lambda field: _item(field).get("format") == "date-time",
    "end of time": lambda field: _item(field).get("format") == "date-time",
    "start of time": lambda field: _item(field).get("format") == "date-time",
}
VALUES = {
    "object": {"x": 1},
    "list": [1, "two", None],
    "null": None,
    "long": LONG,
    "huge": HUGE,
    "negative": -1,
    "enum": "no-such-choice",
    "nul": "a\x00b",
    "naive": "2026-03-02T09:00:00",
    "end of time": "9999-12-31T23:59:59-12:00",
    "start of time": "0001-01-01T00:00:00+14:00",
}
# Filled by the world: an id of a row the agent and the requester may not see.
FOREIGN: dict[str, int] = {}


def _item(field: dict) -> dict:
    """The field, or for a list the schema of its items."""
    field = _resolve(field)
    return _resolve(field.get("items", {})) if field.get("type") == "array" else field


def _type(field: dict) -> str | None:
    item = _item(field)
    return item.get("type") or ("string" if "enum" in item else None)


def _bad_value(kind: str, field: dict):
    value = FOREIGN["ticket"] if kind == "foreign id" else VALUES[kind]
    if _resolve(field).get("type") == "array" and kind not in ("object", "list", "null"):
        return [value]
    return value


def _raw_bodies(properties: dict) -> dict[str, tuple[bytes, str]]:
    """Whole bodies that are not what the operation reads."""
    names = list(properties) or ["title"]
    repeated = urlencode([(name, value) for name in names for value in ("1", "two", "")])
    nested = "[" * 50_000 + "]" * 50_000
    return {
        "json list": (b"[{}]", "application/json"),
        "json null": (b"null", "application/json"),
        "json NaN": (b'{"x": NaN}', "application/json"),
        "malformed json": (b'{"title": ', "application/json"),
        "not utf-8": (b'{"title": "\xff\xfe\xfd"}', "application/json"),
        "deeply nested json": (nested.encode(), "application/json"),
        "unknown fields": (b'{"no_such_field": 1}', "application/json"),
        "form with repeated keys": (repeated.encode(), "application/x-www-form-urlencoded"),
        "form not utf-8": (b"title=\xff\xfe&body=\xff", "application/x-www-form-urlencoded"),
        "unknown content type": (b"<x/>", "application/xml"),
    }


PARSER_CASES = ("json NaN", "malformed json", "not utf-8", "form not utf-8", "unknown content type")


def _field_bodies(properties: dict) -> dict[str, bytes]:
    """For each kind of bad value, a body with every field it applies to set to
    it; a list of objects gets one item with each of its fields set to it."""
    bodies = {}
    for kind, applies in FIELD_KINDS.items():
        body = {}
        for name, field in properties.items():
            item = _item(field)
            if kind != "list" and item.get("properties"):
                nested = {
                    sub: _bad_value(kind, f)
                    for sub, f in item["properties"].items()
                    if applies(_resolve(f))
                }
                if nested:
                    body[name] = [nested] if _resolve(field).get("type") == "array" else nested
            elif applies(_resolve(field)):
                body[name] = _bad_value(kind, field)
        if body:
            bodies[kind] = json.dumps(body).encode()
    return bodies


def _table_counts() -> tuple:
    tables = sorted(
        name
        for name in connection.introspection.table_names()
        if not name.startswith(UNCOUNTED) and not name.startswith("sqlite_")
    )
    quote = connection.ops.quote_name
    # Table names from the database itself, quoted.
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One helpdesk for the whole module (in a transaction rolled back at its end);
    each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        helpdesk = build_world(network_path._get_wrapped_function()(None))
        FOREIGN["ticket"] = helpdesk.ids["other_ticket"]
        yield helpdesk
        transaction.set_rollback(True)


@pytest.fixture
def client_as(world, db):
    def make(role):
        client = APIClient()
        client.credentials(**{"HTTP_" + k.upper(): v for k, v in world.token(role).items()})
        return client

    return make


def _url(path: str, world, **overrides) -> str:
    values = {**path_parameters(path, world), **overrides}
    return path.format(**values)


def _problem(response, before: dict | None) -> str | None:
    """What is wrong with an answer to bad input, or None."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status >= 400 and status not in (404, 405, 415):
        try:
            body = json.loads(response.content)
        except ValueError:
            return f"{status} without a JSON body: {response.content[:200]!r}"
        if not body or not isinstance(body, dict | list):
            return f"{status} without messages: {body!r}"
    if before is not None and 400 <= status < 500:
        after = _table_counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        if changed:
            return f"{status} but rows changed: {changed}"
    return None


def _send(client, method, url, body=None, content_type=None):
    try:
        if method == "get":
            return client.get(url)
        return getattr(client, method)(url, data=body, content_type=content_type)
    except Exception as error:  # the test client re-raises what the view raised
        return type("Raised", (), {"status_code": 500, "content": repr(error).encode()})()


def _refused(client, method, url) -> bool:
    """Whether the role is refused this operation whatever it sends (the
    permission matrix pins which): the body is then never read."""
    with transaction.atomic():
        response = _send(client, method, url, b"{}", "application/json")
        transaction.set_rollback(True)
    return response.status_code in (401, 403, 404, 405)


WRITE_OPERATIONS = [(m, p, o) for m, p, o in _operations(WRITES) if m != "delete"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "operation"),
    WRITE_OPERATIONS,
    ids=[f"{m.upper()} {p}" for m, p, _ in WRITE_OPERATIONS],
)
def test_malformed_bodies_are_refused_cleanly(client_as, world, role, method, path, operation):
    client = client_as(role)
    url = _url(path, world)
    properties = _body_properties(operation)
    cases = {name: (body, kind) for name, (body, kind) in _raw_bodies(properties).items()} | {
        f"every field {k}": (b, "application/json") for k, b in _field_bodies(properties).items()
    }
    if role != "admin":  # the parser is the same for everyone
        cases = {n: c for n, c in cases.items() if n not in PARSER_CASES}
    if _refused(client, method, url):  # before the body is read: two bodies suffice
        cases = {n: c for n, c in cases.items() if n in ("deeply nested json", "every field long")}
    failures = {}
    for name, (body, content_type) in cases.items():
        before = _table_counts()
        with transaction.atomic():
            response = _send(client, method, url, body, content_type)
            problem = _problem(response, before)
            transaction.set_rollback(True)
        if problem:
            failures[name] = f"{problem}: {response.content[:300]!r}"
    assert not failures, "\n".join(f"{name}: {text}" for name, text in failures.items())


LIST_OPERATIONS = [
    (m, p, o)
    for m, p, o in _operations(("get",))
    if any(x["in"] == "query" for x in o.get("parameters", []))
]
PAGING = ("page", "page_size", "ordering")
BAD_QUERIES = {
    "ordering unknown": {"ordering": "no_such_field"},
    "ordering by a secret": {"ordering": "requester__password"},
    "ordering many": {"ordering": ",".join(["-id"] * 200)},
    "page -1": {"page": "-1"},
    "page abc": {"page": "abc"},
    "page huge": {"page": str(HUGE)},
    "page_size 0": {"page_size": "0"},
    "page_size huge": {"page_size": str(10**9)},
}
# Each sent in every filter of the list at once (a filter set checks them all).
PARAMETER_VALUES = {
    "word": "abc",
    "negative": "-1",
    "huge": str(HUGE),
    "superscript digit": "\u00b2",
    "punctuation": "!@#$%^&*()_+|~`'\"\\;:,.<>?/",
    "odd date": "2026-13-45",
    "long": LONG[:2000],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "path", "operation"),
    LIST_OPERATIONS,
    ids=[f"{m.upper()} {p}" for m, p, _ in LIST_OPERATIONS],
)
def test_bad_query_parameters_are_refused_cleanly(client_as, world, role, method, path, operation):
    client = client_as(role)
    url = _url(path, world)
    names = [x["name"] for x in operation["parameters"] if x["in"] == "query"]
    filters = [name for name in names if name not in PAGING]
    cases = {name: query for name, query in BAD_QUERIES.items() if next(iter(query)) in names}
    if filters:
        for kind, value in PARAMETER_VALUES.items():
            cases[f"every filter {kind}"] = dict.fromkeys(filters, value)
        cases["every filter repeated"] = [(name, v) for name in filters for v in ("1", "abc")]
    if {"start", "end"} <= set(names):
        cases["reversed range"] = {"start": "2026-03-01", "end": "2026-01-01"}
    if {"created_after", "created_before"} <= set(names):
        cases["reversed range"] = {"created_after": "2026-03-01", "created_before": "2026-01-01"}
    if _refused(client, "get", url):
        cases = dict(list(cases.items())[:1])
    failures = {}
    for name, query in cases.items():
        response = _send(client, "get", url + "?" + urlencode(query))
        problem = _problem(response, None)
        if problem:
            failures[name] = f"{problem}: {response.content[:300]!r}"
    assert not failures, "\n".join(f"{name}: {text}" for name, text in failures.items())


PATH_OPERATIONS = [(m, p, o) for m, p, o in _operations(("get", *WRITES)) if "{" in p]
BAD_IDS = ("abc", "-1", str(HUGE), "9223372036854775807", "\u00b2")


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    PATH_OPERATIONS,
    ids=[f"{m.upper()} {p}" for m, p, _ in PATH_OPERATIONS],
)
def test_bad_ids_in_the_path_are_not_found(client_as, world, method, path, operation):
    client = client_as("admin")
    failures = {}
    names = [x["name"] for x in operation.get("parameters", []) if x["in"] == "path"]
    for bad in BAD_IDS:
        for name in names:
            url = _url(path, world, **{name: bad})
            with transaction.atomic():
                response = _send(client, method, url, b"{}", "application/json")
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures[f"{name}={bad}"] = f"{response.status_code}: {response.content[:300]!r}"
    assert not failures, "\n".join(f"{name}: {text}" for name, text in failures.items())
