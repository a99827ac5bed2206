"""Post-processing of the OpenAPI schema: what drf-spectacular cannot see from the
views alone.

- Every operation declares the error answers it can give: 400 (bad body or query),
  401 and 403 (who may not), 404 (an id out of reach, a page past the last),
  409 (in use), 415 (a body that is not JSON or a form), 429 (sign-in lock-out
  and throttles).
- Times of day are what the API writes and reads, ``09:00`` or ``09:00:00``
  (RFC 3339 ``partial-time``, no offset: the calendar's time zone applies), not
  the offset time JSON Schema's ``time`` format means.
- Request bodies are documented as JSON, the API's language. The server reads the
  same fields from a form too (``curl -d``), but one documented media type per
  body is what client generators handle well.
- Fields a serializer leaves out for requesters (``agent_only_fields``: how the
  desk routes the work) are not required, and say so.
- Request bodies whose serializer refuses unknown keys (``StrictFieldsMixin``)
  say so with ``additionalProperties: false``; answers may gain fields in later
  versions, so clients should ignore fields they do not know.
"""

from __future__ import annotations

from drf_spectacular.plumbing import ResolvedComponent

from config.api import StrictFieldsMixin

METHODS = {"get", "post", "put", "patch", "delete"}
WRITES = {"post", "put", "patch"}

ERROR = {
    "type": "object",
    "description": "A refusal with one message.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "description": (
        "Messages per field (``non_field_errors`` for the body as a whole); a nested "
        "list or object has its messages at the same place. Or ``detail`` alone. A "
        "body that is a list (preferences) gets a list: one object per item."
    ),
    "anyOf": [
        {"type": "object", "additionalProperties": {}},
        {"type": "array", "items": {}},
    ],
}


def _answer(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


ANSWERS = {
    "400": _answer("Bad input: a message per field.", "FieldErrors"),
    "401": _answer("Not signed in, or the token is unknown.", "Error"),
    "403": _answer("Signed in, but not allowed to do this.", "Error"),
    "404": _answer("No such object, or out of your reach.", "Error"),
    "409": _answer("In use: it cannot be changed or removed now.", "Error"),
    "415": _answer("The body is neither JSON nor a form.", "Error"),
    "429": _answer("Too many requests or failed sign-ins: see Retry-After.", "Error"),
}


TIME_OF_DAY = {
    "format": "partial-time",
    "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$",
}


def _times_of_day(node) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            node.update(TIME_OF_DAY)
        for value in node.values():
            _times_of_day(value)
    elif isinstance(node, list):
        for value in node:
            _times_of_day(value)


def _errors_of(path: str, method: str, operation: dict) -> list[str]:
    codes = ["400", "429"]
    if operation.get("security") != [{}] or "{" in path:
        codes += ["401", "403"]
    # An id in the path or the body out of reach, a page past the last: any
    # operation may answer 404.
    codes.append("404")
    if method in WRITES:
        codes.append("415")
    if method in {"put", "patch", "delete"} and "{" in path:
        codes.append("409")
    return codes


def _strict_requests(generator) -> set[str]:
    registry = getattr(generator, "registry", None)
    if registry is None:
        return set()
    return {
        component.name
        for component in registry._components.values()
        if component.type == ResolvedComponent.SCHEMA
        and component.name.endswith("Request")
        and isinstance(component.object, StrictFieldsMixin)
    }


AGENT_ONLY_NOTE = "Agents only: left out of the answers requesters get."


def _agent_only(generator) -> dict[str, tuple[str, ...]]:
    """Answer components (not ``...Request``) whose serializer leaves fields out for
    requesters, with those fields."""
    registry = getattr(generator, "registry", None)
    if registry is None:
        return {}
    return {
        component.name: tuple(component.object.agent_only_fields)
        for component in registry._components.values()
        if component.type == ResolvedComponent.SCHEMA
        and not component.name.endswith("Request")
        and getattr(component.object, "agent_only_fields", None)
    }


def postprocess(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            body = operation.get("requestBody", {}).get("content")
            if body and "application/json" in body:
                operation["requestBody"]["content"] = {"application/json": body["application/json"]}
            responses = operation.setdefault("responses", {})
            for code in _errors_of(path, method, operation):
                responses.setdefault(code, ANSWERS[code])
    _times_of_day(schemas)
    for name in _strict_requests(generator):
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    for name, fields in _agent_only(generator).items():
        schema = schemas.get(name)
        if schema is None:
            continue
        schema["required"] = [field for field in schema.get("required", []) if field not in fields]
        for field in fields:
            prop = schema["properties"].get(field)
            if prop is not None:
                text = prop.get("description")
                prop["description"] = f"{text} {AGENT_ONLY_NOTE}" if text else AGENT_ONLY_NOTE
    return result
