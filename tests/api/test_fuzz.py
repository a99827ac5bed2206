"""Schemathesis over the whole OpenAPI schema against the live test server, as
admin, agent and requester: no answer may be a server error, use a status the
operation does not declare, or differ from the schema.

Bounded so it runs in CI on every change: a few examples per operation
(``FUZZ_EXAMPLES``, default 2), derandomized (the same cases on every run), with
the ids of real objects and, where the path names one, with generated ids.
``FUZZ_NEGATIVE=1`` runs it with invalid data (about three times as long)."""

from __future__ import annotations

import contextlib
import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.world import build_world, path_parameters

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
# FUZZ_NEGATIVE=1 sends invalid data instead (bodies and parameters that break the
# schema); every answer must still be a declared 4xx that matches the schema.
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

pytestmark = pytest.mark.django_db(transaction=True)


def run_operation(operation, *, base_url, headers, session, fixed, failures):
    mode = NEGATIVE if os.environ.get("FUZZ_NEGATIVE") == "1" else POSITIVE
    strategy = operation.as_strategy(mode, path_parameters=fixed or None)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def check(case):
        response = case.call(base_url=base_url, headers=headers, session=session)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as failure:  # one report per operation and kind
            key = (operation.label, type(failure).__name__, response.status_code)
            failures.setdefault(key, f"{failure}\n{case.as_curl_command(headers=headers)[:800]}")

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid (no parameters, no body)
        check()


@pytest.mark.parametrize("role", ["admin", "agent", "requester"])
def test_every_operation_answers_as_the_schema_says(live_server, network_path, role):
    world = build_world(network_path)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    headers = world.token(role)
    failures: dict = {}
    with requests.Session() as session:
        for result in schema.get_all_operations():
            operation = result.ok()
            real = path_parameters(operation.path, world)
            # With real ids, then (where the path names one) with generated ones.
            for fixed in (real, {}) if real else (real,):
                run_operation(
                    operation,
                    base_url=live_server.url,
                    headers=headers,
                    session=session,
                    fixed=fixed,
                    failures=failures,
                )

    assert not failures, "\n\n".join(
        f"{label} ({kind}, {status}):\n{text[:1500]}"
        for (label, kind, status), text in sorted(failures.items())
    )
