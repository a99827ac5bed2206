import hashlib
import hmac
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from tests.workers import celery_processes, own_redis  # noqa: F401  (fixtures)

SECRET = "s3cret-shared-with-the-receiver"


@pytest.fixture
def outbox_now(settings):
    """Send deliveries right away in tests that commit (no back-off wait)."""
    settings.NOTIFY_RETRY_BASE_SECONDS = 0
    return settings


@pytest.fixture
def receiver():
    """A real HTTP server on 127.0.0.1 that checks the signature like a receiver
    would (401 when it does not match, or when its time is more than
    ``tolerance`` seconds from the clock) and answers from ``replies`` in turn."""
    state = SimpleNamespace(
        requests=[], replies=[], secret=SECRET, tolerance=300, on_request=None, status=200
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            header = self.headers.get("X-Escalade-Signature", "")
            fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
            timestamp = fields.get("t", "")
            message = timestamp.encode() + b"." + body
            expected = hmac.new(state.secret.encode(), message, hashlib.sha256).hexdigest()
            signed = (
                hmac.compare_digest(fields.get("sha256", ""), expected)
                and timestamp.isdigit()
                and abs(time.time() - int(timestamp)) <= state.tolerance
            )
            request = SimpleNamespace(
                path=self.path,
                headers=self.headers,
                body=body,
                signed=signed,
                timestamp=int(timestamp) if timestamp.isdigit() else None,
                answered=None,
            )
            state.requests.append(request)
            # A fault to cause while the sender waits for the answer; "drop"
            # closes the connection unanswered (a receiver going down).
            if state.on_request is not None and state.on_request(request) == "drop":
                self.close_connection = True
                return
            status, headers = state.replies.pop(0) if state.replies else (state.status, {})
            request.answered = status if signed else 401
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


T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # a Monday morning


@pytest.fixture
def clock(monkeypatch):
    """timezone.now() as the test sets it."""
    state = {"now": T0}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])

    def at(minutes: float) -> datetime:
        state["now"] = T0 + timedelta(minutes=minutes)
        return state["now"]

    return at
