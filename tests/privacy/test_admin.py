import pytest
from django.urls import reverse

from reports.privacy.models import ErasureLog, ExportJob, RetentionRun
from tests.factories import AdminFactory
from tests.privacy.conftest import EMAIL
from tickets.models import Ticket, TicketEvent

ERASE = "/admin/privacy/erasurelog/add/"
EXPORT = "/admin/privacy/exportjob/add/"


@pytest.fixture
def admin_client(client, db):
    client.force_login(AdminFactory(username="root"))
    return client


def test_the_admin_erases_a_requester_from_its_page(admin_client, person):
    page = admin_client.get(ERASE)
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    answer = admin_client.post(ERASE, {"email": EMAIL, "confirm": "on"}, follow=True)
    log = ErasureLog.objects.get()
    assert f"now name {log.pseudonym}" in answer.content.decode()
    assert not Ticket.objects.filter(requester_email=EMAIL).exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", "Nothing is held about this address"),
        ("unconfirmed", "This field is required"),
        ("bad", "Enter a valid email address"),
        ("held", "legal hold"),
    ],
)
def test_the_erasure_page_says_why_it_refuses(admin_client, person, case, message):
    data = {"email": EMAIL, "confirm": "on"}
    if case == "unknown":
        data["email"] = "nobody@x.example"
    elif case == "unconfirmed":
        del data["confirm"]
    elif case == "bad":
        data["email"] = "zofia"
    else:
        person.org.legal_hold = True
        person.org.save()
    answer = admin_client.post(ERASE, data)
    assert answer.status_code == 200
    assert message in answer.content.decode()
    assert not ErasureLog.objects.exists()


def test_agents_cannot_reach_the_privacy_admin(client, person):
    person.agent.is_staff = True
    person.agent.save()
    client.force_login(person.agent)
    assert client.get(ERASE).status_code == 403
    assert client.post(ERASE, {"email": EMAIL, "confirm": "on"}).status_code == 403
    assert client.get(EXPORT).status_code == 403
    assert not ErasureLog.objects.exists()


def test_the_admin_exports_follows_progress_and_downloads(
    admin_client, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(EXPORT, {"email": EMAIL, "region": ""})
    job = ExportJob.objects.get()
    assert answer.url == reverse("admin:privacy_exportjob_change", args=[job.pk])
    page = admin_client.get(answer.url).content.decode()
    assert "100 %" in page
    assert 'id="export-download"' in page
    link = page.split('id="export-download" href="')[1].split('"')[0].replace("&amp;", "&")
    download = admin_client.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert admin_client.get(link.replace("token=", "token=x")).status_code == 410
    listed = admin_client.get("/admin/privacy/exportjob/").content.decode()
    assert EMAIL in listed


def test_a_queued_export_page_refreshes_itself(admin_client, person):
    job = ExportJob.objects.create(email=EMAIL)
    page = admin_client.get(reverse("admin:privacy_exportjob_change", args=[job.pk]))
    assert 'http-equiv="refresh"' in page.content.decode()


def test_the_retention_dry_run_page_counts_and_changes_nothing(admin_client, person, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.PRIVACY_RETENTION_DAYS = 30
    Ticket.objects.filter(status="closed").update(closed_at=timezone.now() - timedelta(days=40))
    page = admin_client.get("/admin/privacy/retentionrun/dry-run/").content.decode()
    assert "would pseudonymise 1 closed tickets and delete 0" in page
    assert "Acme Retail" in page
    assert admin_client.get("/admin/privacy/retentionrun/").status_code == 200
    assert not RetentionRun.objects.exists()
    assert not Ticket.objects.filter(pseudonymised_at__isnull=False).exists()


def test_a_legal_hold_is_set_and_lifted_from_the_ticket_list(admin_client, person):
    ticket = person.tickets[0]
    data = {"action": "legal_hold_set", "_selected_action": [ticket.pk]}
    admin_client.post("/admin/tickets/ticket/", data)
    assert Ticket.objects.get(pk=ticket.pk).legal_hold
    event = TicketEvent.objects.filter(ticket=ticket, field="legal_hold").get()
    assert (event.old_value, event.new_value) == ("no", "yes")
    data["action"] = "legal_hold_lift"
    admin_client.post("/admin/tickets/ticket/", data)
    assert not Ticket.objects.get(pk=ticket.pk).legal_hold
