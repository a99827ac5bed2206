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
import logging
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import outbox, urlsafety
from notifications.channels import Outcome
from notifications.models import Delivery, EventKind, WebhookEndpoint
from tickets.models import User

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Escalade-Signature"
USER_AGENT = "Escalade-Webhooks/1.0"
# Enough of a failed answer to tell an admin what went wrong.
ERROR_BODY_LIMIT = 500
RETRYABLE_STATUSES = frozenset({408, 429})
# Told to people only: a switched-off endpoint's event names its URL, often a secret.
NOT_SENT_TO_WEBHOOKS = frozenset({EventKind.WEBHOOK_DISABLED})


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


def after_attempt(delivery: Delivery, outcome: Outcome) -> None:
    """Count the endpoint's failures in a row; a success starts again from zero.
    At ``WEBHOOK_DISABLE_AFTER`` the endpoint is switched off, once (the update
    is guarded by ``is_active``), and the admins are told in the same transaction."""
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    if outcome.ok:
        endpoints.filter(consecutive_failures__gt=0).update(consecutive_failures=0)
        return
    # An endpoint already switched off counts no more.
    if not endpoints.filter(is_active=True).update(
        consecutive_failures=F("consecutive_failures") + 1
    ):
        return
    limit = settings.WEBHOOK_DISABLE_AFTER
    reason = _("%(n)d failed deliveries in a row; the last: %(error)s") % {
        "n": limit,
        "error": outcome.error or outcome.status_code or _("unknown error"),
    }
    with transaction.atomic():
        switched_off = endpoints.filter(is_active=True, consecutive_failures__gte=limit).update(
            is_active=False, disabled_at=timezone.now(), disabled_reason=reason
        )
        if switched_off:
            endpoint = endpoints.get()
            logger.warning("Webhook endpoint %s switched off: %s", endpoint.pk, reason)
            _tell_admins(endpoint, reason)


def _tell_admins(endpoint: WebhookEndpoint, reason: str) -> None:
    from notifications.dispatch import emit
    from notifications.recipients import admins

    emit(
        EventKind.WEBHOOK_DISABLED,
        recipients=admins(),
        extra={"endpoint": endpoint.name, "url": endpoint.url, "reason": reason},
    )


def endpoint_save(
    *, endpoint: WebhookEndpoint, is_active_changed: bool, by: User | None = None
) -> WebhookEndpoint:
    """Admin: save what an admin edits. The active switch counts only when the
    admin changed it (``is_active_changed``): a form loaded before a worker
    switched the endpoint off leaves it off. Switching an endpoint on clears its
    failure count and sends again what failed only because it was off; switching
    it off says who did. The failure count itself is the workers' and is never
    written back from a form."""
    if endpoint.pk is None:
        if not endpoint.is_active:
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = _("Switched off by %(user)s.") % {"user": by}
        endpoint.save()
        return endpoint
    with transaction.atomic():
        was_active, disabled_at = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=endpoint.pk)
            .values_list("is_active", "disabled_at")
            .get()
        )
        fields = ["name", "url", "events"]
        if not is_active_changed or endpoint.is_active == was_active:
            endpoint.is_active = was_active
        elif endpoint.is_active:
            endpoint.consecutive_failures = 0
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
            fields += ["is_active", "consecutive_failures", "disabled_at", "disabled_reason"]
        else:
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = _("Switched off by %(user)s.") % {"user": by}
            fields += ["is_active", "disabled_at", "disabled_reason"]
        endpoint.save(update_fields=fields)
        if endpoint.is_active and not was_active:
            outbox.deliveries_resume(endpoint_id=endpoint.pk, since=disabled_at)
    return endpoint


def endpoint_switch_on(*, endpoint_id: int) -> bool:
    """Admin: take an endpoint back into service with a clean failure count; what
    failed only because it was off goes out again."""
    with transaction.atomic():
        current = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=endpoint_id)
            .values_list("is_active", "disabled_at")
            .first()
        )
        if current is None:
            return False
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(
            is_active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
        )
        was_active, disabled_at = current
        if not was_active:
            outbox.deliveries_resume(endpoint_id=endpoint_id, since=disabled_at)
    return True


def endpoint_new_secret(*, endpoint_id: int) -> str:
    """Admin: a fresh secret; deliveries still waiting are signed with it."""
    from notifications.models.webhooks import new_secret

    secret = new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(secret=secret)
    return secret
