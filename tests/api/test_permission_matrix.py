"""Every API operation (from the schema) for every role, with real ids and an empty
JSON body: the status each role gets is pinned here. A write someone may make
answers 400 (the empty body is not enough) or its success code; one they may not
make answers 401, 403 or 404 (out of reach) before the body is read. A new
operation fails the test until it has its row."""

from __future__ import annotations

import pytest
from django.db import transaction
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from tests.api.world import ROLES, build_world, path_parameters

pytestmark = pytest.mark.django_db

# Statuses in the order of ROLES: anonymous, requester, another organization's
# requester, an agent of another team, the agent, the manager (of every team), admin.
MATRIX: dict[str, tuple[int, ...]] = {
    "DELETE /api/v1/calendars/{id}/": (401, 403, 403, 403, 403, 403, 409),
    "DELETE /api/v1/communication-plans/{priority}/": (401, 403, 403, 403, 403, 403, 204),
    "DELETE /api/v1/duty/absences/{id}/": (401, 403, 403, 404, 404, 404, 404),
    "DELETE /api/v1/duty/overrides/{id}/": (401, 403, 403, 404, 404, 404, 404),
    "DELETE /api/v1/escalation-paths/{id}/": (401, 403, 403, 403, 403, 403, 409),
    "DELETE /api/v1/message-templates/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "DELETE /api/v1/priority-criteria/{id}/": (401, 403, 403, 403, 403, 403, 204),
    "DELETE /api/v1/sla-policies/{id}/": (401, 403, 403, 403, 403, 403, 204),
    "DELETE /api/v1/webhooks/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "GET /api/v1/calendars/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/calendars/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/categories/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/categories/{id}/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/communication-plans/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/communication-plans/{priority}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/deliveries/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/deliveries/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/duty/absences/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/directory/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/feed/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/handovers/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/handovers/counts/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/handovers/{id}/": (401, 403, 403, 404, 404, 404, 404),
    "GET /api/v1/duty/overrides/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/schedules/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/duty/schedules/{id}/": (401, 403, 403, 404, 404, 404, 404),
    "GET /api/v1/duty/schedules/{id}/timeline/": (401, 403, 403, 404, 404, 404, 404),
    "GET /api/v1/escalation-paths/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/escalation-paths/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/escalations/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/escalations/{id}/": (401, 404, 404, 404, 200, 200, 200),
    "GET /api/v1/escalations/{id}/action-items/": (401, 404, 404, 404, 200, 200, 200),
    "GET /api/v1/escalations/{id}/members/": (401, 404, 404, 404, 200, 200, 200),
    "GET /api/v1/escalations/{id}/review/": (401, 404, 404, 404, 200, 200, 200),
    "GET /api/v1/message-templates/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/message-templates/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "GET /api/v1/notifications/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/notifications/preferences/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/notifications/unread-count/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/notifications/{id}/": (401, 404, 404, 404, 404, 200, 404),
    "GET /api/v1/organizations/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/organizations/{id}/": (401, 200, 404, 200, 200, 200, 200),
    "GET /api/v1/priority-criteria/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/priority-criteria/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/priority-definitions/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/priority-definitions/{priority}/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/priority-matrix/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/priority-matrix/{impact}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/sla-policies/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/sla-policies/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/teams/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/teams/{id}/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/tickets/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/tickets/{id}/": (401, 200, 404, 404, 200, 200, 200),
    "GET /api/v1/tickets/{id}/comments/": (401, 200, 404, 404, 200, 200, 200),
    "GET /api/v1/tickets/{id}/events/": (401, 200, 404, 404, 200, 200, 200),
    "GET /api/v1/tickets/{id}/sla-clocks/": (401, 200, 404, 404, 200, 200, 200),
    "GET /api/v1/tickets/{id}/status-updates/": (401, 404, 404, 404, 200, 200, 200),
    "GET /api/v1/users/": (401, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/users/{id}/": (401, 200, 404, 404, 200, 200, 200),
    "GET /api/v1/webhooks/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/webhooks/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "GET /api/v1/webhooks/{id}/deliveries/": (401, 403, 403, 403, 403, 403, 404),
    "PATCH /api/v1/calendars/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/categories/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/communication-plans/{priority}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/escalation-paths/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/escalations/{id}/action-items/{item_id}/": (401, 404, 404, 404, 403, 400, 400),
    "PATCH /api/v1/message-templates/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "PATCH /api/v1/organizations/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/priority-criteria/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/priority-matrix/{impact}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/sla-policies/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/teams/{id}/": (401, 403, 403, 403, 403, 403, 200),
    "PATCH /api/v1/tickets/{id}/": (401, 403, 404, 404, 200, 200, 200),
    "PATCH /api/v1/webhooks/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "POST /api/v1/auth/token/": (400, 400, 400, 400, 400, 400, 400),
    "POST /api/v1/calendars/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/categories/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/communication-plans/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/deliveries/{id}/retry/": (401, 403, 403, 403, 403, 403, 200),
    "POST /api/v1/duty/absences/": (401, 403, 403, 400, 400, 400, 400),
    "POST /api/v1/duty/assign-next/": (401, 403, 403, 204, 200, 204, 400),
    "POST /api/v1/duty/handover-notes/": (401, 403, 403, 400, 400, 400, 400),
    "POST /api/v1/duty/overrides/": (401, 403, 403, 400, 400, 400, 400),
    "POST /api/v1/escalation-paths/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/escalations/{id}/action-items/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/approve/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/close/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/manager/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/members/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/monitor/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/reject/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/reopen/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/escalations/{id}/review/": (401, 404, 404, 404, 403, 400, 400),
    "POST /api/v1/message-templates/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/notifications/read-all/": (401, 200, 200, 200, 200, 200, 200),
    "POST /api/v1/notifications/{id}/read/": (401, 404, 404, 404, 404, 200, 404),
    "POST /api/v1/organizations/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/priority-criteria/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/sla-policies/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/sla-policies/{id}/recompute/": (401, 403, 403, 403, 403, 403, 202),
    "POST /api/v1/teams/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/tickets/": (401, 400, 400, 400, 400, 400, 400),
    "POST /api/v1/tickets/{id}/comments/": (401, 400, 404, 404, 400, 400, 400),
    "POST /api/v1/tickets/{id}/escalate/": (401, 403, 404, 404, 400, 400, 400),
    "POST /api/v1/tickets/{id}/priority/": (401, 403, 404, 404, 400, 400, 400),
    "POST /api/v1/tickets/{id}/status-updates/": (401, 404, 404, 404, 400, 400, 400),
    "POST /api/v1/tickets/{id}/transition/": (401, 400, 404, 404, 400, 400, 400),
    "POST /api/v1/webhooks/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/webhooks/{id}/new-secret/": (401, 403, 403, 403, 403, 403, 404),
    "POST /api/v1/webhooks/{id}/test/": (401, 403, 403, 403, 403, 403, 404),
    "PUT /api/v1/calendars/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/categories/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/communication-plans/{priority}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/escalation-paths/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/message-templates/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "PUT /api/v1/notifications/preferences/": (401, 400, 400, 400, 400, 400, 400),
    "PUT /api/v1/organizations/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/priority-criteria/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/priority-matrix/{impact}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/sla-policies/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/teams/{id}/": (401, 403, 403, 403, 403, 403, 400),
    "PUT /api/v1/webhooks/{id}/": (401, 403, 403, 403, 403, 403, 404),
    # The desk (followers, CC, one's own profile and token), reports, privacy.
    "DELETE /api/v1/tickets/{id}/cc/": (401, 400, 404, 404, 400, 400, 400),
    "DELETE /api/v1/tickets/{id}/follow/": (401, 403, 404, 404, 204, 204, 204),
    "DELETE /api/v1/users/me/token/": (401, 204, 204, 204, 204, 204, 204),
    "GET /api/v1/privacy/erasures/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/privacy/exports/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/privacy/exports/{id}/": (401, 403, 403, 403, 403, 403, 404),
    "GET /api/v1/privacy/exports/{id}/download/": (401, 403, 403, 403, 403, 403, 410),
    "GET /api/v1/privacy/retention/": (401, 403, 403, 403, 403, 403, 200),
    "GET /api/v1/reports/{name}/": (401, 403, 403, 403, 403, 200, 200),
    "GET /api/v1/users/me/": (401, 200, 200, 200, 200, 200, 200),
    "PATCH /api/v1/users/me/": (401, 200, 200, 200, 200, 200, 200),
    "POST /api/v1/privacy/erasures/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/privacy/exports/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/privacy/legal-holds/": (401, 403, 403, 403, 403, 403, 400),
    "POST /api/v1/tickets/{id}/cc/": (401, 400, 404, 404, 400, 400, 400),
    "POST /api/v1/tickets/{id}/follow/": (401, 403, 404, 404, 204, 204, 204),
    "POST /api/v1/users/me/token/": (401, 201, 201, 201, 201, 201, 201),
    # Canned replies: agents only; a team's reply is its agents' (and admins').
    "GET /api/v1/canned-replies/": (401, 403, 403, 200, 200, 200, 200),
    "GET /api/v1/canned-replies/{id}/": (401, 403, 403, 404, 200, 200, 200),
    "POST /api/v1/canned-replies/{id}/apply/": (401, 403, 403, 404, 400, 400, 400),
}


def schema_operations() -> list[tuple[str, str]]:
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def call(client: APIClient, method: str, path: str, world) -> int:
    url = path.format(**path_parameters(path, world))
    with transaction.atomic():  # every call on the same data: writes are rolled back
        response = getattr(client, method.lower())(url, {}, format="json")
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture
def world(network_path):
    return build_world(network_path)


def test_every_operation_has_its_row():
    assert sorted(MATRIX) == [f"{m} {p}" for m, p in schema_operations()]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_status_of_the_matrix(world, role):
    client = APIClient()
    headers = world.token(role)
    if headers:
        client.credentials(HTTP_AUTHORIZATION=headers["Authorization"])
    column = ROLES.index(role)
    got, wrong = {}, {}
    for method, path in schema_operations():
        key = f"{method} {path}"
        got[key] = call(client, method, path, world)
        expected = MATRIX.get(key)
        if expected is None or expected[column] != got[key]:
            wrong[key] = (expected[column] if expected else None, got[key])

    assert not wrong, "\n".join(f"{k}: expected {e}, got {g}" for k, (e, g) in wrong.items())
