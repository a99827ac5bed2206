"""Canned replies: offered by team, placeholders filled, optional status set."""

from django.contrib.messages import get_messages

from tests.factories import TeamFactory, UserFactory, create_ticket
from tickets.models import CannedReply, Status


def test_a_canned_reply_fills_the_box_and_sets_the_status(client, agent, l1_team, policy):
    ticket = create_ticket(agent, team=l1_team, requester_name="Rita")
    reply = CannedReply.objects.create(
        title="Need logs",
        body="Hello {requester_name}, please send the logs for {reference}. {oops}",
        team=l1_team,
        set_status=Status.PENDING,
    )
    other = TeamFactory(name="Other team")
    CannedReply.objects.create(title="Not ours", body="x", team=other)
    client.force_login(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Need logs" in page
    assert "Not ours" not in page
    page = client.get(f"{ticket.get_absolute_url()}?canned={reply.pk}").content.decode()
    assert f"Hello Rita, please send the logs for {ticket.reference}. {{oops}}" in page
    assert 'name="set_status" value="pending"' in page
    response = client.post(
        f"/tickets/{ticket.pk}/comment/",
        {"body": "Hello Rita, logs please", "is_public": "public", "set_status": "pending"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.comments.get().body == "Hello Rita, logs please"
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert told == [
        "Reply sent: the requester sees it. Status changed to Pending (waiting on customer)."
    ]


def test_requesters_get_no_canned_replies_and_cannot_set_status(client, agent, l1_team, policy):
    requester = UserFactory(username="cust", email="cust@example.com")
    ticket = create_ticket(agent, team=l1_team, requester_email="cust@example.com")
    CannedReply.objects.create(title="Need logs", body="x")
    client.force_login(requester)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Need logs" not in page
    client.post(f"/tickets/{ticket.pk}/comment/", {"body": "hi", "set_status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status != Status.CLOSED


def test_a_misspelt_placeholder_is_refused_in_admin(admin_client):
    url = "/admin/tickets/cannedreply/add/"
    data = {"title": "Hello", "body": "Hello {requester} about {reference} {", "is_active": "on"}

    refused = admin_client.post(url, data)

    assert refused.status_code == 200
    assert "Unknown placeholders: {requester}." in refused.content.decode()
    assert not CannedReply.objects.exists()
    fixed = {**data, "body": "Hello {requester_name} about {reference} {"}  # a lone brace is text
    assert admin_client.post(url, fixed).status_code == 302
