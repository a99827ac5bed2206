"""A typed client generated from the schema (openapi-python-client, pinned in the
dev extras) drives a ticket through an escalation against the live server: the
schema is good enough to build a client from, and its models read what the
server answers."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.api.world import build_world
from tests.escalations.data import HANDOFF

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGE = "escalade_client"


def generator() -> str | None:
    beside = Path(sys.executable).parent / "openapi-python-client"
    return str(beside) if beside.exists() else shutil.which("openapi-python-client")


@pytest.fixture
def client_package(live_server, tmp_path):
    command = generator()
    if command is None:
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30).json()
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")
    subprocess.run(
        [
            command,
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--config",
            str(tmp_path / "config.yaml"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_a_generated_client_escalates_a_ticket(live_server, network_path, client_package):
    world = build_world(network_path)
    connect = client_package("client").AuthenticatedClient
    models = client_package("models")
    ops = {
        name: client_package(f"api.v1.v1_{name}")
        for name in (
            "tickets_create",
            "tickets_retrieve",
            "tickets_escalate_create",
            "tickets_sla_clocks_list",
            "escalations_approve_create",
            "escalations_list",
            "users_list",
        )
    }

    def as_(role):
        token = world.token(role)["Authorization"].split()[1]
        return connect(base_url=live_server.url, token=token, prefix="Token")

    agent, manager = as_("agent"), as_("manager")

    ticket = ops["tickets_create"].sync(
        client=agent,
        body=models.TicketCreateRequest(
            title="VPN drops every hour",
            description="Warsaw office, since Monday.",
            requester_name="Customer",
            requester_email="customer@acme.example",
        ),
    )
    assert isinstance(ticket, models.Ticket)
    assert (ticket.level, ticket.priority) == (models.TierEnum.L1, models.PriorityEnum.P3)

    escalation = ops["tickets_escalate_create"].sync(
        client=agent,
        id=ticket.id,
        body=models.EscalateRequest(to_tier=models.TierEnum.L2, **HANDOFF),
    )
    assert isinstance(escalation, models.Escalation)
    assert escalation.status == models.EscalationStatusEnum.REQUESTED

    refused = ops["escalations_approve_create"].sync_detailed(client=agent, id=escalation.id)
    assert refused.status_code == 403
    assert isinstance(refused.parsed, models.Error)

    approved = ops["escalations_approve_create"].sync(client=manager, id=escalation.id)
    assert approved.status == models.EscalationStatusEnum.ACTIVE

    moved = ops["tickets_retrieve"].sync(client=manager, id=ticket.id)
    assert moved.level == models.TierEnum.L2
    assert moved.team.name == "Network Engineering"
    clocks = ops["tickets_sla_clocks_list"].sync(client=manager, id=ticket.id)
    assert {clock.metric for clock in clocks} >= {"first_response", "resolution"}
    listed = ops["escalations_list"].sync(client=manager, ticket=ticket.id)
    assert [e.id for e in listed.results] == [escalation.id]
    people = ops["users_list"].sync(client=agent, is_agent=True)
    assert "manager" in {person.username for person in people.results}
