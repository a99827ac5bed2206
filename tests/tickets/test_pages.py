import pytest
from django.urls import reverse

from tests.factories import CommentFactory, TicketFactory
from tickets import services
from tickets.models import Comment, Ticket


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.mark.parametrize("url", ["/", "/tickets/new/", "/tickets/1/"])
def test_pages_require_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_and_demo_style_login(client, agent):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'name="username"' in page.content.decode()
    response = client.post(reverse("login"), {"username": "agent1", "password": "pw"})
    assert response.status_code == 302
    # Home sends agents on to their queue (team managers to their dashboard).
    assert response["Location"] == reverse("reports:home")
    queue = client.get(client.get(response["Location"])["Location"])
    assert queue.status_code == 200
    assert queue.context["user"] == agent


def test_queue_shows_my_teams_and_my_tickets_only(agent_client, agent, l1_team, l2_team):
    mine = TicketFactory(team=l1_team, title="Ours")
    assigned = TicketFactory(team=l2_team, assignee=agent, title="Handed to me")
    foreign = TicketFactory(team=l2_team, title="Theirs")
    body = agent_client.get("/").content.decode()
    assert mine.reference in body
    assert assigned.reference in body
    assert foreign.reference not in body


def test_queue_filters_by_status_priority_and_search(agent_client, l1_team):
    open_p1 = TicketFactory(team=l1_team, status="open", impact=1, urgency=1, title="Fire")
    resolved = TicketFactory(team=l1_team, status="resolved", title="Done")
    p4 = TicketFactory(team=l1_team, status="open", impact=4, urgency=4, title="Typo")
    default = agent_client.get("/").content.decode()
    assert open_p1.reference in default
    assert resolved.reference not in default  # open work only by default
    only_p1 = agent_client.get("/?status=open&priority=P1").content.decode()
    assert open_p1.reference in only_p1
    assert p4.reference not in only_p1
    by_ref = agent_client.get("/", {"q": resolved.reference}).content.decode()
    assert resolved.reference in by_ref
    assert open_p1.reference not in by_ref


def test_queue_ignores_filters_it_does_not_understand(agent_client, l1_team):
    TicketFactory(team=l1_team)
    response = agent_client.get("/?status=bogus&team=abc")
    assert response.status_code == 200
    assert b"not understood" in response.content


def test_queue_lists_a_requesters_own_tickets(client, requester, l1_team):
    own = TicketFactory(team=l1_team, requester_email="Customer@Acme.example")
    other = TicketFactory(team=l1_team)
    client.force_login(requester)
    body = client.get("/").content.decode()
    assert "My requests" in body
    assert own.reference in body
    assert other.reference not in body


def test_queue_query_count_does_not_grow_with_the_page(
    agent_client, l1_team, agent, django_assert_num_queries
):
    TicketFactory.create_batch(3, team=l1_team, assignee=agent)
    # session, user, the user's teams, count, page of tickets, their SLA clocks;
    # the saved views, and the assignees and teams of the bulk bar
    with django_assert_num_queries(9):
        few = agent_client.get("/")
    assert few.content.decode().count("data-ticket=") == 3
    TicketFactory.create_batch(30, team=l1_team, assignee=agent)
    with django_assert_num_queries(9):
        many = agent_client.get("/")
    shown = many.context["page"]
    assert (len(shown), shown.paginator.count) == (25, 33)
    assert many.content.decode().count("data-ticket=") == 25


def test_create_page_makes_a_ticket(agent_client, l1_team):
    response = agent_client.post(
        "/tickets/new/",
        {
            "title": "Printer on fire",
            "description": "Smoke everywhere.",
            "impact": 1,
            "urgency": 1,
            "requester_name": "Rita",
            "requester_email": "rita@example.com",
            "requester_language": "en",
            "is_safety": "on",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == ticket.get_absolute_url()
    assert (ticket.priority, ticket.is_safety, ticket.team) == ("P1", True, l1_team)


def test_create_page_shows_errors_and_saves_nothing(agent_client, l1_team):
    response = agent_client.post(
        "/tickets/new/", {"title": "", "description": "x", "impact": 9, "urgency": 1}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"title", "impact", "requester_email"} <= set(form.errors)
    assert not Ticket.objects.exists()


def test_requester_create_form_has_only_the_problem_fields(client, requester, l1_team):
    client.force_login(requester)
    form = client.get("/tickets/new/").context["form"]
    assert set(form.fields) == {
        "title",
        "description",
        "category",
        "impact",
        "urgency",
        "attachments",
    }
    response = client.post(
        "/tickets/new/",
        {"title": "Help", "description": "Please", "impact": 3, "urgency": 3, "team": l1_team.pk},
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.requester == requester


def test_detail_shows_timeline_and_hides_internal_notes_from_requesters(
    client, agent, requester, l1_team
):
    ticket = services.ticket_create(actor=requester, title="Help", description="Please")
    services.comment_add(ticket=ticket, actor=agent, body="Secret agent note", is_public=False)
    services.comment_add(ticket=ticket, actor=agent, body="Public answer")
    client.force_login(agent)
    agent_view = client.get(ticket.get_absolute_url()).content.decode()
    assert "Secret agent note" in agent_view
    assert "Public answer" in agent_view
    client.force_login(requester)
    requester_view = client.get(ticket.get_absolute_url()).content.decode()
    assert "Secret agent note" not in requester_view
    assert "Public answer" in requester_view


def test_detail_query_count_does_not_grow_with_the_timeline(
    agent_client, agent, l1_team, django_assert_num_queries
):
    ticket = TicketFactory(team=l1_team)
    CommentFactory.create_batch(2, ticket=ticket, author=agent)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            agent_client.get(ticket.get_absolute_url())
        return len(ctx.captured_queries)

    few = count_queries()
    CommentFactory.create_batch(20, ticket=ticket, author=agent)
    assert count_queries() == few


def test_other_teams_ticket_is_a_404_on_every_page(agent_client, l2_team):
    ticket = TicketFactory(team=l2_team)
    assert agent_client.get(ticket.get_absolute_url()).status_code == 404
    for action in ("comment", "transition", "update"):
        response = agent_client.post(f"/tickets/{ticket.pk}/{action}/", {"body": "x"})
        assert response.status_code == 404
    assert not Comment.objects.exists()


def test_comment_and_status_forms(agent_client, agent, l1_team):
    ticket = services.ticket_create(
        actor=agent, title="t", description="d", requester_name="R", requester_email="r@example.com"
    )
    response = agent_client.post(
        f"/tickets/{ticket.pk}/comment/", {"body": "Note", "is_public": "internal"}
    )
    assert response.status_code == 302
    assert Comment.objects.get().is_public is False
    response = agent_client.post(f"/tickets/{ticket.pk}/transition/", {"status": "pending"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "pending"


def test_refused_status_change_shows_the_reason(agent_client, agent, l1_team):
    ticket = TicketFactory(team=l1_team, status="new")
    response = agent_client.post(f"/tickets/{ticket.pk}/transition/", {"status": "closed"})
    assert response.status_code == 400
    assert "status" in response.context["transition_form"].errors
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_routing_form_refuses_an_assignee_outside_the_team(
    agent_client, agent, other_agent, l1_team
):
    ticket = services.ticket_create(
        actor=agent, title="t", description="d", requester_name="R", requester_email="r@example.com"
    )
    response = agent_client.post(
        f"/tickets/{ticket.pk}/update/",
        {"impact": 3, "urgency": 3, "team": l1_team.pk, "assignee": other_agent.pk},
    )
    assert response.status_code == 400
    assert "assignee" in response.context["properties_form"].errors
    response = agent_client.post(
        f"/tickets/{ticket.pk}/update/",
        {"impact": 2, "urgency": 1, "team": l1_team.pk, "assignee": agent.pk},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority) == (agent, "P1")


def test_requester_cannot_use_the_routing_form(client, requester, l1_team):
    ticket = services.ticket_create(actor=requester, title="t", description="d")
    client.force_login(requester)
    response = client.post(f"/tickets/{ticket.pk}/update/", {"impact": 1, "urgency": 1})
    assert response.status_code == 403
