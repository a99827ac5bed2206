"""Outbound webhooks: signed deliveries to a real HTTP server, what counts as worth
retrying, URLs that may not be used, and endpoints switched off after a run of failures."""

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from datetime import datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import path
from django.utils import timezone

import notifications.admin  # noqa: F401  (registers the webhook admin)
from notifications import urlsafety
from notifications.channels import Outcome, webhook
from notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    EventKind,
    Notification,
    WebhookEndpoint,
)
from notifications.services import outbox, requeue
from notifications.services.backlog import backlog_send
from notifications.services.dispatch import event_emit
from notifications.services.webhooks import (
    webhook_endpoint_attempt_record,
    webhook_endpoint_switch_on,
)
from tests.factories import AdminFactory, UserFactory
from tests.notifications.conftest import SECRET, T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_ok(settings):
    """The test receivers listen on 127.0.0.1."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    return settings


@pytest.fixture
def hanging_url():
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    held, stop = [], threading.Event()

    def hold():
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def endpoint_for(url, **fields):
    return WebhookEndpoint.objects.create(name="Ops bridge", url=url, secret=SECRET, **fields)


def delivery_for(endpoint, kind=EventKind.SLA_BREACH):
    event_id = event_emit(kind=kind, extra={"metric": "resolution"})
    return Delivery.objects.select_related("endpoint").get(event_id=event_id, endpoint=endpoint)


def resolving_to(monkeypatch, address):
    """Pretend every host name resolves to ``address``."""

    def getaddrinfo(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(urlsafety.socket, "getaddrinfo", getaddrinfo)


# --- signing ------------------------------------------------------------------------------


def test_signature_is_the_hex_hmac_sha256_of_the_body():
    # A published HMAC-SHA256 test vector.
    assert webhook.sign("key", b"The quick brown fox jumps over the lazy dog") == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


def test_headers_carry_signature_event_id_kind_time_and_delivery(private_ok):
    delivery = delivery_for(endpoint_for("http://127.0.0.1:9/"))
    body = delivery.context["body"].encode()
    sent = webhook.headers(delivery, timestamp=1900000000)
    event = json.loads(body)
    assert sent["Content-Type"] == "application/json"
    # The attempt's time and the body, signed together.
    assert sent["X-Escalade-Signature"] == "t=1900000000,sha256=" + webhook.sign(
        SECRET, b"1900000000." + body
    )
    assert sent["X-Escalade-Timestamp"] == "1900000000"
    assert sent["X-Escalade-Event-Id"] == str(delivery.event_id) == event["id"]
    assert sent["X-Escalade-Event"] == "sla.breach" == event["event"]
    assert sent["X-Escalade-Delivery"] == str(delivery.pk)
    assert sent["User-Agent"].startswith("Escalade")


def test_a_retry_long_after_the_event_is_signed_with_the_time_of_the_attempt(
    private_ok, receiver, monkeypatch
):
    now = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: now - timedelta(hours=1))
    delivery = delivery_for(endpoint_for(receiver.url))  # the event, an hour ago
    receiver.replies = [(503, {})]
    outcomes = []
    for attempt_at in (now - timedelta(minutes=2), now):
        monkeypatch.setattr("django.utils.timezone.now", lambda at=attempt_at: at)
        outcomes.append(webhook.send(delivery).status_code)
    # A receiver refusing times more than 5 minutes off takes both attempts.
    assert outcomes == [503, 200]
    assert [r.signed for r in receiver.requests] == [True, True]
    first, second = receiver.requests
    assert second.timestamp - first.timestamp == 120
    assert second.timestamp == int(now.timestamp())
    assert second.headers["X-Escalade-Timestamp"] == str(second.timestamp)
    # The same event: the same bytes and id; its own time stays in the body.
    assert first.body == second.body
    assert first.headers["X-Escalade-Event-Id"] == second.headers["X-Escalade-Event-Id"]
    event_time = datetime.fromisoformat(json.loads(second.body)["timestamp"])
    assert event_time == now - timedelta(hours=1)


def test_a_replayed_body_under_a_fresh_time_is_refused(private_ok, receiver):
    delivery = delivery_for(endpoint_for(receiver.url))
    old = int(timezone.now().timestamp()) - 3600
    replay = webhook.headers(delivery, timestamp=old)
    assert webhook.send(delivery).ok
    connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=5)
    # An hour-old signature is too old; claiming a fresh time breaks the signature.
    fresh = str(int(timezone.now().timestamp()))
    forged = replay[webhook.SIGNATURE_HEADER].replace(f"t={old},", f"t={fresh},")
    for value in (replay[webhook.SIGNATURE_HEADER], forged):
        connection.request(
            "POST",
            "/hooks/escalade",
            body=delivery.context["body"].encode(),
            headers={**replay, webhook.SIGNATURE_HEADER: value},
        )
        response = connection.getresponse()
        response.read()
        assert response.status == 401
    connection.close()
    assert [r.signed for r in receiver.requests] == [True, False, False]


# --- which URLs may be used ------------------------------------------------------------------

REFUSED = [
    ("ftp://hooks.example.com/in", "Only http:// and https://"),
    ("http://127.0.0.1/hook", "loopback"),
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://localhost/hook", "this server"),
    ("http://api.localhost/hook", "this server"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://[::1]/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]/hook", "loopback"),
    ("http://[2002:7f00:1::]/hook", "loopback"),  # 6to4 around 127.0.0.1
    ("http://[2002:a9fe:a9fe::]/hook", "link-local"),  # 6to4 around 169.254.169.254
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook", "loopback"),  # Teredo, client 127.0.0.1
    ("http://[64:ff9b::7f00:1]/hook", "loopback"),  # NAT64 around 127.0.0.1
    ("http://[64:ff9b::a00:5]/hook", "private"),  # NAT64 around 10.0.0.5
    ("http://[fe80::1]/hook", "link-local"),
    ("http://10.0.0.5/hook", "private"),
    ("http://192.168.1.20/hook", "private"),
    ("http://0.0.0.0/hook", "unspecified"),
    ("http://2130706433/hook", "loopback"),  # 127.0.0.1 as one number
    ("http://224.0.0.1/hook", "multicast"),
    ("http://240.0.0.1/hook", "reserved"),
    ("http://user:pw@hooks.example.com/hook", "no user name or password"),
    ("https:///hook", "no host"),
]


@pytest.mark.parametrize(("url", "message"), REFUSED)
def test_unsafe_webhook_urls_are_refused(url, message):
    with pytest.raises(ValidationError) as refused:
        urlsafety.validate_webhook_url(url)
    assert message in " ".join(refused.value.messages)


def test_the_servers_own_host_names_are_refused(settings):
    settings.ALLOWED_HOSTS = ["helpdesk.example.com", ".corp.example.com", "*"]
    for url in ["https://helpdesk.example.com/hook", "https://desk.corp.example.com/x"]:
        with pytest.raises(ValidationError, match="is this server"):
            urlsafety.validate_webhook_url(url)


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    resolving_to(monkeypatch, "10.1.2.3")
    with pytest.raises(ValidationError, match=r"resolves to 10\.1\.2\.3, a private"):
        urlsafety.validate_webhook_url("https://hooks.example.com/in")


def test_a_public_url_is_accepted(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14")
    urlsafety.validate_webhook_url("https://hooks.example.com/in")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://10.0.0.5/hook",
        "http://intranet.corp:8080/hook",
    ],
)
def test_private_targets_are_allowed_when_the_setting_is_on(private_ok, url):
    urlsafety.validate_webhook_url(url)


def test_the_setting_never_allows_other_schemes(private_ok):
    with pytest.raises(ValidationError, match="Only http"):
        urlsafety.validate_webhook_url("file:///etc/passwd")


def test_endpoint_validation_checks_url_and_events():
    endpoint = WebhookEndpoint(
        name="Metadata", url="http://169.254.169.254/latest", events=["sla.breach", "nope"]
    )
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert set(refused.value.message_dict) == {"url", "events"}
    assert "nope" in refused.value.message_dict["events"][0]


# --- sending to a real server ------------------------------------------------------------------


def test_a_failing_receiver_gets_the_same_signed_delivery_until_it_succeeds(private_ok, receiver):
    endpoint = endpoint_for(receiver.url)
    delivery = delivery_for(endpoint)
    receiver.replies = [(500, {}), (500, {})]
    seen = []
    for _ in range(3):
        outcome = webhook.send(delivery)
        webhook_endpoint_attempt_record(endpoint_id=delivery.endpoint_id, outcome=outcome)
        endpoint.refresh_from_db()
        seen.append((outcome.ok, outcome.status_code, outcome.retryable, outcome.error[:8]))
        seen.append(endpoint.consecutive_failures)
    assert seen == [
        (False, 500, True, "HTTP 500"),
        1,
        (False, 500, True, "HTTP 500"),
        2,
        (True, 200, True, ""),
        0,
    ]
    assert all(r.signed for r in receiver.requests)
    assert len({r.body for r in receiver.requests}) == 1
    first = receiver.requests[0]
    assert first.path == "/hooks/escalade?src=test"
    assert first.headers["X-Escalade-Event-Id"] == str(delivery.event_id)
    assert json.loads(first.body)["extra"] == {"metric": "resolution"}


def test_a_wrong_secret_is_noticed_by_the_receiver(private_ok, receiver):
    receiver.secret = "what the receiver was told before the secret changed"
    outcome = webhook.send(delivery_for(endpoint_for(receiver.url)))
    assert (outcome.ok, outcome.status_code, outcome.retryable) == (False, 401, False)


@pytest.mark.parametrize(
    ("status", "retryable"), [(404, False), (400, False), (410, False), (408, True), (429, True)]
)
def test_client_errors_other_than_408_and_429_are_not_retried(
    private_ok, receiver, status, retryable
):
    receiver.replies = [(status, {})]
    outcome = webhook.send(delivery_for(endpoint_for(receiver.url)))
    assert (outcome.ok, outcome.status_code, outcome.retryable) == (False, status, retryable)


def test_redirects_are_not_followed(private_ok, receiver):
    receiver.replies = [(302, {"Location": f"http://127.0.0.1:{receiver.port}/elsewhere"})]
    outcome = webhook.send(delivery_for(endpoint_for(receiver.url)))
    assert (outcome.ok, outcome.status_code, outcome.retryable) == (False, 302, False)
    assert "not followed" in outcome.error
    assert len(receiver.requests) == 1


def test_a_receiver_that_never_answers_times_out_and_is_retried(private_ok, hanging_url):
    private_ok.WEBHOOK_TIMEOUT = 0.5
    delivery = delivery_for(endpoint_for(hanging_url))
    started = time.monotonic()
    outcome = webhook.send(delivery)
    assert time.monotonic() - started < 2
    assert (outcome.ok, outcome.retryable) == (False, True)
    assert "No answer within 0.5 s" in outcome.error


def test_a_refused_connection_is_retried(private_ok):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    outcome = webhook.send(delivery_for(endpoint_for(f"http://127.0.0.1:{port}/")))
    assert (outcome.ok, outcome.retryable) == (False, True)
    assert "ConnectionRefused" in outcome.error


def test_a_name_that_now_resolves_to_this_server_is_refused_at_send_time(monkeypatch, receiver):
    endpoint = endpoint_for(f"http://hooks.example.com:{receiver.port}/in")
    delivery = delivery_for(endpoint)
    resolving_to(monkeypatch, "127.0.0.1")  # the name was public when it was saved
    outcome = webhook.send(delivery)
    assert (outcome.ok, outcome.retryable) == (False, False)
    assert "loopback" in outcome.error
    assert receiver.requests == []


def test_the_request_goes_to_the_checked_address_under_the_endpoints_name(
    private_ok, monkeypatch, receiver
):
    endpoint = endpoint_for(f"http://hooks.example.com:{receiver.port}/in")
    resolving_to(monkeypatch, "127.0.0.1")
    outcome = webhook.send(delivery_for(endpoint))
    assert outcome.ok
    assert receiver.requests[0].headers["Host"] == f"hooks.example.com:{receiver.port}"


SELF_SIGNED = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
SELF_SIGNED += ["-subj", "/CN=hooks.example.com"]


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a certificate")
def test_https_checks_the_certificate_of_the_endpoints_name(
    private_ok, monkeypatch, receiver, tmp_path
):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [shutil.which("openssl"), *SELF_SIGNED, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = receiver.server
    server.socket = context.wrap_socket(server.socket, server_side=True)
    resolving_to(monkeypatch, "127.0.0.1")
    outcome = webhook.send(
        delivery_for(endpoint_for(f"https://hooks.example.com:{receiver.port}/"))
    )
    assert (outcome.ok, outcome.retryable) == (False, True)
    assert "CERTIFICATE_VERIFY_FAILED" in outcome.error  # self-signed: not trusted
    assert names == ["hooks.example.com"]
    assert receiver.requests == []


# --- switching an endpoint off -----------------------------------------------------------------


def test_an_endpoint_failing_continuously_for_the_set_time_is_switched_off_once_and_admins_are_told(
    private_ok, receiver, clock
):
    private_ok.WEBHOOK_DISABLE_AFTER_MINUTES = 15
    boss = AdminFactory(username="root")
    AdminFactory(username="retired", is_active=False)
    UserFactory(username="agent")
    failing = endpoint_for("http://127.0.0.1:9/", events=["sla.breach"])
    endpoint_for(receiver.url)  # every event
    endpoint_for(receiver.url, events=["webhook.disabled"])
    delivery = delivery_for(failing)
    error = Outcome(ok=False, status_code=503, error="HTTP 503 Service Unavailable")

    def record(minutes, outcome=error, times=1):
        clock(minutes)
        for _ in range(times):
            webhook_endpoint_attempt_record(endpoint_id=delivery.endpoint_id, outcome=outcome)
        failing.refresh_from_db()
        return failing.is_active

    # A burst of failures at volume is a short outage, not a dead receiver.
    assert record(0, times=500)
    assert record(1, Outcome(ok=True, status_code=200))  # a success ends the failing period
    assert failing.failing_since is None
    assert record(2)
    assert record(16.9, times=3)  # 14.9 minutes of failing
    assert not record(17)  # 15 minutes with no success
    assert not record(18)
    assert failing.disabled_at == T0 + timedelta(minutes=17)
    assert "Failing for 15 minutes" in failing.disabled_reason
    assert "503" in failing.disabled_reason
    told = Notification.objects.filter(kind=EventKind.WEBHOOK_DISABLED)
    assert [n.recipient for n in told] == [boss]
    assert "Ops bridge" in told.get().subject
    mails = Delivery.objects.filter(kind=EventKind.WEBHOOK_DISABLED, channel=Channel.EMAIL)
    assert [d.address for d in mails] == [boss.email]
    # No webhook hears of it: the event names the endpoint's URL, often a secret.
    hooks = Delivery.objects.filter(kind=EventKind.WEBHOOK_DISABLED, channel=Channel.WEBHOOK)
    assert not hooks.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_failures_finishing_together_switch_the_endpoint_off_once(settings):
    settings.WEBHOOK_DISABLE_AFTER_MINUTES = 0
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    AdminFactory(username="root")
    endpoint = endpoint_for("http://127.0.0.1:9/")
    delivery = delivery_for(endpoint)
    start = threading.Barrier(8)
    errors = []

    def fail():
        try:
            start.wait()
            webhook_endpoint_attempt_record(
                endpoint_id=delivery.endpoint_id,
                outcome=Outcome(ok=False, error="ConnectionRefusedError"),
            )
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert Notification.objects.filter(kind=EventKind.WEBHOOK_DISABLED).count() == 1


def test_switching_on_again_clears_the_failures(private_ok):
    private_ok.WEBHOOK_DISABLE_AFTER_MINUTES = 0
    endpoint = endpoint_for("http://127.0.0.1:9/")
    webhook_endpoint_attempt_record(
        endpoint_id=delivery_for(endpoint).endpoint_id, outcome=Outcome(ok=False, error="boom")
    )
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert webhook_endpoint_switch_on(endpoint_id=endpoint.pk)
    endpoint.refresh_from_db()
    assert (
        endpoint.is_active,
        endpoint.consecutive_failures,
        endpoint.failing_since,
        endpoint.disabled_at,
    ) == (True, 0, None, None)


def switched_off_with_held_deliveries(settings):
    """An endpoint the workers switched off, what was waiting for it and what
    was raised while it was off."""
    settings.WEBHOOK_DISABLE_AFTER_MINUTES = 0
    endpoint = endpoint_for("http://127.0.0.1:9/")
    refused, waiting = delivery_for(endpoint), delivery_for(endpoint)
    gone = delivery_for(endpoint)
    Delivery.objects.filter(pk=gone.pk).update(status="failed", last_error="HTTP 410 Gone")
    outbox.delivery_send(delivery_id=refused.pk)  # connection refused: retry later
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    raised_while_off = [delivery_for(endpoint) for _ in range(3)]
    for delivery in [refused, waiting]:  # their turn comes: held, not attempted
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert outbox.delivery_send(delivery_id=delivery.pk).status == "held"
    held = Delivery.objects.filter(status="held")
    assert set(held.values_list("pk", flat=True)) == {
        refused.pk,
        waiting.pk,
        *(d.pk for d in raised_while_off),
    }
    assert DeliveryAttempt.objects.filter(delivery__in=held).count() == 1  # the refused one
    assert Delivery.objects.get(pk=waiting.pk).attempts == 0
    return SimpleNamespace(endpoint=endpoint, held=[refused, waiting, *raised_while_off], gone=gone)


def switch_on_by_action(endpoint, client):
    assert webhook_endpoint_switch_on(endpoint_id=endpoint.pk)


def switch_on_by_form(endpoint, client):
    response = client.post(
        f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/",
        {"name": endpoint.name, "url": endpoint.url, "is_active": "on", "initial-is_active": ""},
    )
    assert response.status_code == 302


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("switch_on", [switch_on_by_action, switch_on_by_form])
def test_switching_on_again_sends_what_was_held_in_event_order(
    private_ok, admin_client, django_capture_on_commit_callbacks, switch_on
):
    case = switched_off_with_held_deliveries(private_ok)
    with (
        mock.patch("notifications.tasks.send_backlog.apply_async") as started,
        django_capture_on_commit_callbacks(execute=True),
    ):
        switch_on(case.endpoint, admin_client)
    assert [call.args[0] for call in started.call_args_list] == [(case.endpoint.pk,)]
    # An event raised while the backlog goes out waits behind it.
    behind = delivery_for(case.endpoint)
    assert behind.status == "held"
    sent = []

    def post(delivery):
        sent.append(delivery.pk)
        return Outcome(ok=True, status_code=200)

    with mock.patch.object(webhook, "send", side_effect=post):
        assert backlog_send(endpoint_id=case.endpoint.pk) is None
    assert sent == [*(d.pk for d in case.held), behind.pk]
    assert set(Delivery.objects.filter(pk__in=sent).values_list("status", flat=True)) == {"sent"}
    assert Delivery.objects.get(pk=case.gone.pk).status == "failed"
    # Back to normal: a new event is not held.
    assert delivery_for(case.endpoint).status == "pending"


def test_a_backlog_stops_at_a_retry_and_goes_on_from_it_in_order(private_ok, clock):
    endpoint = endpoint_for("http://127.0.0.1:9/", is_active=False)
    first, second = delivery_for(endpoint), delivery_for(endpoint)
    assert webhook_endpoint_switch_on(endpoint_id=endpoint.pk)
    outcomes = [Outcome(ok=False, status_code=503, error="HTTP 503")]
    sent = []

    def post(delivery):
        sent.append(delivery.pk)
        return outcomes.pop(0) if outcomes else Outcome(ok=True, status_code=200)

    with mock.patch.object(webhook, "send", side_effect=post):
        go_on_at = backlog_send(endpoint_id=endpoint.pk)
        assert go_on_at == Delivery.objects.get(pk=first.pk).next_attempt_at
        assert Delivery.objects.get(pk=second.pk).status == "held"
        assert backlog_send(endpoint_id=endpoint.pk) == go_on_at  # not yet
        clock(10)
        assert backlog_send(endpoint_id=endpoint.pk) is None
    assert sent == [first.pk, first.pk, second.pk]


def test_the_outbox_sweep_resumes_the_backlog_of_an_endpoint_switched_on(private_ok):
    endpoint = endpoint_for("http://127.0.0.1:9/", is_active=False)
    delivery_for(endpoint)
    WebhookEndpoint.objects.create(name="Still off", url="http://127.0.0.1:9/", is_active=False)
    with mock.patch("notifications.tasks.send_backlog.apply_async") as started:
        requeue.deliveries_requeue()
        assert started.call_count == 0
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
        requeue.deliveries_requeue()
    assert [call.args[0] for call in started.call_args_list] == [(endpoint.pk,)]


# --- admin ---------------------------------------------------------------------------------

urlpatterns = [path("admin/", admin.site.urls)]
ADD = "/admin/notifications/webhookendpoint/add/"


@pytest.mark.urls(__name__)
def test_admin_adds_an_endpoint_with_event_checkboxes_and_shows_the_secret(
    client, admin_user, monkeypatch
):
    client.force_login(admin_user)
    form = client.get(ADD).content.decode()
    assert 'type="checkbox" name="events" value="sla.breach"' in form
    assert 'value="webhook.disabled"' not in form  # told to admins only
    resolving_to(monkeypatch, "93.184.215.14")
    response = client.post(
        ADD,
        {
            "name": "Status page",
            "url": "https://hooks.example.com/in",
            "events": ["sla.breach", "escalation.opened"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["sla.breach", "escalation.opened"]
    page = client.get(f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/")
    assert f'value="{endpoint.secret}" readonly' in page.content.decode()


@pytest.mark.urls(__name__)
def test_admin_refuses_a_metadata_url(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        ADD, {"name": "Sneaky", "url": "http://169.254.169.254/latest/meta-data"}
    )
    assert response.status_code == 200
    assert "link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.urls(__name__)
def test_admin_switches_endpoints_on_again(client, admin_user):
    endpoint = endpoint_for("https://hooks.example.com/in", is_active=False)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=10)
    client.force_login(admin_user)
    response = client.post(
        "/admin/notifications/webhookendpoint/",
        {"action": "switch_on_again", "_selected_action": [endpoint.pk]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures) == (True, 0)


@pytest.mark.urls(__name__)
def test_ticking_active_in_the_form_clears_the_failures_too(client, admin_user, private_ok):
    endpoint = endpoint_for("http://10.0.0.5/in", is_active=False)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=10)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/",
        {"name": "Ops bridge", "url": "http://10.0.0.5/in", "is_active": "on"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.events) == (True, 0, [])


@pytest.mark.urls(__name__)
def test_a_form_loaded_before_the_workers_switched_the_endpoint_off_leaves_it_off(
    client, admin_user, private_ok
):
    endpoint = endpoint_for("http://10.0.0.5/in")
    client.force_login(admin_user)
    change = f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/"
    page = client.get(change).content.decode()
    assert 'name="initial-is_active" value="True"' in page
    # The workers switch it off while the admin edits the name.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, consecutive_failures=10, disabled_reason="10 failed deliveries in a row"
    )
    response = client.post(
        change,
        {
            "name": "Ops bridge (renamed)",
            "url": "http://10.0.0.5/in",
            "is_active": "on",
            "initial-is_active": "True",
        },
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.name == "Ops bridge (renamed)"
    assert (endpoint.is_active, endpoint.consecutive_failures) == (False, 10)
    assert endpoint.disabled_reason == "10 failed deliveries in a row"


@pytest.mark.urls(__name__)
def test_unticking_active_in_the_form_switches_the_endpoint_off_and_says_who(
    client, admin_user, private_ok
):
    endpoint = endpoint_for("http://10.0.0.5/in")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/notifications/webhookendpoint/{endpoint.pk}/change/",
        {"name": "Ops bridge", "url": "http://10.0.0.5/in", "initial-is_active": "True"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_reason == f"Switched off by {admin_user}."


@pytest.mark.urls(__name__)
def test_admin_shows_every_attempt_read_only(client, admin_user, private_ok, receiver):
    endpoint = endpoint_for(receiver.url)
    delivery = delivery_for(endpoint)
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=delivery.created_at,
        duration_ms=12,
        status_code=500,
        error="HTTP 500 Internal Server Error: oops",
    )
    client.force_login(admin_user)
    listing = client.get(
        f"/admin/notifications/deliveryattempt/?delivery__endpoint__id__exact={endpoint.pk}"
    )
    assert "HTTP 500 Internal Server Error" in listing.content.decode()
    failed = client.get("/admin/notifications/deliveryattempt/?ok__exact=0")
    assert failed.status_code == 200
    assert list(failed.context["cl"].result_list) == list(DeliveryAttempt.objects.all())
    attempts_admin = admin.site._registry[DeliveryAttempt]
    request = SimpleNamespace(user=admin_user)
    assert not attempts_admin.has_add_permission(request)
    assert not attempts_admin.has_change_permission(request)
    assert not attempts_admin.has_delete_permission(request)
    page = client.get(f"/admin/notifications/delivery/{delivery.pk}/change/").content.decode()
    assert "HTTP 500 Internal Server Error: oops" in page
    endpoints = client.get("/admin/notifications/webhookendpoint/")
    assert endpoints.status_code == 200
    assert list(endpoints.context["cl"].result_list) == [endpoint]


@pytest.mark.urls(__name__)
def test_admin_saves_an_endpoint_whose_host_does_not_resolve_yet_with_a_warning(
    client, admin_user, monkeypatch
):
    def unknown(host, port, *args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    client.force_login(admin_user)
    response = client.post(
        ADD, {"name": "New receiver", "url": "https://hooks.not-yet.example/in"}, follow=True
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.url == "https://hooks.not-yet.example/in"
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "hooks.not-yet.example could not be resolved" in warnings[0]
    assert warnings[0] == (
        "Saved, but hooks.not-yet.example could not be resolved: the name servers know no "
        "such name. Deliveries are retried until it resolves."
    )
    # Checked at send time: a retry, not a loss.
    outcome = webhook.send(delivery_for(endpoint))
    assert (outcome.ok, outcome.retryable) == (False, True)
    assert "could not be resolved" in outcome.error


@pytest.mark.urls(__name__)
def test_admin_still_refuses_a_host_that_resolves_to_a_private_address(
    client, admin_user, monkeypatch
):
    resolving_to(monkeypatch, "10.1.2.3")
    client.force_login(admin_user)
    response = client.post(ADD, {"name": "Inside", "url": "https://intranet.example/in"})
    assert response.status_code == 200
    assert "private network" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("is_active", [True, False])
def test_admin_sends_a_test_event_and_tells_the_outcome(
    client, admin_user, private_ok, receiver, is_active
):
    endpoint = endpoint_for(receiver.url, is_active=is_active)
    client.force_login(admin_user)
    response = client.post(
        "/admin/notifications/webhookendpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Ops bridge: the test event was delivered."
    ]
    (request,) = receiver.requests
    assert request.signed
    assert request.headers["X-Escalade-Event"] == "webhook.test"
    body = json.loads(request.body)
    assert (body["event"], body["extra"], body["actor"]) == (
        "webhook.test",
        {"endpoint": "Ops bridge"},
        str(admin_user),
    )
    delivery = Delivery.objects.get(kind="webhook.test")
    assert (delivery.status, delivery.endpoint) == ("sent", endpoint)
    assert DeliveryAttempt.objects.get(delivery=delivery).status_code == 200


@pytest.mark.urls(__name__)
def test_a_failed_test_event_is_told_once_and_not_retried_or_counted(
    client, admin_user, private_ok, receiver
):
    endpoint = endpoint_for(receiver.url)
    receiver.status = 503
    client.force_login(admin_user)
    response = client.post(
        "/admin/notifications/webhookendpoint/",
        {"action": "send_test_event", "_selected_action": [endpoint.pk]},
        follow=True,
    )
    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("Ops bridge: the test event failed: HTTP 503")
    delivery = Delivery.objects.get(kind="webhook.test")
    assert delivery.status == "failed"
    assert len(receiver.requests) == 1
    endpoint.refresh_from_db()
    assert (endpoint.failing_since, endpoint.consecutive_failures) == (None, 0)
