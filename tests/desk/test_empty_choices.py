"""Every empty choice of a page's drop-downs says what it means ("No category",
"Unassigned", "(all)" ...), never Django's "---------"."""

import re

import pytest
from django.urls import reverse

from escalations.models import Escalation
from escalations.services import escalate
from tests.escalations.data import HANDOFF, user
from tests.factories import create_ticket

OPTION = re.compile(r"<option[^>]*>([^<]*)</option>")


def dashes_offered(content: str) -> list[str]:
    options = OPTION.findall(content)
    assert options
    return [text for text in options if set(text.strip()) <= {"-"}]


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
        assert not dashes_offered(response.content.decode()), page


def test_the_managed_escalation_page_offers_no_dashes(network_path, client):
    """The escalation manager's forms: manager, team member, action owner, the
    review's root-cause category."""
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    managed = Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)
    client.force_login(user("manager"))
    response = client.get(reverse("escalations:detail", args=[managed.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    for form in ("manager-form", "member-form", "action-form", "review-form"):
        assert f'id="{form}"' in content, form
    assert not dashes_offered(content)
    assert "Outside Escalade (name below)" in content
    assert "No owner" in content
