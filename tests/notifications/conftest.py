import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from escalations.models import BusinessCalendar, SlaPolicy
from tests.workers import celery_processes  # noqa: F401  (fixture)

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture
def policy(db):
    """A 24x7 fallback policy: 60 min first response, 30 min updates, 8 h resolution."""
    return SlaPolicy.objects.create(
        name="Fallback",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        warning_percent=75,
        calendar=BusinessCalendar.objects.create(name="24x7", is_24x7=True),
    )


@pytest.fixture
def outbox_now(settings):
    """Send deliveries right away in tests that commit (no back-off wait)."""
    settings.NOTIFY_RETRY_BASE_SECONDS = 0
    return settings


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1 that checks the signature like a receiver
    would (401 when it does not match) and answers from ``replies`` in turn."""
    state = SimpleNamespace(requests=[], replies=[], secret=SECRET)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            expected = "sha256=" + hmac.new(state.secret.encode(), body, hashlib.sha256).hexdigest()
            signed = hmac.compare_digest(self.headers.get("X-Escalade-Signature", ""), expected)
            state.requests.append(
                SimpleNamespace(path=self.path, headers=self.headers, body=body, signed=signed)
            )
            status, headers = state.replies.pop(0) if state.replies else (200, {})
            self.send_response(status if signed else 401)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"oops")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.port = server.server_port
    state.server = server
    state.url = f"http://127.0.0.1:{server.server_port}/hooks/escalade?src=test"
    yield state
    server.shutdown()
    server.server_close()
