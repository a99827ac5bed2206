"""Attachments: limits, allowed types, forged content, permission-checked download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory, create_ticket
from tickets.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ATTACHMENT_MAX_BYTES = 1024
    settings.ATTACHMENT_MAX_COUNT = 2
    return tmp_path / "media"


@pytest.fixture
def ticket(agent, requester, policy):
    return create_ticket(agent, requester_email=requester.email)


def post(client, ticket, *files, **data):
    return client.post(
        f"/tickets/{ticket.pk}/comment/",
        {"body": "See attached", "is_public": "public", "attachments": list(files), **data},
    )


def stored(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_reply_with_a_file_shows_it_and_downloads_it_safely(client, agent, ticket, media):
    client.force_login(agent)
    response = post(client, ticket, SimpleUploadedFile("screen.png", PNG, "image/png"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.comment is not None
    assert ticket.events.filter(field="attachment", new_value="screen.png").exists()
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f'href="/attachments/{attachment.pk}/"' in page
    download = client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("big.txt", b"a" * 2048, "text/plain"), "larger than"),
        (SimpleUploadedFile("run.exe", b"MZ....", "application/octet-stream"), "not accepted"),
        (SimpleUploadedFile("fake.png", b"<script>alert(1)</script>", "image/png"), "not the kind"),
        (SimpleUploadedFile("fake.txt", b"\x00\x01binary", "text/plain"), "not the kind"),
    ],
)
def test_refused_files_leave_nothing_behind(client, agent, ticket, media, upload, message):
    client.force_login(agent)
    response = post(client, ticket, upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert not ticket.comments.exists()
    assert stored(media) == []


def test_too_many_files_are_refused(client, agent, ticket, media):
    client.force_login(agent)
    files = [SimpleUploadedFile(f"n{i}.txt", b"hello", "text/plain") for i in range(3)]
    assert post(client, ticket, *files).status_code == 400
    assert not Attachment.objects.exists()


def test_strangers_and_requesters_of_internal_notes_get_404(
    client, agent, requester, ticket, media
):
    client.force_login(agent)
    post(
        client,
        ticket,
        SimpleUploadedFile("notes.txt", b"internal", "text/plain"),
        is_public="internal",
    )
    attachment = Attachment.objects.get()
    client.force_login(requester)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404
    client.force_login(UserFactory(username="stranger"))
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_a_requester_attaches_to_their_reply(client, requester, ticket, media):
    client.force_login(requester)
    response = client.post(
        f"/tickets/{ticket.pk}/comment/",
        {"body": "Logs", "attachments": [SimpleUploadedFile("app.log", b"ERROR x", "text/plain")]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 200


def test_the_api_takes_files_in_multipart_and_lists_them(api_as, agent, ticket, media):
    client = api_as(agent)
    url = f"/api/v1/tickets/{ticket.pk}/comments/"
    created = client.post(
        url,
        {"body": "Screenshot", "attachments": [SimpleUploadedFile("s.png", PNG, "image/png")]},
        format="multipart",
    )
    assert created.status_code == 201, created.json()
    (listed,) = created.json()["attachments"]
    assert listed["name"] == "s.png"
    assert client.get(listed["url"]).status_code == 200
    refused = client.post(
        url,
        {"body": "x", "attachments": [SimpleUploadedFile("x.png", b"GIF89a", "image/png")]},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "attachments" in refused.json()
    assert ticket.comments.count() == 1
    plain = client.post(url, {"body": "no files"}, format="json")
    assert plain.status_code == 201


def test_a_new_ticket_takes_files_and_a_refusal_creates_nothing(client, requester, agent, media):
    from tickets.models import Ticket

    client.force_login(requester)
    data = {"title": "Broken", "description": "See the picture", "impact": 3, "urgency": 3}
    refused = client.post(
        "/tickets/new/",
        {**data, "attachments": [SimpleUploadedFile("a.png", b"not png", "image/png")]},
    )
    assert refused.status_code == 200
    assert "not the kind of file" in refused.content.decode()
    assert not Ticket.objects.exists()
    assert stored(media) == []
    created = client.post(
        "/tickets/new/", {**data, "attachments": [SimpleUploadedFile("a.png", PNG, "image/png")]}
    )
    assert created.status_code == 302
    ticket = Ticket.objects.get()
    attachment = ticket.attachments.get()
    assert f'href="/attachments/{attachment.pk}/"' in client.get(created.url).content.decode()


def test_ticket_page_query_count_is_flat_with_files_followers_and_cc(client, agent, ticket, media):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets import services

    client.force_login(agent)
    post(client, ticket, SimpleUploadedFile("a.txt", b"one", "text/plain"))
    with CaptureQueriesContext(connection) as few:
        client.get(ticket.get_absolute_url())
    for n in range(6):
        post(client, ticket, SimpleUploadedFile(f"b{n}.txt", b"more", "text/plain"))
        services.cc_add(ticket=ticket, actor=agent, email=f"cc{n}@example.com")
    services.ticket_follow(ticket=ticket, actor=agent)
    with CaptureQueriesContext(connection) as many:
        client.get(ticket.get_absolute_url())
    assert len(few) > 5
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "name",
    [
        "r" * 240 + ".png",  # longer than a name is kept
        "отчёт-" * 40 + ".png",  # 240 letters of two bytes: 480 bytes, over a file system's 255
    ],
)
def test_a_long_file_name_is_shortened_keeping_its_extension(client, agent, ticket, media, name):
    client.force_login(agent)
    response = post(client, ticket, SimpleUploadedFile(name, PNG, "image/png"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name.endswith(".png")
    assert len(attachment.name) <= 200
    assert attachment.name[:10] == name[:10]
    (path,) = stored(media)
    assert path.suffix == ".png"
    assert len(path.name.encode()) <= 255
    download = client.get(f"/attachments/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PNG


def test_the_file_fields_say_the_limits_before_anything_is_sent(client, agent, settings):
    settings.ATTACHMENT_MAX_COUNT, settings.ATTACHMENT_MAX_BYTES = 3, 2 * 1024 * 1024
    settings.ATTACHMENT_TYPES = ["pdf", "png"]
    client.force_login(agent)
    body = client.get("/tickets/new/").content.decode()
    assert "Up to 3 files of at most 2 MB each: pdf, png." in body
    assert 'accept=".pdf,.png"' in body
