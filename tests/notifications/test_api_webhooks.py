"""The API of webhooks, the outbox and message templates: admins only, bad input
refused with field messages, lists in a fixed number of queries."""

import json
import socket
from unittest import mock

import pytest

from notifications.models import (
    Delivery,
    DeliveryAttempt,
    EventKind,
    MessageTemplate,
    WebhookEndpoint,
)
from notifications.services.dispatch import event_emit
from tests.notifications.conftest import SECRET

pytestmark = pytest.mark.django_db
WEBHOOKS = "/api/v1/webhooks/"
DELIVERIES = "/api/v1/deliveries/"
TEMPLATES = "/api/v1/message-templates/"


@pytest.fixture
def admin_api(api_as, admin_user):
    return api_as(admin_user)


@pytest.fixture
def private_ok(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return settings


def endpoint_for(url, **fields):
    return WebhookEndpoint.objects.create(name="Ops bridge", url=url, secret=SECRET, **fields)


def emit(n=1):
    return [event_emit(kind=EventKind.SLA_BREACH, extra={"n": i}) for i in range(n)]


def test_every_operation_is_for_admins_only(api, api_as, agent, requester, private_ok):
    endpoint = endpoint_for("http://127.0.0.1:9/")
    emit()
    delivery = Delivery.objects.get()
    template = MessageTemplate.objects.create(kind="sla.breach", subject="s", body_text="b")
    calls = [
        ("get", WEBHOOKS),
        ("post", WEBHOOKS),
        ("get", f"{WEBHOOKS}{endpoint.pk}/"),
        ("patch", f"{WEBHOOKS}{endpoint.pk}/"),
        ("delete", f"{WEBHOOKS}{endpoint.pk}/"),
        ("post", f"{WEBHOOKS}{endpoint.pk}/new-secret/"),
        ("post", f"{WEBHOOKS}{endpoint.pk}/test/"),
        ("get", f"{WEBHOOKS}{endpoint.pk}/deliveries/"),
        ("get", DELIVERIES),
        ("get", f"{DELIVERIES}{delivery.pk}/"),
        ("post", f"{DELIVERIES}{delivery.pk}/retry/"),
        ("get", TEMPLATES),
        ("post", TEMPLATES),
        ("patch", f"{TEMPLATES}{template.pk}/"),
        ("delete", f"{TEMPLATES}{template.pk}/"),
    ]
    for method, url in calls:
        assert getattr(api, method)(url, {}, format="json").status_code == 401, url
    for user in (agent, requester):
        client = api_as(user)
        for method, url in calls:
            assert getattr(client, method)(url, {}, format="json").status_code == 403, url
    endpoint.refresh_from_db()
    assert endpoint.secret == SECRET
    assert Delivery.objects.count() == 1
    assert MessageTemplate.objects.count() == 1


def test_an_admin_creates_an_endpoint_and_gets_its_secret(admin_api, private_ok):
    response = admin_api.post(
        WEBHOOKS,
        {"name": "Status page", "url": "http://10.0.0.5/in", "events": ["sla.breach"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert (body["id"], body["secret"], body["events"]) == (
        endpoint.pk,
        endpoint.secret,
        ["sla.breach"],
    )
    assert (body["is_active"], body["warnings"]) == (True, [])


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"url": "http://169.254.169.254/latest"}, "url", "link-local"),
        ({"url": "ftp://hooks.example.com/in"}, "url", "Only http:// and https://"),
        ({"url": "not a url"}, "url", "Enter a valid URL"),
        ({"events": ["sla.breach", "nope"]}, "events", "not a valid choice"),
        ({"events": ["webhook.disabled"]}, "events", "not a valid choice"),
        ({"events": "sla.breach"}, "events", "list"),
        ({"name": ""}, "name", "may not be blank"),
        ({"secret": "mine"}, "secret", "Unknown field"),
        ({"consecutive_failures": 0}, "consecutive_failures", "Unknown field"),
    ],
)
def test_bad_endpoints_are_refused_with_field_messages(admin_api, payload, field, message):
    data = {"name": "Ops", "url": "https://93.184.215.14/in", **payload}
    response = admin_api.post(WEBHOOKS, data, format="json")
    assert response.status_code == 400
    assert message in str(response.json()[field])
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_whose_host_does_not_resolve_yet_is_saved_with_a_warning(
    admin_api, monkeypatch
):
    def unknown(host, port, *args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    response = admin_api.post(
        WEBHOOKS, {"name": "New", "url": "https://hooks.not-yet.example/in"}, format="json"
    )
    assert response.status_code == 201
    (warning,) = response.json()["warnings"]
    assert "hooks.not-yet.example could not be resolved" in warning
    assert WebhookEndpoint.objects.get().url == "https://hooks.not-yet.example/in"


def test_switching_off_holds_events_and_switching_on_sends_them(
    admin_api, admin_user, private_ok, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for("http://127.0.0.1:9/")
    url = f"{WEBHOOKS}{endpoint.pk}/"
    off = admin_api.patch(url, {"is_active": False}, format="json")
    assert off.status_code == 200
    assert off.json()["disabled_reason"] == f"Switched off by {admin_user}."
    emit(2)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"held"}
    with (
        mock.patch("notifications.tasks.send_backlog.apply_async") as started,
        django_capture_on_commit_callbacks(execute=True),
    ):
        on = admin_api.patch(url, {"is_active": True, "name": "Renamed"}, format="json")
    assert on.status_code == 200
    assert (on.json()["is_active"], on.json()["name"], on.json()["disabled_at"]) == (
        True,
        "Renamed",
        None,
    )
    assert [call.args[0] for call in started.call_args_list] == [(endpoint.pk,)]


def test_a_new_secret_is_made_and_answered(admin_api):
    endpoint = endpoint_for("https://93.184.215.14/in")
    response = admin_api.post(f"{WEBHOOKS}{endpoint.pk}/new-secret/")
    assert response.status_code == 200
    endpoint.refresh_from_db()
    assert response.json() == {"secret": endpoint.secret}
    assert endpoint.secret != SECRET


def test_a_test_event_is_sent_now_and_answered_with_its_delivery(admin_api, private_ok, receiver):
    endpoint = endpoint_for(receiver.url, is_active=False)
    response = admin_api.post(f"{WEBHOOKS}{endpoint.pk}/test/")
    assert response.status_code == 200
    body = response.json()
    assert (body["kind"], body["status"], body["endpoint"]) == ("webhook.test", "sent", endpoint.pk)
    assert [(a["number"], a["status_code"], a["ok"]) for a in body["attempt_log"]] == [
        (1, 200, True)
    ]
    (request,) = receiver.requests
    assert json.loads(request.body)["event"] == "webhook.test"
    receiver.status = 500
    failed = admin_api.post(f"{WEBHOOKS}{endpoint.pk}/test/").json()
    assert failed["status"] == "failed"
    assert failed["last_error"].startswith("HTTP 500")


def test_an_endpoints_delivery_log_lists_its_deliveries_with_attempts_in_fixed_queries(
    admin_api, private_ok, django_assert_num_queries
):
    endpoint = endpoint_for("http://127.0.0.1:9/")
    other = WebhookEndpoint.objects.create(name="Other", url="http://127.0.0.1:9/")
    emit(3)
    for delivery in Delivery.objects.filter(endpoint=endpoint):
        for number in (1, 2):
            DeliveryAttempt.objects.create(
                delivery=delivery, number=number, started_at=delivery.created_at, status_code=500
            )
    url = f"{WEBHOOKS}{endpoint.pk}/deliveries/"
    # the token with its user, the endpoint, count, page, attempts
    with django_assert_num_queries(5):
        response = admin_api.get(url)
    body = response.json()
    assert body["count"] == 3
    assert {row["endpoint"] for row in body["results"]} == {endpoint.pk}
    assert [len(row["attempt_log"]) for row in body["results"]] == [2, 2, 2]
    assert Delivery.objects.filter(endpoint=other).count() == 3


def test_the_outbox_lists_and_filters_deliveries_in_fixed_queries(
    admin_api, private_ok, django_assert_num_queries
):
    endpoint_for("http://127.0.0.1:9/")
    emit(4)
    Delivery.objects.filter(pk=Delivery.objects.first().pk).update(status="failed")
    with django_assert_num_queries(4):  # the token with its user, count, page, attempts
        listing = admin_api.get(DELIVERIES)
    assert listing.json()["count"] == 4
    failed = admin_api.get(DELIVERIES, {"status": "failed"}).json()
    assert failed["count"] == 1
    bad = admin_api.get(DELIVERIES, {"status": "lost"})
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_a_failed_delivery_is_sent_again_and_a_sent_one_is_a_conflict(
    admin_api, private_ok, django_capture_on_commit_callbacks
):
    endpoint_for("http://127.0.0.1:9/")
    emit(2)
    failed, sent = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=failed.pk).update(status="failed", attempts=8)
    Delivery.objects.filter(pk=sent.pk).update(status="sent")
    with (
        mock.patch("notifications.tasks.deliver.delay") as enqueued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = admin_api.post(f"{DELIVERIES}{failed.pk}/retry/")
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    assert [call.args for call in enqueued.call_args_list] == [(failed.pk,)]
    conflict = admin_api.post(f"{DELIVERIES}{sent.pk}/retry/")
    assert conflict.status_code == 409
    assert "Sent" in conflict.json()["detail"]
    assert admin_api.post(f"{DELIVERIES}999999/retry/").status_code == 404


def test_an_admin_writes_a_message_template(admin_api):
    response = admin_api.post(
        TEMPLATES,
        {
            "kind": "sla.breach",
            "language": "pl",
            "subject": "Naruszenie SLA {{ ticket.reference }}",
            "body_text": "Dzień dobry {{ recipient }}",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    template = MessageTemplate.objects.get()
    assert (template.kind, template.language) == ("sla.breach", "pl")
    edit = admin_api.patch(f"{TEMPLATES}{template.pk}/", {"subject": "SLA"}, format="json")
    assert edit.status_code == 200
    template.refresh_from_db()
    assert template.subject == "SLA"
    assert admin_api.delete(f"{TEMPLATES}{template.pk}/").status_code == 204
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"body_text": "{% load static %}"}, "body_text", "Template error"),
        ({"subject": "{% if %}"}, "subject", "Template error"),
        ({"kind": "ticket.exploded"}, "kind", "not a valid choice"),
        ({"language": "xx"}, "language", "Not a language of the site"),
        ({"subject": ""}, "subject", "may not be blank"),
        ({"author": "me"}, "author", "Unknown field"),
    ],
)
def test_bad_templates_are_refused_with_field_messages(admin_api, payload, field, message):
    data = {"kind": "sla.breach", "subject": "Breach", "body_text": "Hello", **payload}
    response = admin_api.post(TEMPLATES, data, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not MessageTemplate.objects.exists()


def test_a_second_template_for_the_same_event_and_language_is_refused(admin_api):
    MessageTemplate.objects.create(kind="sla.breach", language="", subject="s", body_text="b")
    data = {"kind": "sla.breach", "subject": "Breach", "body_text": "Hello"}
    response = admin_api.post(TEMPLATES, data, format="json")
    assert response.status_code == 400
    assert MessageTemplate.objects.count() == 1


def test_the_schema_describes_webhooks_deliveries_and_templates(admin_api):
    schema = admin_api.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/new-secret/",
        "/api/v1/webhooks/{id}/test/",
        "/api/v1/webhooks/{id}/deliveries/",
        "/api/v1/deliveries/",
        "/api/v1/deliveries/{id}/retry/",
        "/api/v1/message-templates/",
    ):
        assert path in schema["paths"], path
