"""The agent and requester pages in a real browser: log in, queue, create, detail, log out."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CategoryFactory, OrganizationFactory, TicketFactory, UserFactory
from tickets import services
from tickets.models import Comment, Status, Ticket

pytestmark = pytest.mark.e2e


def queue_refs(page) -> set[str]:
    """References of the tickets listed in the queue table."""
    expect(page.locator("#queue")).to_be_visible()
    return set(
        page.locator("#queue tr[data-ticket]").evaluate_all("rs => rs.map(r => r.dataset.ticket)")
    )


def agent_ticket(agent, **fields) -> Ticket:
    fields = {
        "title": "VPN drops every hour",
        "description": "Since Monday the VPN disconnects every hour on the hour.",
        "requester_name": "Rita Requester",
        "requester_email": "rita@example.com",
        **fields,
    }
    return services.ticket_create(actor=agent, **fields)


# Logging in and out


def test_login_refuses_a_bad_password_then_lets_the_agent_in(page, agent):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Log in to Escalade")).to_be_visible()
    expect(page.locator("#current-user")).to_have_count(0)

    page.get_by_label("Username").fill("agent1")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#login-form")).to_contain_text(
        "Please enter a correct username and password"
    )
    expect(page.get_by_label("Username")).to_have_value("agent1")

    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    expect(page.locator("#current-user")).to_have_text(agent.get_full_name())


def test_log_out_ends_the_session(page, log_in, agent):
    log_in(page, "agent1")
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()  # in the person's menu, under their name
    page.locator("#current-user").click()
    log_out.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("#current-user")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_login_and_queue_load_with_nothing_missing_and_no_console_error(page, log_in, agent):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    log_in(page, "agent1")
    page.wait_for_load_state("networkidle")
    assert problems == []  # the browser asked for an icon the pages did not give


# The agent's queue


def test_queue_shows_the_agents_team_tickets_and_not_another_teams(
    page, log_in, agent, l1_team, l2_team
):
    ours = TicketFactory(team=l1_team, title="Printer jammed")
    handed_to_me = TicketFactory(team=l2_team, title="Router flapping")
    handed_to_me.assignee = agent
    handed_to_me.save()
    theirs = TicketFactory(team=l2_team, title="Core switch firmware")

    log_in(page, "agent1")
    assert queue_refs(page) == {ours.reference, handed_to_me.reference}
    expect(page.locator("#queue")).not_to_contain_text("Core switch firmware")
    expect(page.locator(f'tr[data-ticket="{ours.reference}"]')).to_contain_text("Printer jammed")
    assert theirs.reference not in page.content()


def test_queue_filters_by_status_and_finds_a_ticket_by_reference(page, log_in, agent, l1_team):
    new = TicketFactory(team=l1_team, status=Status.NEW, title="Mail bounces")
    pending = TicketFactory(team=l1_team, status=Status.PENDING, title="Waiting for logs")
    resolved = TicketFactory(team=l1_team, status=Status.RESOLVED, title="Old laptop")

    log_in(page, "agent1")
    # Open work by default: resolved tickets are out of the way.
    assert queue_refs(page) == {new.reference, pending.reference}

    page.locator("#status").select_option(["resolved"])
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"status=resolved"))
    assert queue_refs(page) == {resolved.reference}
    expect(page.locator("#status")).to_have_values(["resolved"])

    page.locator("#status").select_option(["pending"])
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"status=pending"))
    assert queue_refs(page) == {pending.reference}

    page.locator("#status").select_option(["new", "open", "pending"])
    page.get_by_label("Search").fill(new.reference.lower())
    page.get_by_label("Search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=esc-"))
    assert queue_refs(page) == {new.reference}
    expect(page.get_by_label("Search")).to_have_value(new.reference.lower())


def test_queue_search_by_reference_finds_a_resolved_ticket(page, log_in, agent, l1_team):
    TicketFactory(team=l1_team, status=Status.NEW, title="Mail bounces")
    resolved = TicketFactory(team=l1_team, status=Status.RESOLVED, title="Old laptop")

    log_in(page, "agent1")
    page.get_by_label("Search").fill(resolved.reference)
    page.get_by_label("Search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=ESC-"))
    assert queue_refs(page) == {resolved.reference}
    page.get_by_role("link", name=resolved.reference).click()
    expect(page).to_have_url(re.compile(rf"/tickets/{resolved.pk}/$"))
    expect(page.locator("#ticket-status")).to_have_text("Resolved")


# Creating tickets


def test_agent_creates_a_ticket_for_a_requester(page, log_in, agent, l1_team):
    CategoryFactory(name="Network")
    OrganizationFactory(name="Globex")
    log_in(page, "agent1")
    page.get_by_role("link", name="New ticket").first.click()
    expect(page.get_by_role("heading", name="New ticket")).to_be_visible()

    form = page.locator("#ticket-create")
    form.get_by_label("Title").fill("Warehouse Wi-Fi down")
    form.get_by_label("Description").fill("No scanner can connect since 8:00.")
    form.get_by_label("Category").select_option(label="Network")
    form.get_by_label("Impact").select_option("2")
    form.get_by_label("Urgency").select_option("1")
    form.get_by_label("Requester name").fill("Walter Warehouse")
    form.get_by_label("Requester e-mail").fill("walter@globex.example")
    form.get_by_label("Organization").select_option(label="Globex")
    form.get_by_label("Major outage").check()
    form.get_by_role("button", name="Create ticket").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.get_by_role("alert")).to_have_text(f"Ticket {ticket.reference} created.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Warehouse Wi-Fi down")
    expect(page.locator(".badge-P1")).to_be_visible()
    assert (ticket.requester_email, ticket.organization.name, ticket.team) == (
        "walter@globex.example",
        "Globex",
        l1_team,
    )
    assert (ticket.priority, ticket.is_major_outage, ticket.created_by) == ("P1", True, agent)


def test_create_form_shows_errors_and_saves_nothing(page, log_in, agent, other_agent, l1_team):
    log_in(page, "agent1")
    page.goto("/tickets/new/")
    form = page.locator("#ticket-create")
    title = form.get_by_label("Title")
    form.get_by_label("Description").fill("It is broken.")
    form.get_by_label("Requester name").fill("Rita")
    form.get_by_label("Requester e-mail").fill("rita@example.com")

    # An empty title: the browser itself refuses to send the form.
    form.get_by_role("button", name="Create ticket").click()
    expect(page).to_have_url(re.compile(r"/tickets/new/$"))
    assert title.evaluate("input => input.validity.valueMissing")

    # Blanks only pass the browser's check; the server's error shows on the field.
    title.fill("   ")
    form.get_by_role("button", name="Create ticket").click()
    expect(title).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form).to_contain_text("This field is required.")
    expect(form.get_by_label("Description")).to_have_value("It is broken.")

    # A rule of the service (the assignee must be in the team) shows on its field too.
    title.fill("Printer on fire")
    form.get_by_label("Assignee").select_option(label=str(other_agent))
    form.get_by_role("button", name="Create ticket").click()
    expect(form.get_by_label("Assignee")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form).to_contain_text("is not in team Service Desk")
    expect(page).to_have_url(re.compile(r"/tickets/new/$"))
    assert not Ticket.objects.exists()


# The ticket page


def test_detail_shows_the_timeline(page, log_in, agent, l1_team):
    ticket = agent_ticket(agent)
    services.comment_add(
        ticket=ticket, actor=agent, body="Checked the concentrator logs.", is_public=False
    )
    services.comment_add(ticket=ticket, actor=agent, body="We are looking into it.")

    log_in(page, "agent1")
    page.goto(ticket.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{ticket.reference} VPN drops every hour"
    )
    expect(page.get_by_text("Requested by Rita Requester <rita@example.com>")).to_be_visible()
    items = page.locator("#timeline > li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_have_class("event")
    expect(items.nth(0)).to_contain_text("Created")
    expect(items.nth(1)).to_have_class("comment-internal")
    expect(items.nth(1)).to_contain_text("internal note")
    expect(items.nth(1)).to_contain_text("Checked the concentrator logs.")
    expect(items.nth(2)).to_have_class("comment-public")
    expect(items.nth(2)).to_contain_text("We are looking into it.")
    # The first public reply opened the ticket.
    expect(items.nth(3)).to_contain_text("Status changed")
    expect(items.nth(3)).to_contain_text("New → Open")
    expect(page.locator("#ticket-status")).to_have_text("Open")


def test_agent_posts_a_public_reply_and_an_internal_note(page, log_in, agent, l1_team):
    ticket = agent_ticket(agent)
    log_in(page, "agent1")
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#ticket-status")).to_have_text("New")

    reply = page.locator("#comment-form")
    expect(reply.get_by_label("Public reply (the requester sees it)")).to_be_checked()
    reply.get_by_label("Message").fill("Please restart the client and tell us if it helps.")
    reply.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("Reply sent: the requester sees it.")
    expect(page.locator("#timeline > li.comment-public")).to_contain_text(
        "Please restart the client"
    )
    expect(page.locator("#ticket-status")).to_have_text("Open")

    reply.get_by_label("Internal note (agents only)").check()
    reply.get_by_label("Message").fill("Probably the DHCP lease time.")
    reply.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_have_text("Internal note added: only agents see it.")
    expect(page.locator("#timeline > li.comment-internal")).to_contain_text(
        "Probably the DHCP lease"
    )

    assert [(c.body[:12], c.is_public) for c in Comment.objects.order_by("id")] == [
        ("Please resta", True),
        ("Probably the", False),
    ]


def test_agent_changes_the_status(page, log_in, agent, l1_team):
    ticket = agent_ticket(agent)
    log_in(page, "agent1")
    page.goto(ticket.get_absolute_url())

    form = page.locator("#transition-form")
    status = form.get_by_label("New status")
    expect(status.locator("option")).to_have_text(
        ["Open", "Pending (waiting on customer)", "Resolved"]
    )
    status.select_option(label="Pending (waiting on customer)")
    form.get_by_label("Note").fill("Asked for the client logs.")
    form.get_by_role("button", name="Change status").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Status changed to Pending (waiting on customer)."
    )
    expect(page.locator("#ticket-status")).to_have_text("Pending (waiting on customer)")
    last = page.locator("#timeline > li").last
    expect(last).to_contain_text("Status changed")
    expect(last).to_contain_text("New → Pending (waiting on customer)")
    expect(last).to_contain_text("Asked for the client logs.")
    expect(status.locator("option")).to_have_text(["Open", "Resolved"])
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


# Requesters


def test_requester_sees_only_their_own_tickets(page, log_in, requester, agent, l1_team):
    own = agent_ticket(agent, title="My screen flickers", requester_email="customer@acme.example")
    other = agent_ticket(agent, title="Somebody else's problem")

    log_in(page, "customer")
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()
    assert queue_refs(page) == {own.reference}
    expect(page.locator("#queue")).not_to_contain_text(other.title)
    # Agents' columns and scope are not shown.
    expect(page.locator("#queue thead")).not_to_contain_text("Assignee")
    expect(page.locator("#scope")).to_have_count(0)


def test_requester_creates_a_ticket_with_the_short_form(page, log_in, requester, l1_team):
    log_in(page, "customer")
    page.get_by_role("link", name="New ticket").first.click()
    form = page.locator("#ticket-create")
    expect(form.get_by_label("Title")).to_be_visible()
    for agent_field in ("Requester name", "Requester e-mail", "Organization", "Team", "Assignee"):
        expect(form.get_by_label(agent_field)).to_have_count(0)
    form.get_by_label("Title").fill("Cannot print invoices")
    form.get_by_label("Description").fill("The invoice printer says offline.")
    form.get_by_role("button", name="Create ticket").click()

    ticket = Ticket.objects.get()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.get_by_role("alert")).to_have_text(f"Ticket {ticket.reference} created.")
    expect(page.get_by_text("<customer@acme.example>")).to_be_visible()
    expect(page.get_by_text("· Acme")).to_be_visible()
    assert "(Standard)" not in page.content()  # the organization's plan is the desk's business
    assert (ticket.requester, ticket.organization.name, ticket.team) == (requester, "Acme", l1_team)
    page.get_by_role("link", name="My requests").click()
    assert queue_refs(page) == {ticket.reference}


def test_requester_does_not_see_internal_notes(page, log_in, requester, agent, l1_team):
    ticket = agent_ticket(agent, requester_email="customer@acme.example")
    services.comment_add(
        ticket=ticket, actor=agent, body="Customer is on the old client.", is_public=False
    )
    services.comment_add(ticket=ticket, actor=agent, body="Please update your client.")

    log_in(page, "customer")
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#timeline")).to_contain_text("Please update your client.")
    expect(page.locator("#timeline > li.comment-internal")).to_have_count(0)
    assert "old client" not in page.content()
    # No internal-note choice and no routing form either.
    reply = page.locator("#comment-form")
    expect(reply.get_by_label("Message")).to_be_visible()
    expect(reply.get_by_label("Internal note (agents only)")).to_have_count(0)
    expect(page.locator("#ticket-properties")).to_have_count(0)


def test_requester_gets_a_404_for_another_persons_ticket(page, log_in, requester, l1_team):
    someone_else = TicketFactory(team=l1_team, requester_email="someone@acme.example")
    log_in(page, "customer")
    response = page.goto(someone_else.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    assert someone_else.title not in page.content()
    # The error page keeps the site's navigation and leads back.
    expect(page.locator("#current-user")).to_be_visible()
    page.get_by_role("link", name="Back to my requests").click()
    expect(page.get_by_role("heading", name="My requests")).to_be_visible()


def test_requester_closes_their_resolved_ticket(page, log_in, requester, agent, l1_team):
    ticket = agent_ticket(agent, requester_email="customer@acme.example")
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.RESOLVED)
    log_in(page, "customer")
    page.goto(ticket.get_absolute_url())
    # A resolved request asks the requester: close it, or reopen it.
    expect(page.locator("#reopen-request")).to_be_visible()
    page.locator("#close-request").click()
    expect(page.locator("#ticket-status")).to_have_text("Closed")
    # A closed ticket takes no more replies.
    expect(page.locator("#comment-form")).to_have_count(0)


def test_a_request_waiting_on_the_requester_says_so_and_a_reply_answers_it(
    page, log_in, requester, agent, l1_team
):
    ticket = agent_ticket(agent, requester_email="customer@acme.example")
    services.comment_add(ticket=ticket, actor=agent, body="Which printer model is it?")
    services.ticket_transition(ticket=ticket, actor=agent, status=Status.PENDING)
    log_in(page, "customer")
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#ticket-status")).to_have_text("Waiting for your reply")
    expect(page.locator("#waiting-on-you")).to_be_visible()
    # no status form, no desk words: the reply is what moves the request on
    expect(page.locator("#transition-form")).to_have_count(0)
    expect(page.locator("#timeline")).not_to_contain_text("public reply")
    expect(page.locator("#sla-clocks")).not_to_contain_text("FR ")
    page.locator("#comment-form").get_by_label("Message").fill("The LaserJet 4200.")
    page.locator("#comment-form").get_by_role("button", name="Send").click()
    expect(page.locator("#ticket-status")).to_have_text("Open")
    expect(page.locator("#waiting-on-you")).to_have_count(0)


# Layout


def test_narrow_screen_folds_the_menu_and_scrolls_the_queue_table(page, log_in, agent, l1_team):
    TicketFactory(team=l1_team, title="A rather long title that needs some room on a phone")
    log_in(page, "agent1")
    page.set_viewport_size({"width": 400, "height": 800})
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()
    # The table scrolls inside its card; the page itself does not scroll sideways.
    page.wait_for_function("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Menu").click()
    # Bootstrap ignores a dropdown's toggle while the menu around it still unfolds.
    expect(page.locator("#main-nav.collapse.show")).to_be_visible()
    page.wait_for_function("!document.querySelector('#main-nav.collapsing')")
    page.locator("#current-user").click()
    expect(log_out).to_be_visible()
    log_out.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


# Screenshots to look at (not assertions about looks)


def test_screenshots_of_the_queue_and_a_ticket(page, log_in, agent, l1_team, shots_dir):
    network = CategoryFactory(name="Network")
    acme = OrganizationFactory(name="Acme Retail")
    colleague = UserFactory(username="lena", first_name="Lena", last_name="Kowalska")
    l1_team.members.add(colleague)
    for title, impact, urgency, assignee in [
        ("Checkout page returns 500 for every customer", 1, 1, agent),
        ("VPN drops every hour", 2, 2, colleague),
        ("Invoice PDF shows the wrong logo", 4, 4, None),
        ("New starter needs a laptop", 3, 3, None),
    ]:
        agent_ticket(
            agent,
            title=title,
            impact=impact,
            urgency=urgency,
            category=network,
            organization=acme,
            assignee=assignee,
        )
    ticket = Ticket.objects.get(title="VPN drops every hour")
    services.comment_add(
        ticket=ticket, actor=agent, body="Checked the concentrator logs.", is_public=False
    )
    services.comment_add(ticket=ticket, actor=agent, body="We are looking into it.\nSecond line.")
    services.ticket_transition(
        ticket=ticket, actor=agent, status=Status.PENDING, note="Asked for logs."
    )

    log_in(page, "agent1")
    expect(page.locator("#queue tr[data-ticket]")).to_have_count(4)
    page.screenshot(path=shots_dir / "queue.png", full_page=True)
    page.goto(ticket.get_absolute_url())
    expect(page.locator("#timeline > li")).to_have_count(6)
    page.screenshot(path=shots_dir / "detail.png", full_page=True)
