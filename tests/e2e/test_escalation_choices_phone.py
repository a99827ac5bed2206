"""On a phone, the managed escalation's drop-downs show their empty choice whole,
in every language (a cut choice says nothing)."""

import pytest
from playwright.sync_api import expect

from escalations.models import Escalation
from escalations.services import escalate
from tests.e2e.measure import FITS
from tests.escalations.data import HANDOFF, user
from tests.factories import create_ticket

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["en", "pl", "fr", "nl", "ru"])
def test_the_empty_choices_read_whole_on_a_phone(new_page, log_in, network_path, language):
    ticket = create_ticket(user("agent1"), title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    managed = Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)
    manager = user("manager")
    manager.language = language
    manager.save(update_fields=["language"])
    page = log_in(new_page(), "manager")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/escalations/{managed.pk}/")
    for folded in ("#add-member", "#add-action"):
        page.locator(f"{folded} summary").click()
    expect(page.locator("#member-form")).to_be_visible()
    for select in ("#member-form select[name=user]", "#action-form select[name=owner]"):
        assert page.evaluate(FITS, select), select
