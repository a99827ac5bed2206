"""Every empty choice of a page's drop-downs says what it means ("No category",
"Unassigned", "(all)" ...), never Django's "---------"."""

import re

import pytest
from django.urls import reverse

from tests.escalations.data import user
from tests.factories import create_ticket

OPTION = re.compile(r"<option[^>]*>([^<]*)</option>")


@pytest.mark.parametrize("username", ["agent1", "manager", "admin"])
def test_no_drop_down_offers_dashes(network_path, policy, client, request, username):
    ticket = create_ticket(user("agent1"), impact=3, urgency=3)
    who = request.getfixturevalue("admin_user") if username == "admin" else user(username)
    client.force_login(who)
    pages = ["/", reverse("tickets:create"), ticket.get_absolute_url(), "/escalations/"]
    if username != "agent1":
        pages.append(reverse("reports:detail", args=["volume"]))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        options = OPTION.findall(response.content.decode())
        assert options, page
        assert not [text for text in options if set(text.strip()) <= {"-"}], page
