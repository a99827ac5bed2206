"""The queue: take it, bulk changes with a refused summary, sorting, saved views
and the self-refreshing list."""

import pytest

from tests.factories import TeamFactory, UserFactory, create_ticket
from tickets import services
from tickets.models import SavedView, Status, Tier


@pytest.fixture
def desk(agent, l1_team, policy):
    """agent1 in the Service Desk with two tickets; a ticket of another team."""
    mine = [create_ticket(agent, title=f"desk {n}", team=l1_team) for n in range(2)]
    other_team = TeamFactory(name="Elsewhere", tier=Tier.L1)
    other_team.members.add(UserFactory(username="elsewhere"))
    theirs = create_ticket(agent, title="not mine", team=other_team)
    return mine, theirs


def test_take_it_assigns_the_ticket_to_me(client, agent, desk):
    (ticket, _other), _theirs = desk
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert f'action="/tickets/{ticket.pk}/take/"' in body
    response = client.post(f"/tickets/{ticket.pk}/take/", {"next": "/?sort=priority"})
    assert response.status_code == 302
    assert response.url == "/?sort=priority"
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.events.filter(kind="assigned").exists()


def test_take_it_is_on_the_ticket_page_too_until_the_ticket_is_mine(client, agent, desk):
    (ticket, _other), _theirs = desk
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'id="take-form"' in page

    response = client.post(f"/tickets/{ticket.pk}/take/", {"next": ticket.get_absolute_url()})

    assert response.url == ticket.get_absolute_url()
    assert 'id="take-form"' not in client.get(response.url).content.decode()


def test_take_it_refuses_a_ticket_out_of_reach(client, agent, desk):
    _mine, theirs = desk
    client.force_login(agent)
    assert client.post(f"/tickets/{theirs.pk}/take/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.assignee is None


def test_take_it_does_not_leave_to_another_site(client, agent, desk):
    (ticket, _other), _theirs = desk
    client.force_login(agent)
    response = client.post(f"/tickets/{ticket.pk}/take/", {"next": "https://evil.example/"})
    assert response.url == "/"


def test_bulk_assign_commits_what_is_allowed_and_lists_the_rest(client, agent, desk):
    (one, two), theirs = desk
    client.force_login(agent)
    response = client.post(
        "/tickets/bulk/",
        {"tickets": [one.pk, two.pk, theirs.pk], "action": "assign", "assignee": agent.pk},
        follow=True,
    )
    one.refresh_from_db()
    two.refresh_from_db()
    theirs.refresh_from_db()
    assert (one.assignee, two.assignee, theirs.assignee) == (agent, agent, None)
    text = [str(m) for m in response.context["messages"]]
    assert any("Changed 2 tickets" in m for m in text)
    assert any(str(theirs.pk) in m and "refused" in m for m in text)


def test_bulk_status_reports_workflow_refusals_per_ticket(agent, desk):
    (one, two), _theirs = desk
    services.ticket_transition(ticket=one, actor=agent, status=Status.RESOLVED)
    result = services.tickets_bulk_change(
        actor=agent, ticket_ids=[one.pk, two.pk], action="status", value=Status.CLOSED
    )
    # resolved -> closed is a move of the workflow; new -> closed is not.
    assert [t.pk for t in result.done] == [one.pk]
    assert [ref for ref, _why in result.refused] == [two.reference]


def test_bulk_priority_needs_a_reason(client, agent, desk):
    (one, _two), _theirs = desk
    client.force_login(agent)
    response = client.post(
        "/tickets/bulk/", {"tickets": [one.pk], "action": "priority", "priority": "P1"}, follow=True
    )
    assert any("Say why" in str(m) for m in response.context["messages"])
    one.refresh_from_db()
    assert one.priority_override == ""


def test_bulk_input_errors_are_messages_not_500s(client, agent, desk):
    client.force_login(agent)
    for data in (
        {},
        {"action": "explode", "tickets": ["1"]},
        {"action": "assign", "tickets": ["x", "99999999999999999999999"]},
        {"action": "team", "tickets": ["1"], "team": "abc"},
    ):
        response = client.post("/tickets/bulk/", data)
        assert response.status_code == 302, data


def test_requesters_cannot_bulk_change(client, requester, desk):
    client.force_login(requester)
    assert client.post("/tickets/bulk/", {"action": "assign"}).status_code == 403


def test_columns_sort(client, agent, desk):
    (one, two), _theirs = desk
    client.force_login(agent)
    body = client.get("/?sort=-reference").content.decode()
    assert body.index(two.reference) < body.index(one.reference)
    body = client.get("/?sort=reference").content.decode()
    assert body.index(one.reference) < body.index(two.reference)
    assert "Back to most urgent first" in body


def test_saved_views_per_user_and_shared(client, agent, desk, other_agent):
    client.force_login(agent)
    response = client.post("/views/", {"name": "P1s", "query": "priority=P1&page=3&evil=1"})
    assert response.status_code == 302
    view = SavedView.objects.get(owner=agent)
    assert view.query == "priority=P1"
    body = client.get("/").content.decode()
    assert "P1s" in body
    assert "Breached tickets" in body  # a shared default
    assert client.post("/views/", {"name": "p1S", "query": ""}).status_code == 302
    assert SavedView.objects.filter(owner=agent).count() == 1
    client.force_login(other_agent)
    assert "P1s" not in client.get("/").content.decode()
    assert client.post(f"/views/{view.pk}/delete/").status_code == 404
    client.force_login(agent)
    assert client.post(f"/views/{view.pk}/delete/").status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_the_list_refreshes_itself_with_only_the_list(client, agent, desk):
    client.force_login(agent)
    page = client.get("/?sort=priority").content.decode()
    assert 'hx-get="/?sort=priority"' in page
    assert "htmx.min.js" in page
    assert "<script>" not in page  # no inline script (strict CSP)
    partial = client.get("/?sort=priority", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="queue-results"')
    assert '<nav class="navbar' not in partial


def test_queue_query_count_with_views_followers_is_flat(
    client, agent, desk, l1_team, django_assert_num_queries
):
    client.force_login(agent)
    client.post("/views/", {"name": "mine", "query": "scope=mine"})
    for n in range(30):
        ticket = create_ticket(agent, title=f"more {n}", team=l1_team)
        services.ticket_follow(ticket=ticket, actor=agent)
    with django_assert_num_queries(9):
        client.get("/")


def test_a_refused_bulk_change_comes_back_with_its_ticks_and_choices(client, agent, desk):
    """Set a priority with no priority chosen: the queue says what is missing and
    keeps what was ticked and typed, once."""
    (one, two), _theirs = desk
    client.force_login(agent)
    data = {"tickets": [one.pk], "action": "priority", "priority": "", "note": "VIP asked"}
    response = client.post("/tickets/bulk/", {**data, "next": "/?sort=priority"}, follow=True)
    assert response.redirect_chain[-1][0] == "/?sort=priority"
    body = response.content.decode()
    assert "Choose a value for this action." in body
    assert f'id="pick-{one.pk}" checked' in body
    assert f'id="pick-{two.pk}" checked' not in body
    assert '<option value="priority" selected>' in body
    assert 'id="bulk-note" maxlength="2000" value="VIP asked"' in body
    again = client.get("/?sort=priority").content.decode()
    assert " checked" not in again
    assert '<option value="priority" selected>' not in again
