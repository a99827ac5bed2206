"""The desk on a 390 px phone: no sideways scrolling on the queue, the ticket and
the escalation pages; the filters fold away; the reply box is near the top."""

import pytest
from playwright.sync_api import expect

from escalations.models import ActionItem, Escalation
from escalations.services import escalate
from tests.escalations.data import HANDOFF
from tests.factories import create_ticket
from tickets import services
from tickets.models import User

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def phone(new_page, log_in, username):
    """Logged in (the user's name sits in the folded menu on a phone), then a phone."""
    page = log_in(new_page(), username)
    page.set_viewport_size(PHONE)
    return page


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    # Nor inside: no table scrolled sideways within its own box.
    inner = page.evaluate(
        "Math.max(0, ...[...document.querySelectorAll('.table-responsive, table')]"
        ".map(e => e.scrollWidth - e.clientWidth))"
    )
    assert inner <= 1, f"a table on {page.url} scrolls {inner} px sideways"


def test_queue_and_ticket_fit_a_phone(new_page, log_in, network_path, policy):
    agent1 = User.objects.get(username="agent1")
    ticket = None
    for n in range(8):
        ticket = create_ticket(
            agent1,
            title=f"Checkout fails for every shopper in the Warsaw store number {n}",
            requester_email=f"a.very.long.requester.address.{n}@retail-customer.example.com",
        )
    for n in range(12):
        services.comment_add(ticket=ticket, actor=agent1, body=f"Checked thing {n}. " * 8)
    page = phone(new_page, log_in, "agent1")
    page.goto("/")
    expect(page.locator("#queue")).to_be_visible()
    no_sideways_scroll(page)
    # The filters are folded away until asked for.
    expect(page.locator("#queue-filters")).to_be_hidden()
    page.locator("#filters-toggle").click()
    expect(page.locator("#queue-filters")).to_be_visible()

    page.goto(ticket.get_absolute_url())
    expect(page.locator("#reply-card")).to_be_visible()
    no_sideways_scroll(page)
    top = page.locator("#reply-card").bounding_box()["y"]
    assert top < 900, f"the reply box is {top:.0f} px down"


def test_the_action_plan_fits_a_phone(new_page, log_in, network_path, policy):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="MGMT", **HANDOFF)
    managed = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    ActionItem.objects.create(
        escalation=managed, description="Replace the core switch in the Warsaw rack room"
    )
    page = phone(new_page, log_in, "manager")
    page.goto(f"/escalations/{managed.pk}/")
    expect(page.locator("#action-plan-table")).to_be_visible()
    no_sideways_scroll(page)
    box = page.locator("#action-plan-table button", has_text="Done").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]


def lines(page, locator) -> int:
    """How many lines the element's text takes on screen."""
    return locator.evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; }"
    )


def test_the_profile_fits_a_phone_with_its_column_headings_whole(new_page, log_in, agent):
    page = phone(new_page, log_in, agent.username)
    page.goto("/profile/")
    no_sideways_scroll(page)
    for heading in ("In-app", "E-mail"):
        cell = page.locator("table th", has_text=heading).first
        assert lines(page, cell) == 1, f"{heading} breaks over lines"


def test_other_escalations_of_the_ticket_keep_small_badges_on_a_phone(
    new_page, log_in, network_path, policy
):
    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, title="Warsaw offline", impact=2, urgency=2)
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="MGMT", **HANDOFF)
    managed = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    # The longest trigger makes the other escalation's entry take two lines.
    others = Escalation.objects.filter(ticket=ticket).exclude(pk=managed.pk)
    assert others.update(trigger=Escalation.Trigger.SEVERITY) >= 1
    page = phone(new_page, log_in, "manager")
    page.goto(f"/escalations/{managed.pk}/")
    badge = page.locator("#related-escalations .badge").first
    expect(badge).to_be_visible()
    no_sideways_scroll(page)
    # A status badge beside a two-line entry stays one line high, not stretched.
    assert badge.bounding_box()["height"] < 30


def test_the_escalation_list_and_the_dashboard_fit_a_phone(new_page, log_in, network_path, policy):
    from datetime import timedelta

    from django.utils import timezone

    from escalations.models import SlaClock

    agent1 = User.objects.get(username="agent1")
    ticket = create_ticket(agent1, title="Warsaw office offline since the storm", impact=2)
    escalate.escalation_request(ticket=ticket, actor=agent1, to_tier="MGMT", **HANDOFF)
    SlaClock.objects.filter(ticket=ticket, metric="first_response").update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    page = phone(new_page, log_in, "manager")
    page.goto("/escalations/")
    expect(page.locator("#escalations tr[data-escalation]").first).to_be_visible()
    no_sideways_scroll(page)
    page.goto("/dashboard/")
    reference = page.locator("#worst-tickets a", has_text=ticket.reference)
    expect(reference).to_be_visible()
    no_sideways_scroll(page)
    assert lines(page, reference) == 1, "the reference breaks at its hyphen"


def test_the_queue_gives_the_title_room_on_a_desktop_in_polish(
    new_page, log_in, network_path, policy
):
    """Long words of Polish headings used to crush the title to a few letters a
    line (and push the last columns out of the card) at 1280 px."""
    agent1 = User.objects.get(username="agent1")
    agent1.language = "pl"
    agent1.save()
    for n in range(3):
        create_ticket(agent1, title=f"Suspicious login attempts on admin accounts #{n}")
    page = log_in(new_page(), "agent1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    title = page.locator("#queue td.queue-title").first
    assert title.bounding_box()["width"] >= 190  # 12rem at the least
    inner = page.evaluate(
        "(() => { const card = document.querySelector('#queue').parentElement;"
        " return card.scrollWidth - card.clientWidth; })()"
    )
    assert inner <= 1, f"the queue scrolls {inner} px sideways in its card"
    # Take it sits with the assignee, Priority and Ticket share a column.
    expect(page.locator("#queue tbody tr").first.locator(".take-form")).to_be_visible()
    expect(page.locator('#queue thead a[data-sort="priority"]')).to_be_visible()
