"""Attachments, CC addresses and surveys: exported with the person, removed by
erasure and retention, their stored files deleted after the commit."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from reports.models import SurveyOptOut, SurveyResponse
from reports.privacy.services.erasure import requester_erase
from reports.privacy.services.export import archive_storage, export_prepare, export_request
from reports.privacy.services.retention import tickets_delete, tickets_pseudonymise
from tests.privacy.conftest import EMAIL, NAME
from tickets.models import Attachment, CcAddress, TicketEvent


@pytest.fixture
def stored(person):
    """The stored names of the fixture's two attachments (hers, and an agent's)."""
    names = list(Attachment.objects.order_by("pk").values_list("file", flat=True))
    assert len(names) == 2
    assert all(default_storage.exists(name) for name in names)
    return names


def test_the_export_holds_the_files_cc_addresses_and_survey(
    person, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = export_request(email=EMAIL, actor=None)
    job = export_prepare(job_id=str(job.pk))
    with archive_storage().open(job.archive, "rb") as kept:
        archive = zipfile.ZipFile(io.BytesIO(kept.read()))
    data = json.loads(archive.read("data.json"))
    assert len(data["files"]) == 2
    passport = next(name for name in data["files"] if name.endswith("passport.pdf"))
    assert archive.read(passport) == b"%PDF-1.4 her passport"
    assert {row["name"] for row in data["data"]["tickets.attachment"]} == {
        f"{NAME.replace(' ', '_')}_passport.pdf",
        "screenshot.png",
    }
    assert {row["email"] for row in data["data"]["tickets.ccaddress"]} == {
        "marek.nowak@acme-retail.example",  # copied on her ticket
        EMAIL,  # hers, copied on another requester's ticket
    }
    (survey,) = data["data"]["reports.surveyresponse"]
    assert (survey["rating"], survey["comment"]) == (2, f"{NAME} here: it took a week.")
    assert "nonce" not in survey
    assert len(data["data"]["reports.surveyoptout"]) == 1


def test_erasure_removes_the_files_cc_addresses_and_opt_out(
    person, stored, client, django_capture_on_commit_callbacks
):
    attachment = Attachment.objects.get(ticket=person.tickets[1])
    with django_capture_on_commit_callbacks(execute=True):
        log = requester_erase(email=EMAIL, actor=None)
    assert log.files_deleted == 2
    assert log.rows["tickets.attachment"] == 2
    assert not any(default_storage.exists(name) for name in stored)
    assert not Attachment.objects.exists()
    assert not CcAddress.objects.exists()  # hers on another ticket, and those on hers
    assert not SurveyOptOut.objects.exists()
    # The survey's rating stays for the reports; her words are pseudonymised.
    survey = SurveyResponse.objects.get(ticket=person.tickets[2])
    assert survey.rating == 2
    assert NAME not in survey.comment
    # The other requester's ticket forgets that her address was copied on it.
    copied = TicketEvent.objects.filter(ticket=person.other, field="cc")
    assert copied.exists()
    assert not copied.filter(new_value__iexact=EMAIL).exists()
    # A link to a file kept nowhere any more is a 404, not an error.
    client.force_login(person.agent)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404


def test_a_file_missing_from_storage_is_a_404(person, stored, client):
    attachment = Attachment.objects.get(ticket=person.tickets[1])
    default_storage.delete(attachment.file.name)
    client.force_login(person.agent)
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 404


def test_retention_pseudonymising_removes_the_files_of_its_tickets(
    person, stored, django_capture_on_commit_callbacks
):
    ticket = person.tickets[0]
    with django_capture_on_commit_callbacks(execute=True):
        tickets_pseudonymise([(ticket.pk, NAME, EMAIL)], {})
    assert not default_storage.exists(stored[0])
    assert default_storage.exists(stored[1])  # another ticket's
    assert list(Attachment.objects.values_list("ticket_id", flat=True)) == [person.tickets[1].pk]
    assert not CcAddress.objects.filter(ticket=ticket).exists()
    assert CcAddress.objects.filter(ticket=person.other).exists()  # retention: tickets only
    assert SurveyOptOut.objects.exists()


def test_retention_deleting_tickets_deletes_their_files(
    person, stored, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tickets_delete([person.tickets[0].pk, person.tickets[1].pk])
    assert not any(default_storage.exists(name) for name in stored)
    assert not Attachment.objects.exists()
