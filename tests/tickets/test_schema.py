"""The OpenAPI schema (/api/schema/) and the interactive docs (/api/docs/)."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from tickets.models import Status


@pytest.fixture
def generator_stats():
    """drf-spectacular's record of warnings and errors, emptied around the test."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        yield GENERATOR_STATS
    GENERATOR_STATS.reset()


def generate():
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture(scope="module")
def schema():
    with GENERATOR_STATS.silence():
        return generate()


def operations(schema, path):
    return {method for method in schema["paths"][path] if method != "parameters"}


def parameters(operation):
    return {p["name"]: p for p in operation.get("parameters", [])}


def response_schema(operation, code="200"):
    return operation["responses"][code]["content"]["application/json"]["schema"]


# --- generation --------------------------------------------------------------------------


def test_schema_generates_without_warnings_or_errors(generator_stats):
    generate()

    assert dict(generator_stats._warn_cache) == {}
    assert dict(generator_stats._error_cache) == {}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_schema_in_every_language_is_valid_and_clean(generator_stats, language):
    with translation.override(language):
        schema = generate()

    validate_schema(schema)
    assert dict(generator_stats._warn_cache) == {}
    assert dict(generator_stats._error_cache) == {}


def test_schema_is_valid_openapi_3(schema):
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema

    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Escalade API"


def test_schema_describes_every_ticket_endpoint(schema):
    assert operations(schema, "/api/v1/auth/token/") == {"post"}
    assert operations(schema, "/api/v1/tickets/") == {"get", "post"}
    assert operations(schema, "/api/v1/tickets/{id}/") == {"get", "patch"}
    assert operations(schema, "/api/v1/tickets/{id}/comments/") == {"get", "post"}
    assert operations(schema, "/api/v1/tickets/{id}/events/") == {"get"}
    assert operations(schema, "/api/v1/tickets/{id}/transition/") == {"post"}


def test_operation_ids_are_unique(schema):
    ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]

    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/{id}/",
        "/api/v1/tickets/{id}/comments/",
        "/api/v1/tickets/{id}/events/",
        "/api/v1/tickets/{id}/transition/",
        "/api/v1/organizations/{id}/",
        "/api/v1/teams/{id}/",
    ],
)
def test_path_ids_are_integers(schema, path):
    for operation in schema["paths"][path].values():
        assert parameters(operation)["id"]["schema"]["type"] == "integer"


def test_ticket_list_documents_filters_ordering_and_pagination(schema):
    params = parameters(schema["paths"]["/api/v1/tickets/"]["get"])

    assert {
        "status",
        "priority",
        "level",
        "team",
        "assignee",
        "unassigned",
        "organization",
        "category",
        "created_after",
        "created_before",
        "q",
        "ordering",
        "page",
        "page_size",
    } <= set(params)
    status = params["status"]["schema"]
    assert status["type"] == "array"
    assert set(status["items"]["enum"]) == set(Status.values)
    assert params["created_after"]["schema"]["format"] == "date-time"


def test_ticket_list_is_documented_as_paginated(schema):
    list_schema = response_schema(schema["paths"]["/api/v1/tickets/"]["get"])

    assert list_schema == {"$ref": "#/components/schemas/PaginatedTicketList"}
    page = schema["components"]["schemas"]["PaginatedTicketList"]
    assert {"count", "next", "previous", "results"} <= set(page["properties"])


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/api/v1/tickets/{id}/comments/", "PaginatedCommentList"),
        ("/api/v1/tickets/{id}/events/", "PaginatedTicketEventList"),
    ],
)
def test_nested_lists_are_documented_as_paginated(schema, path, page):
    operation = schema["paths"][path]["get"]

    assert response_schema(operation) == {"$ref": f"#/components/schemas/{page}"}
    assert {"page", "page_size"} <= set(parameters(operation))


def test_write_bodies_are_documented(schema):
    paths = schema["paths"]
    create = paths["/api/v1/tickets/"]["post"]
    create_body = create["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    transition = paths["/api/v1/tickets/{id}/transition/"]["post"]
    transition_body = transition["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]

    assert "201" in create["responses"]
    assert {"title", "description"} <= set(components[create_body.split("/")[-1]]["required"])
    assert components[transition_body.split("/")[-1]]["required"] == ["status"]


def test_ticket_fields_read_by_clients_are_documented(schema):
    components = schema["components"]["schemas"]
    ticket = components["Ticket"]["properties"]
    status_enum = {"$ref": "#/components/schemas/StatusEnum"}

    assert {"reference", "priority", "status", "allowed_transitions", "level"} <= set(ticket)
    assert ticket["status"]["allOf"] == [status_enum]
    assert ticket["allowed_transitions"]["items"] == status_enum
    assert components["StatusEnum"]["enum"] == Status.values


def test_token_and_session_auth_are_documented(schema):
    schemes = schema["components"]["securitySchemes"]

    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }
    assert "cookieAuth" in schemes


# --- served endpoints ----------------------------------------------------------------------


@pytest.mark.django_db
def test_schema_endpoint_serves_yaml(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.")


@pytest.mark.django_db
def test_schema_endpoint_serves_valid_json(client, generator_stats):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert "/api/v1/tickets/" in schema["paths"]
    assert dict(generator_stats._warn_cache) == {}


@pytest.mark.django_db
def test_schema_is_served_to_signed_in_users_too(api_as, agent):
    response = api_as(agent).get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert "/api/v1/tickets/" in schema["paths"]


@pytest.mark.django_db
def test_docs_page_renders_swagger_ui_for_the_schema(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    # The set-up runs from a script of its own, so the page needs no inline script.
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert '"/api/schema/"' in script.content.decode()


@pytest.mark.django_db
def test_docs_page_uses_only_local_static_assets(client):
    html = client.get("/api/docs/").content.decode()

    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert assets, "the page should load Swagger UI's script and styles"
    for asset in assets:
        if asset == "/api/docs/?script=":
            continue  # the page's own set-up script
        assert asset.startswith(static("")), asset
        assert finders.find(asset.removeprefix(static(""))), f"{asset} is not a shipped file"
    # No CDN, no absolute or protocol-relative URL anywhere in the page.
    assert not re.search(r"https?://", html)
    assert not re.search(r"""["'(]//[\w.-]""", html)


@pytest.mark.django_db
def test_docs_page_turns_off_the_online_validator_badge(client):
    # Swagger UI otherwise loads a badge from validator.swagger.io, sending it the schema URL.
    script = client.get("/api/docs/?script=").content.decode()

    match = re.search(r"const swaggerSettings = (\{.*?\});", script, flags=re.DOTALL)
    assert match
    assert json.loads(match.group(1))["validatorUrl"] is None
