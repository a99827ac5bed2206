"""Stored files (attachments, once they exist) go into the export archive and are
deleted by the erasure, through the holder that registers them."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from reports.privacy.services.erasure import requester_erase
from reports.privacy.services.export import archive_storage, export_prepare, export_request
from tests.privacy.conftest import EMAIL
from tickets import holders


class ScreenshotHolder(holders.Holder):
    """One stored file per ticket in scope, as an attachment holder would have."""

    key = "test.screenshot"

    def files(self, scope):
        return [(f"shots/{pk}.png", f"test.screenshot/{pk}.png") for pk in sorted(scope.ticket_ids)]


@pytest.fixture
def screenshots(person, monkeypatch):
    monkeypatch.setitem(holders._REGISTRY, ScreenshotHolder.key, ScreenshotHolder())
    for ticket in person.tickets:
        default_storage.save(f"shots/{ticket.pk}.png", ContentFile(b"\x89PNG fake"))
    return [f"shots/{t.pk}.png" for t in person.tickets]


def test_files_go_into_the_export_archive(person, screenshots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(email=EMAIL, actor=None)
    job = export_prepare(job_id=str(job.pk))
    with archive_storage().open(job.archive, "rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))
    data = json.loads(archive.read("data.json"))
    assert sorted(data["files"]) == sorted(
        f"files/test.screenshot/{t.pk}.png" for t in person.tickets
    )
    assert archive.read(data["files"][0]) == b"\x89PNG fake"


def test_erasure_deletes_the_files_after_the_commit(
    person, screenshots, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        log = requester_erase(email=EMAIL, actor=None)
    assert log.files_deleted == 3
    assert not any(default_storage.exists(name) for name in screenshots)
