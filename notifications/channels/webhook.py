"""Outbound webhooks: one signed POST per delivery.

The body is the event as JSON, built once when the event was raised, so every
attempt sends the same bytes and the same event id; the event's own time is the
``timestamp`` inside it. Each attempt is signed with the time it is made:

    X-Escalade-Timestamp: <t>
    X-Escalade-Signature: t=<t>,sha256=<hex>

where ``t`` is the attempt's Unix time in whole seconds and ``hex`` the
HMAC-SHA256, keyed with the endpoint's secret, of ``t``, a dot and the raw body
(``f"{t}.".encode() + body``). The receiver recomputes it, may refuse a ``t``
more than a few minutes from its own clock (a replay: a retry an hour after the
event carries a fresh ``t``) and can tell a repeat by the event id.

The host is resolved and its addresses checked at every send, and the request
goes to the checked address, so a name that resolves elsewhere since the URL
was saved cannot lead the server into its own network. Redirects are never
followed: a receiver that moved is told to an admin as a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import urlsafety
from notifications.channels import Outcome
from notifications.models import Delivery

SIGNATURE_HEADER = "X-Escalade-Signature"
USER_AGENT = "Escalade-Webhooks/1.0"
# Enough of a failed answer to tell an admin what went wrong.
ERROR_BODY_LIMIT = 500
RETRYABLE_STATUSES = frozenset({408, 429})


def sign(secret: str, message: bytes) -> str:
    """Hex HMAC-SHA256 of ``message`` keyed with ``secret``."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """The ``X-Escalade-Signature`` value: the attempt's time and the HMAC of
    that time and the body together, so an old request cannot be replayed as new."""
    return f"t={timestamp},sha256={sign(secret, f'{timestamp}.'.encode() + body)}"


def _body(delivery: Delivery) -> bytes:
    return delivery.context["body"].encode()


def headers(delivery: Delivery, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers of one attempt made at ``timestamp`` (Unix seconds; now if None)."""
    if timestamp is None:
        timestamp = int(timezone.now().timestamp())
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(
            delivery.endpoint.secret, timestamp=timestamp, body=_body(delivery)
        ),
        "X-Escalade-Event-Id": str(delivery.event_id),
        "X-Escalade-Event": delivery.kind,
        "X-Escalade-Timestamp": str(timestamp),
        "X-Escalade-Delivery": str(delivery.pk),
        "User-Agent": USER_AGENT,
    }


def send(delivery: Delivery) -> Outcome:
    """POST the delivery's body to its endpoint. 2xx is success; 408, 429, 5xx,
    time-outs and connection errors are worth retrying; any other answer
    (a redirect, another 4xx) and a refused address are not."""
    url = delivery.endpoint.url
    timeout = float(settings.WEBHOOK_TIMEOUT)
    deadline = time.monotonic() + timeout
    try:
        host, port, addresses = urlsafety.checked_target(url)
    except ValidationError as error:
        retryable = error.code == "unresolvable"
        return Outcome(ok=False, error=" ".join(error.messages), retryable=retryable)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts.scheme.lower(), host, port, addresses, timeout)
    try:
        connection.request("POST", target, body=_body(delivery), headers=headers(delivery))
        # The response keeps reading from this socket after the connection lets go of it.
        sock = connection.sock
        sock.settimeout(_remaining(deadline))
        response = connection.getresponse()
        sock.settimeout(_remaining(deadline))
        answer = response.read(ERROR_BODY_LIMIT)
        response.close()
    except TimeoutError:
        return Outcome(ok=False, error=_("No answer within %(s)g s.") % {"s": timeout})
    except http.client.InvalidURL as error:
        return Outcome(ok=False, error=f"{type(error).__name__}: {error}", retryable=False)
    except (OSError, http.client.HTTPException) as error:
        # Connection errors, TLS errors (a certificate may be renewed meanwhile) ...
        return Outcome(ok=False, error=f"{type(error).__name__}: {error}")
    except ValueError as error:
        # A URL http.client cannot send (a non-ASCII path ...).
        return Outcome(ok=False, error=f"{type(error).__name__}: {error}", retryable=False)
    finally:
        connection.close()
    return _outcome(response, answer)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


def _connection(
    scheme: str, host: str, port: int, addresses: list[str], timeout: float
) -> http.client.HTTPConnection:
    """A connection to ``host`` (its name in Host, TLS SNI and certificate check)
    made to the addresses that were just checked, never resolved again."""
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    connection = cls(host, port, timeout=timeout)

    def connect(address, timeout, source_address=None):
        last: OSError | None = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, address[1]), timeout, source_address)
            except OSError as error:
                last = error
        raise last or OSError(_("No address to connect to."))

    connection._create_connection = connect
    return connection


def _outcome(response: http.client.HTTPResponse, answer: bytes) -> Outcome:
    status = response.status
    if 200 <= status < 300:
        return Outcome(ok=True, status_code=status)
    error = f"HTTP {status} {response.reason}".strip()
    if 300 <= status < 400:
        location = response.getheader("Location", "")
        error += ": " + _("redirects are not followed (to %(to)s).") % {"to": location or "?"}
        return Outcome(ok=False, status_code=status, error=error, retryable=False)
    text = answer.decode("utf-8", "replace").strip()
    if text:
        error += f": {text}"
    retryable = status >= 500 or status in RETRYABLE_STATUSES
    return Outcome(ok=False, status_code=status, error=error, retryable=retryable)
