"""Full-text search: a word only in a comment finds the ticket, from the queue and
the API; on PostgreSQL through the GIN index, best match first."""

import pytest
from django.db import connection

from tests.factories import create_ticket
from tickets import services


@pytest.fixture
def tickets(agent, l1_team, policy):
    quiet = create_ticket(agent, title="Printer jammed", team=l1_team)
    noted = create_ticket(agent, title="VPN drops", team=l1_team)
    services.comment_add(ticket=noted, actor=agent, body="Replaced the firmware on the gateway")
    titled = create_ticket(agent, title="Firmware update failed", team=l1_team)
    return quiet, noted, titled


def test_a_word_only_in_a_comment_finds_the_ticket(client, agent, tickets):
    quiet, noted, titled = tickets
    client.force_login(agent)
    body = client.get("/?q=firmware").content.decode()
    assert noted.reference in body
    assert titled.reference in body
    assert quiet.reference not in body


def test_the_api_searches_comments_too(api_as, agent, tickets):
    _quiet, noted, titled = tickets
    found = api_as(agent).get("/api/v1/tickets/?q=firmware").json()["results"]
    ids = [t["id"] for t in found]
    assert set(ids) == {noted.pk, titled.pk}
    if connection.vendor == "postgresql":
        assert ids[0] == titled.pk  # a title match ranks above a comment match


def test_a_reference_and_an_address_still_find_their_ticket(api_as, agent, tickets):
    quiet, _noted, _titled = tickets
    client = api_as(agent)
    assert [
        t["id"] for t in client.get(f"/api/v1/tickets/?q={quiet.reference}").json()["results"]
    ] == [quiet.pk]
    assert client.get("/api/v1/tickets/?q=rita@").status_code == 200
