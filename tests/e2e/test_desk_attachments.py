"""Attachments in a real browser: upload with a reply, see it in the timeline,
download it."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import create_ticket
from tickets.models import Attachment

pytestmark = pytest.mark.e2e


def test_upload_and_download_an_attachment(page, log_in, agent, policy, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ticket = create_ticket(agent, title="Screen flickers")
    upload = tmp_path / "flicker.txt"
    upload.write_text("frame drops at 60 Hz\n")
    log_in(page, "agent1")
    page.goto(ticket.get_absolute_url())
    page.locator("#comment-form textarea[name=body]").fill("Log attached")
    page.locator("#comment-form input[type=file]").set_input_files(str(upload))
    page.locator("#comment-form").get_by_role("button", name="Send").click()
    expect(page.locator(".alert-success")).to_contain_text("Reply sent: the requester sees it.")
    link = page.locator("#timeline a[data-attachment]")
    expect(link).to_contain_text("flicker.txt")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "flicker.txt"
    assert Path(download.path()).read_text() == "frame drops at 60 Hz\n"
    assert Attachment.objects.get().ticket_id == ticket.pk


def test_a_forged_file_is_refused_with_a_message(page, log_in, agent, policy, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    ticket = create_ticket(agent, title="Screen flickers")
    forged = tmp_path / "photo.png"
    forged.write_text("<html>not a picture</html>")
    log_in(page, "agent1")
    page.goto(ticket.get_absolute_url())
    page.locator("#comment-form textarea[name=body]").fill("Photo")
    page.locator("#comment-form input[type=file]").set_input_files(str(forged))
    page.locator("#comment-form").get_by_role("button", name="Send").click()
    expect(page.locator("#comment-form")).to_contain_text("not the kind of file")
    assert not Attachment.objects.exists()
