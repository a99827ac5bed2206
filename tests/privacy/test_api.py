import io
import json
import zipfile

import pytest

from reports.privacy.models import ErasureLog, ExportJob
from tests.factories import AdminFactory
from tests.privacy.conftest import EMAIL, NAME
from tickets.models import Ticket

ERASE = "/api/v1/privacy/erasures/"
EXPORT = "/api/v1/privacy/exports/"


@pytest.fixture
def admin_api(api_as, db):
    return api_as(AdminFactory(username="root"))


def test_an_admin_erases_a_requester_through_the_api(admin_api, person):
    answer = admin_api.post(ERASE, {"email": EMAIL}, format="json")
    assert answer.status_code == 201, answer.json()
    log = ErasureLog.objects.get()
    assert answer.json()["pseudonym"] == log.pseudonym
    assert answer.json()["tickets"] == 3
    assert not Ticket.objects.filter(requester_email=EMAIL).exists()
    listed = admin_api.get(ERASE).json()["results"]
    assert [row["id"] for row in listed] == [log.pk]


def test_erasing_twice_an_unknown_or_bad_address_are_clear_4xx(admin_api, person):
    assert admin_api.post(ERASE, {"email": EMAIL}, format="json").status_code == 201
    again = admin_api.post(ERASE, {"email": EMAIL}, format="json")
    assert again.status_code == 404
    assert "already erased" in again.json()["email"][0]
    unknown = admin_api.post(ERASE, {"email": "nobody@x.example"}, format="json")
    assert unknown.status_code == 404
    bad = admin_api.post(ERASE, {"email": "not-an-address"}, format="json")
    assert bad.status_code == 400
    assert "email" in bad.json()
    extra = admin_api.post(ERASE, {"email": EMAIL, "force": True}, format="json")
    assert extra.status_code == 400
    assert "force" in extra.json()
    assert ErasureLog.objects.count() == 1


def test_a_legal_hold_answers_409_and_erases_nothing(admin_api, person):
    person.org.legal_hold = True
    person.org.save()
    answer = admin_api.post(ERASE, {"email": EMAIL}, format="json")
    assert answer.status_code == 409
    assert "legal hold" in answer.json()["detail"]
    assert Ticket.objects.filter(requester_email=EMAIL).count() == 3


def test_staff_cannot_be_erased_here(admin_api, person):
    answer = admin_api.post(ERASE, {"email": person.agent.email}, format="json")
    assert answer.status_code == 400
    assert "staff" in answer.json()["email"][0]


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_only_admins_use_the_privacy_api(api_as, person, who):
    api = api_as(person.agent if who == "agent" else person.user)
    assert api.post(ERASE, {"email": EMAIL}, format="json").status_code == 403
    assert api.get(ERASE).status_code == 403
    assert api.post(EXPORT, {"email": EMAIL}, format="json").status_code == 403
    assert api.get("/api/v1/privacy/retention/").status_code == 403
    assert not ErasureLog.objects.exists()
    assert not ExportJob.objects.exists()


def test_an_export_round_trips_through_the_api(
    admin_api, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_api.post(EXPORT, {"email": EMAIL, "region": "eu"}, format="json")
    assert answer.status_code == 202, answer.json()
    job = admin_api.get(f"{EXPORT}{answer.json()['id']}/").json()
    assert (job["status"], job["progress"]) == ("ready", 100)
    download = admin_api.get(job["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    data = json.loads(archive.read("data.json"))
    assert data["email"] == EMAIL
    tickets = data["data"]["tickets.ticket"]
    assert sorted(t["id"] for t in tickets) == sorted(t.pk for t in person.tickets)
    assert {t["requester_name"] for t in tickets} == {NAME}
    assert len(data["data"]["tickets.comment"]) == 6
    assert data["data"]["tickets.user"][0]["email"] == EMAIL
    assert "password" not in data["data"]["tickets.user"][0]
    assert person.other.pk not in [t["id"] for t in tickets]


def test_an_export_limited_to_another_region_holds_no_ticket(
    admin_api, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_api.post(EXPORT, {"email": EMAIL, "region": "us"}, format="json")
    job = admin_api.get(f"{EXPORT}{answer.json()['id']}/").json()
    download = admin_api.get(job["download_url"])
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).read("data.json")
    )
    assert "tickets.ticket" not in data["data"]
    assert data["data"]["tickets.user"][0]["email"] == EMAIL


def test_export_links_are_signed_expire_and_are_for_admins(
    admin_api, api_as, person, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job_id = admin_api.post(EXPORT, {"email": EMAIL}, format="json").json()["id"]
    url = admin_api.get(f"{EXPORT}{job_id}/").json()["download_url"]
    assert admin_api.get(url + "x").status_code == 410
    assert admin_api.get(url.split("?")[0]).status_code == 410
    assert api_as(person.agent).get(url).status_code == 403
    from datetime import timedelta

    from django.utils import timezone

    from reports.privacy.services.export import exports_expire

    assert exports_expire(now=timezone.now() + timedelta(hours=25)) == 1
    gone = api_as(AdminFactory(username="root2")).get(url)
    assert gone.status_code == 410
    job = ExportJob.objects.get(pk=job_id)
    assert (job.status, job.email, job.archive) == ("expired", "", "")


def test_an_export_of_an_unknown_address_is_404(admin_api, db):
    answer = admin_api.post(EXPORT, {"email": "nobody@x.example"}, format="json")
    assert answer.status_code == 404
    assert not ExportJob.objects.exists()


def test_the_ticket_list_filters_by_region(admin_api, person):
    listed = admin_api.get("/api/v1/tickets/", {"region": "eu"}).json()["results"]
    assert sorted(t["id"] for t in listed) == sorted(t.pk for t in person.tickets)
    assert admin_api.get("/api/v1/tickets/", {"region": "us"}).json()["results"] == []
    bad = admin_api.get("/api/v1/tickets/", {"region": "mars"})
    assert bad.status_code == 400
    assert "region" in bad.json()


def test_the_privacy_lists_take_a_fixed_number_of_queries(
    admin_api, person, django_assert_num_queries
):
    from tests.factories import AdminFactory as Admin

    boss = Admin(username="boss2")
    for number in range(5):
        ErasureLog.objects.create(pseudonym=f"p{number}", erased_by=boss)
        ExportJob.objects.create(email=f"x{number}@x.example", status="ready", archive="a.zip")
    admin_api.get(ERASE)  # token and content types cached
    # Session-less token auth: token + user, count, page.
    with django_assert_num_queries(3):
        assert len(admin_api.get(ERASE).json()["results"]) == 5
    with django_assert_num_queries(3):
        assert len(admin_api.get(EXPORT).json()["results"]) == 5


def test_an_admin_sets_and_lifts_legal_holds_through_the_api(admin_api, person):
    from tickets.models import Organization, TicketEvent

    url = "/api/v1/privacy/legal-holds/"
    ticket = person.tickets[0]
    payload = {"on": True, "tickets": [ticket.pk], "organizations": [person.org.pk]}
    answer = admin_api.post(url, payload, format="json")
    assert answer.json() == {"tickets_changed": 1, "organizations_changed": 1}
    assert Ticket.objects.get(pk=ticket.pk).legal_hold
    assert Organization.objects.get(pk=person.org.pk).legal_hold
    assert TicketEvent.objects.filter(ticket=ticket, field="legal_hold").count() == 1
    assert admin_api.post(ERASE, {"email": EMAIL}, format="json").status_code == 409
    payload["on"] = False
    assert admin_api.post(url, payload, format="json").json()["tickets_changed"] == 1
    assert admin_api.post(ERASE, {"email": EMAIL}, format="json").status_code == 201


def test_legal_hold_requests_with_bad_input_are_400(admin_api, api_as, person):
    url = "/api/v1/privacy/legal-holds/"
    empty = admin_api.post(url, {"on": True}, format="json")
    assert empty.status_code == 400
    assert "tickets" in empty.json()
    unknown = admin_api.post(url, {"on": True, "tickets": [999999]}, format="json")
    assert unknown.status_code == 400
    assert "tickets" in unknown.json()
    missing = admin_api.post(url, {"tickets": [person.tickets[0].pk]}, format="json")
    assert "on" in missing.json()
    agent = api_as(person.agent).post(url, {"on": True, "tickets": [person.tickets[0].pk]})
    assert agent.status_code == 403
    assert not Ticket.objects.filter(legal_hold=True).exists()
