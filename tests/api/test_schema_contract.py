"""What the schema promises clients beyond what drf-spectacular infers: nullable
nested objects, the empty priority override, times of day, error answers, and
which request bodies refuse unknown fields."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    with GENERATOR_STATS.silence():
        return SchemaGenerator().get_schema(request=None, public=True)


def component(schema, name):
    return schema["components"]["schemas"][name]


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("Ticket", "organization"),
        ("Ticket", "category"),
        ("Ticket", "team"),
        ("Ticket", "assignee"),
        ("TicketEvent", "actor"),
        ("Comment", "author"),
        ("Team", "manager"),
        ("Team", "calendar"),
        ("Escalation", "manager"),
        ("Escalation", "requested_by"),
    ],
)
def test_nested_objects_that_may_be_missing_are_nullable(schema, name, field):
    assert component(schema, name)["properties"][field].get("nullable") is True


def test_the_empty_priority_override_is_in_its_enum(schema):
    override = component(schema, "Ticket")["properties"]["priority_override"]
    refs = {choice["$ref"].rsplit("/", 1)[1] for choice in override["oneOf"]}

    assert refs == {"PriorityEnum", "BlankEnum"}
    assert component(schema, "BlankEnum")["enum"] == [""]


def test_times_of_day_declare_the_format_the_api_writes(schema):
    start = component(schema, "WorkingInterval")["properties"]["start"]

    assert start["format"] == "partial-time"
    assert start["pattern"].startswith("^")


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_operation_declares_its_error_answers(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert {"400", "429"} <= codes, (method, path)
        if "{" in path:
            assert {"401", "403", "404"} <= codes, (method, path)
        if method in {"post", "put", "patch"}:
            assert "415" in codes, (method, path)
        if method in {"put", "patch", "delete"} and "{" in path:
            assert "409" in codes, (method, path)


def test_request_bodies_are_json_and_closed_to_unknown_fields(schema):
    open_bodies = set()
    for _path, _method, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        if not content:
            continue
        assert list(content) == ["application/json"]
        ref = content["application/json"]["schema"].get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if name and component(schema, name).get("additionalProperties") is not False:
            open_bodies.add(name)

    assert open_bodies == {"AuthTokenRequest"}


def test_answers_stay_open_to_new_fields(schema):
    assert "additionalProperties" not in component(schema, "Ticket")
