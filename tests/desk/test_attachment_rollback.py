"""Files stored for a write that is rolled back are removed from storage: a failed
ticket, reply or status change after the file was saved leaves no file behind."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tests.factories import create_ticket
from tickets.models import Attachment, Status, Ticket
from tickets.services import attachments as attachment_service
from tickets.services.stored_files import atomic_with_files, stored_file_save

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def stored(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def ticket(agent, requester, policy):
    return create_ticket(agent, requester_email=requester.email)


def fail_after_the_file_is_stored(monkeypatch):
    """The audit entry of the attachment (written after the file) fails."""

    def refuse(**kwargs):
        raise ValidationError({"attachments": "The audit trail is unavailable."})

    monkeypatch.setattr(attachment_service, "ticket_event_record", refuse)


def test_a_reply_whose_status_change_fails_leaves_no_file(client, agent, ticket, media):
    assert ticket.status == Status.NEW
    client.force_login(agent)
    response = client.post(
        f"/tickets/{ticket.pk}/comment/",
        {
            "body": "Closing with a picture",
            "is_public": "public",
            # new -> closed is not a move of the workflow: refused after the file is stored
            "set_status": Status.CLOSED,
            "attachments": [SimpleUploadedFile("screen.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 400
    assert not ticket.comments.exists()
    assert not Attachment.objects.exists()
    assert stored(media) == []
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_a_ticket_whose_creation_fails_after_the_file_leaves_no_file(
    client, requester, agent, media, monkeypatch
):
    fail_after_the_file_is_stored(monkeypatch)
    client.force_login(requester)
    response = client.post(
        "/tickets/new/",
        {
            "title": "Broken",
            "description": "See the picture",
            "impact": 3,
            "urgency": 3,
            "attachments": [SimpleUploadedFile("a.png", PNG, "image/png")],
        },
    )
    assert response.status_code == 200
    assert "The audit trail is unavailable." in response.content.decode()
    assert not Ticket.objects.exists()
    assert stored(media) == []


def test_an_api_reply_that_fails_after_the_file_leaves_no_file(
    api_as, agent, ticket, media, monkeypatch
):
    fail_after_the_file_is_stored(monkeypatch)
    response = api_as(agent).post(
        f"/api/v1/tickets/{ticket.pk}/comments/",
        {"body": "Two files", "attachments": [SimpleUploadedFile("s.png", PNG, "image/png")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["attachments"] == ["The audit trail is unavailable."]
    assert not ticket.comments.exists()
    assert stored(media) == []


def _attachment(ticket, agent, name="note.txt"):
    attachment = Attachment(
        ticket=ticket, name=name, content_type="text/plain", size=5, uploaded_by=agent
    )
    stored_file_save(attachment.file, name, ContentFile(b"hello"))
    attachment.save()
    return attachment


def test_a_rolled_back_savepoint_inside_the_block_loses_its_file_only(agent, ticket, media):
    with atomic_with_files():
        kept = _attachment(ticket, agent, "kept.txt")
        try:
            with transaction.atomic():
                _attachment(ticket, agent, "lost.txt")
                raise RuntimeError("undo this part")
        except RuntimeError:
            pass
    assert [p.name for p in stored(media)] == [kept.file.name.rsplit("/", 1)[-1]]
    assert Attachment.objects.get() == kept


def test_set_rollback_removes_the_files_and_a_kept_write_keeps_them(agent, ticket, media):
    with atomic_with_files():
        _attachment(ticket, agent)
        transaction.set_rollback(True)
    assert stored(media) == []
    with atomic_with_files():
        attachment = _attachment(ticket, agent)
    assert [p.name for p in stored(media)] == [attachment.file.name.rsplit("/", 1)[-1]]


def test_an_inner_block_leaves_the_check_to_the_outermost(agent, ticket, media):
    seen_inside = []

    def write():
        with atomic_with_files():
            with atomic_with_files():
                _attachment(ticket, agent)
            seen_inside.append(len(stored(media)))  # its row exists until the outer end
            raise RuntimeError("the outer write fails")

    with pytest.raises(RuntimeError):
        write()
    assert seen_inside == [1]
    assert stored(media) == []


def test_storing_a_file_outside_a_block_is_refused(agent, ticket):
    attachment = Attachment(ticket=ticket, name="x.txt", content_type="text/plain", size=1)
    with pytest.raises(RuntimeError, match="atomic_with_files"):
        stored_file_save(attachment.file, "x.txt", ContentFile(b"x"))


def test_the_orphan_sweep_removes_old_unnamed_files_only(agent, ticket, media):
    import os
    import time
    from io import StringIO

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    with atomic_with_files():
        named = _attachment(ticket, agent, "named.txt")
    orphan = default_storage.save("attachments/2026/01/left.txt", ContentFile(b"x"))
    young = default_storage.save("attachments/2026/11/young.txt", ContentFile(b"x"))
    day_ago = time.time() - 2 * 86400
    for name in (named.file.name, orphan):
        os.utime(default_storage.path(name), (day_ago, day_ago))

    out = StringIO()
    call_command("attachments_orphans", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [orphan, "1 orphaned file(s) would be removed."]
    assert default_storage.exists(orphan)
    call_command("attachments_orphans", stdout=StringIO())
    assert not default_storage.exists(orphan)
    assert default_storage.exists(young)
    assert default_storage.exists(named.file.name)


def test_beat_removes_orphaned_files_daily(agent, ticket, media, settings):
    import os
    import time

    from django.conf import settings as conf
    from django.core.files.storage import default_storage

    from tickets.tasks import remove_orphaned_attachments

    assert "tickets.tasks.remove_orphaned_attachments" in {
        entry["task"] for entry in conf.CELERY_BEAT_SCHEDULE.values()
    }
    from django.utils import timezone

    this_month = timezone.now().strftime("attachments/%Y/%m")
    orphan = default_storage.save(f"{this_month}/left.txt", ContentFile(b"x"))
    young = default_storage.save(f"{this_month}/young.txt", ContentFile(b"x"))
    old = default_storage.save("attachments/2020/01/old.txt", ContentFile(b"x"))
    day_ago = time.time() - 2 * 86400
    for name in (orphan, old):
        os.utime(default_storage.path(name), (day_ago, day_ago))

    assert remove_orphaned_attachments.apply().get() == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(young)
    assert default_storage.exists(old)  # older months: the command, by hand
