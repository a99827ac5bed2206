"""The inbox page, its unread count in the navigation, preferences, and their API."""

import pytest
from django.urls import reverse

from notifications.models import Notification, Preference
from notifications.recipients import Recipient
from notifications.services.dispatch import event_emit
from tests.factories import TeamFactory, TicketFactory, UserFactory


@pytest.fixture
def reader(db):
    """An agent (the SLA and escalation events are offered to agents only)."""
    user = UserFactory(username="reader")
    TeamFactory(members=[user])
    return user


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def notify(user, n=1, kind="ticket.assigned"):
    ticket = TicketFactory()
    for _ in range(n):
        event_emit(kind=kind, ticket=ticket, recipients=[Recipient(user=user)])
    return ticket


def test_navigation_shows_the_unread_count_without_an_extra_query(
    reader_client, reader, django_assert_num_queries
):
    notify(reader, 3)
    Notification.objects.filter(pk=Notification.objects.filter(recipient=reader)[0].pk).update(
        read_at="2026-01-01T00:00:00Z"
    )
    response = reader_client.get(reverse("notifications:preferences"))
    assert '<span class="badge bg-danger" id="unread-count"' in response.content.decode()
    assert response.context["user"].unread_notifications == 2
    # session, user with its unread count, the user's teams (navigation), preferences
    with django_assert_num_queries(4):
        reader_client.get(reverse("notifications:preferences"))


def test_inbox_lists_only_my_notifications_and_marks_them_read(reader_client, reader):
    ticket = notify(reader, 2)
    notify(UserFactory(username="someone-else"))
    page = reader_client.get(reverse("notifications:inbox"))
    assert len(page.context["page"].object_list) == 2
    mine = Notification.objects.filter(recipient=reader).first()
    response = reader_client.post(reverse("notifications:read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    mine.refresh_from_db()
    assert mine.read_at is not None
    unread = reader_client.get(reverse("notifications:inbox") + "?unread=1")
    assert len(unread.context["page"].object_list) == 1
    reader_client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()


def test_someone_elses_notification_is_a_404(reader_client):
    other = UserFactory(username="someone-else")
    notify(other)
    theirs = Notification.objects.get(recipient=other)
    assert reader_client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_inbox_query_count_does_not_grow_with_the_page(
    reader_client, reader, django_assert_num_queries
):
    notify(reader, 3)
    # session, user with its unread count, count, teams (navigation), page with tickets
    with django_assert_num_queries(5):
        reader_client.get(reverse("notifications:inbox"))
    notify(reader, 40)
    with django_assert_num_queries(5):
        reader_client.get(reverse("notifications:inbox"))


def test_inbox_needs_login(client, db):
    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('notifications:inbox')}"


def test_preferences_page_saves_choices(reader_client, reader):
    response = reader_client.post(
        reverse("notifications:preferences"),
        {"sla.breach__inapp": "on", "ticket.assigned__email": "on"},
    )
    assert response.status_code == 302
    chosen = {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(user=reader)}
    assert chosen[("sla.breach", "inapp")] is True
    assert chosen[("sla.breach", "email")] is False
    assert chosen[("ticket.assigned", "email")] is True
    assert chosen[("escalation.escalated", "inapp")] is False
    notify(reader, kind="escalation.escalated")
    assert not Notification.objects.filter(recipient=reader).exists()


def test_api_lists_my_notifications_and_marks_read(api_as, reader):
    notify(reader, 3)
    notify(UserFactory(username="someone-else"))
    api = api_as(reader)
    listed = api.get("/api/v1/notifications/").json()
    assert listed["count"] == 3
    first = listed["results"][0]
    assert first["unread"] is True
    assert first["kind"] == "ticket.assigned"
    assert api.post(f"/api/v1/notifications/{first['id']}/read/").json()["unread"] is False
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 2
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    theirs = Notification.objects.get(recipient__username="someone-else")
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404


def test_api_notification_list_query_count_is_flat(api_as, reader, django_assert_num_queries):
    api = api_as(reader)
    notify(reader, 2)
    # token with its user, count, page with tickets
    with django_assert_num_queries(3):
        api.get("/api/v1/notifications/")
    notify(reader, 30)
    with django_assert_num_queries(3):
        api.get("/api/v1/notifications/")


def test_requesters_are_offered_only_the_events_they_are_told_of(api_as, client, db):
    requester = UserFactory(username="requester")
    kinds = {
        row["kind"] for row in api_as(requester).get("/api/v1/notifications/preferences/").json()
    }
    assert {"ticket.replied", "ticket.status", "ticket.resolved", "update.sent"} <= kinds
    assert kinds.isdisjoint({"sla.breach", "escalation.escalated", "report.digest"})
    client.force_login(requester)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Public reply" in page
    assert "SLA breached" not in page
    assert "Weekly report digest" not in page


def test_api_preferences_read_and_update(api_as, reader):
    api = api_as(reader)
    grid = {row["kind"]: row for row in api.get("/api/v1/notifications/preferences/").json()}
    assert grid["sla.breach"]["email"] is True
    assert grid["sla.warning"]["email"] is False
    updated = api.put(
        "/api/v1/notifications/preferences/",
        [{"kind": "sla.warning", "email": True}, {"kind": "sla.breach", "inapp": False}],
        format="json",
    )
    assert updated.status_code == 200
    grid = {row["kind"]: row for row in updated.json()}
    assert grid["sla.warning"]["email"] is True
    assert grid["sla.breach"]["inapp"] is False
    assert grid["sla.breach"]["email"] is True


@pytest.mark.parametrize(
    "payload",
    [
        [{"kind": "no.such.event", "email": True}],
        [{"kind": "sla.breach", "email": "maybe"}],
        [{"kind": "sla.breach", "sms": True}],
        {"kind": "sla.breach"},
        [{"kind": "sla.breach", "email": True}, {"kind": "sla.breach", "email": False}],
    ],
)
def test_api_preferences_refuse_bad_input(api_as, reader, payload):
    response = api_as(reader).put("/api/v1/notifications/preferences/", payload, format="json")
    assert response.status_code == 400
    assert not Preference.objects.exists()


def test_api_preferences_refuse_a_list_longer_than_the_events_before_reading_it(
    api_as, reader, django_assert_max_num_queries
):
    rows = [{"kind": "sla.breach", "email": True}] * 20_000
    with django_assert_max_num_queries(8):  # the session and the user's events, no row
        response = api_as(reader).put("/api/v1/notifications/preferences/", rows, format="json")
    assert response.status_code == 400
    events = len(api_as(reader).get("/api/v1/notifications/preferences/").json())
    assert response.json() == {"non_field_errors": [f"At most {events} rows, one per event."]}
    assert not Preference.objects.exists()


def test_api_preferences_say_an_unknown_event_without_repeating_it(api_as, reader):
    kind = "x" * 100_000
    response = api_as(reader).put(
        "/api/v1/notifications/preferences/", [{"kind": kind, "email": True}], format="json"
    )
    assert response.status_code == 400
    assert response.json() == [{"kind": ["Not an event you can be told of."]}]


def test_api_preferences_refuse_a_requester_the_agents_events(api_as, db):
    requester = UserFactory(username="requester")
    response = api_as(requester).put(
        "/api/v1/notifications/preferences/",
        [{"kind": "ticket.replied", "email": False}, {"kind": "sla.breach", "email": True}],
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == [{}, {"kind": ["Not an event you can be told of."]}]
    assert not Preference.objects.exists()


@pytest.mark.parametrize("bad", ["abc", "1.5", "-1", "%20"])
def test_api_marking_a_malformed_id_read_is_a_404(api_as, agent, bad):
    response = api_as(agent).post(f"/api/v1/notifications/{bad}/read/")
    assert response.status_code == 404


def test_inbox_messages_are_rendered_once_per_language_and_zone(db):
    from unittest import mock

    from notifications.services import dispatch

    same = [UserFactory(username=f"same{n}", language="fr", time_zone="UTC") for n in range(3)]
    other = UserFactory(username="other", language="pl", time_zone="UTC")
    ticket = TicketFactory()
    with mock.patch.object(dispatch, "render_message", wraps=dispatch.render_message) as render:
        event_emit(
            kind="ticket.assigned",
            ticket=ticket,
            recipients=[Recipient(user=user) for user in [*same, other]],
        )
    # Three readers of French share one rendering, the Polish one has their own;
    # none renders the e-mail HTML an inbox row does not keep.
    assert render.call_count == 2
    assert {call.kwargs["html"] for call in render.call_args_list} == {False}
    bodies = dict(Notification.objects.values_list("recipient__username", "body"))
    assert bodies["same0"] == bodies["same1"] == bodies["same2"] != bodies["other"]


def test_a_template_naming_its_recipient_is_rendered_for_each(db):
    from notifications.models import MessageTemplate

    MessageTemplate.objects.create(
        kind="ticket.assigned",
        language="",
        subject="Hello {{ recipient }}",
        body_text="{{ recipient }}, {{ ticket.reference }} is yours.",
    )
    people = [UserFactory(username=f"p{n}", first_name=f"Name{n}") for n in range(3)]
    ticket = TicketFactory()
    event_emit(
        kind="ticket.assigned", ticket=ticket, recipients=[Recipient(user=u) for u in people]
    )
    for person in people:
        note = Notification.objects.get(recipient=person)
        assert note.subject == f"Hello {person}"
        assert note.body.startswith(f"{person}, ")


def test_an_empty_inbox_says_what_would_arrive_there(client, agent, requester):
    client.force_login(agent)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "tickets you are assigned, follow or asked to escalate" in page
    assert reverse("notifications:preferences") in page
    assert (
        "Nothing unread."
        in client.get(reverse("notifications:inbox") + "?unread=1").content.decode()
    )

    client.force_login(requester)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "replies and changes on the tickets you filed" in page
    assert "escalate" not in page
