"""A form sent back with errors shows them: the page opens on the first error,
not at its top where nothing says the step was refused."""

import pytest
from playwright.sync_api import expect

from escalations.models import Escalation
from escalations.services import escalate, reviews
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import create_ticket

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def managed(network_path):
    ticket = create_ticket(user("agent1"), title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    return Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.HIERARCHICAL)


def test_closing_waits_for_the_review_and_says_where_to_write_it(new_page, log_in, managed):
    page = log_in(new_page(), "manager")
    page.goto(f"/escalations/{managed.pk}/")
    expect(page.locator("#close-needs-review")).to_contain_text("Submit the review")
    expect(page.locator("#close-form").get_by_role("button")).to_be_disabled()
    page.locator("#close-needs-review a").click()
    expect(page.locator("#review-form")).to_be_in_viewport()


def test_a_refused_close_opens_on_its_errors_on_a_phone(new_page, log_in, managed):
    reviews.review_submit(escalation=managed, actor=user("manager"), data=REVIEW)
    page = log_in(new_page(), "manager")
    page.set_viewport_size(PHONE)
    page.goto(f"/escalations/{managed.pk}/")
    assert page.evaluate("window.scrollY") == 0  # a page without errors opens at its top
    form = page.locator("#close-form")
    form.get_by_label("Closure note").fill("Customer confirmed")
    form.get_by_role("button", name="Close the escalation").click()
    expect(form.get_by_text("Close only once the customer agrees.")).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    managed.refresh_from_db()
    assert managed.status == Escalation.Status.ACTIVE


def test_a_refused_action_opens_its_folded_form_at_the_error(new_page, log_in, managed):
    """A bad due time: the action form (folded by default) is open and in view,
    the cursor in the field."""
    page = log_in(new_page(), "manager")
    page.set_viewport_size(PHONE)
    page.goto(f"/escalations/{managed.pk}/")
    page.locator("#add-action summary").click()
    form = page.locator("#action-form")
    form.get_by_label("Action").fill("Replace the switch")
    # The browser's own date picker is skipped: the value is typed as text.
    form.locator("input[name=due_at]").evaluate("e => { e.type = 'text'; e.value = 'soon'; }")
    form.get_by_role("button", name="Add action").click()
    expect(page.locator("#add-action")).to_have_attribute("open", "")
    invalid = page.locator("#action-form input[name=due_at]")
    expect(invalid).to_be_in_viewport()
    expect(invalid).to_be_focused()


def test_the_page_opens_on_the_error_at_once(new_page, log_in, managed):
    """No scroll from the top for the reader to watch: the error is in view as soon
    as the page has loaded (a status update with nobody to send it to)."""
    page = log_in(new_page(), "manager")
    page.set_viewport_size(PHONE)
    page.goto(managed.ticket.get_absolute_url())
    page.locator("#compose-update summary").click()
    form = page.locator("#status-update-form")
    for box in form.locator("input[type=checkbox]").all():
        box.uncheck()
    form.locator("textarea").fill("Switch replaced, watching the link.")
    with page.expect_navigation(wait_until="load"):
        form.locator("[type=submit]").click()
    top = page.evaluate(
        "document.querySelector('#status-update-form .is-invalid').getBoundingClientRect().top"
    )
    assert 0 <= top <= PHONE["height"]
