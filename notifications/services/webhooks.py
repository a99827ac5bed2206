"""Webhook endpoints: what admins change (the active switch, the secret) and how
endpoints keep their health (switched off after failing for a while), and a
test event sent by hand.

Sending itself is the channel's (``notifications.channels.webhook``); these
services decide what happens around it.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import context as ctx
from notifications.channels import Outcome
from notifications.models import Channel, Delivery, EventKind, WebhookEndpoint
from notifications.models.webhooks import new_secret
from notifications.recipients import admins
from notifications.services.backlog import backlog_send_on_commit
from notifications.services.dispatch import event_emit
from notifications.services.outbox import delivery_send
from tickets.models import User

logger = logging.getLogger(__name__)


def webhook_endpoint_save(
    *, endpoint: WebhookEndpoint, is_active_changed: bool, by: User | None = None
) -> WebhookEndpoint:
    """Save what an admin edits. The active switch counts only when the admin
    changed it (``is_active_changed``): a form loaded before a worker switched
    the endpoint off leaves it off. Switching an endpoint on clears its failure
    record and sends what was held while it was off, oldest first; switching it
    off says who did. The failure record itself is the workers' and is never
    written back from a form."""
    if endpoint.pk is None:
        if not endpoint.is_active:
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = _("Switched off by %(user)s.") % {"user": by}
        endpoint.save()
        return endpoint
    with transaction.atomic():
        was_active = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=endpoint.pk)
            .values_list("is_active", flat=True)
            .get()
        )
        fields = ["name", "url", "events"]
        if not is_active_changed or endpoint.is_active == was_active:
            endpoint.is_active = was_active
        elif endpoint.is_active:
            endpoint.consecutive_failures, endpoint.failing_since = 0, None
            endpoint.disabled_at, endpoint.disabled_reason = None, ""
            fields += ["is_active", "consecutive_failures", "failing_since"]
            fields += ["disabled_at", "disabled_reason"]
        else:
            endpoint.disabled_at = timezone.now()
            endpoint.disabled_reason = _("Switched off by %(user)s.") % {"user": by}
            fields += ["is_active", "disabled_at", "disabled_reason"]
        endpoint.save(update_fields=fields)
        if endpoint.is_active and not was_active:
            backlog_send_on_commit(endpoint_id=endpoint.pk)
    return endpoint


def webhook_endpoint_switch_on(*, endpoint_id: int) -> bool:
    """Take an endpoint back into service with a clean failure record; what was
    held while it was off is sent, oldest first. False when there is no such
    endpoint."""
    with transaction.atomic():
        was_active = (
            WebhookEndpoint.objects.select_for_update()
            .filter(pk=endpoint_id)
            .values_list("is_active", flat=True)
            .first()
        )
        if was_active is None:
            return False
        WebhookEndpoint.objects.filter(pk=endpoint_id).update(
            is_active=True,
            consecutive_failures=0,
            failing_since=None,
            disabled_at=None,
            disabled_reason="",
        )
        backlog_send_on_commit(endpoint_id=endpoint_id)
    return True


def webhook_endpoint_secret_renew(*, endpoint_id: int) -> str:
    """A fresh signing secret; deliveries still waiting are signed with it."""
    secret = new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(secret=secret)
    return secret


def webhook_endpoint_attempt_record(*, endpoint_id: int, outcome: Outcome) -> None:
    """Keep the endpoint's health: a failure starts (or continues) its failing
    period, a success ends it. An endpoint failing with no success for
    ``WEBHOOK_DISABLE_AFTER_MINUTES`` is switched off, once (the update is
    guarded by ``is_active``), and the admins are told in the same transaction;
    a short outage at any volume does not switch it off. An endpoint already
    switched off counts no more."""
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id)
    if outcome.ok:
        endpoints.filter(failing_since__isnull=False).update(
            failing_since=None, consecutive_failures=0
        )
        return
    now = timezone.now()
    if not endpoints.filter(is_active=True).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce("failing_since", Value(now)),
    ):
        return
    limit = timedelta(minutes=settings.WEBHOOK_DISABLE_AFTER_MINUTES)
    reason = _("Failing for %(minutes)g minutes with no success; the last error: %(error)s") % {
        "minutes": settings.WEBHOOK_DISABLE_AFTER_MINUTES,
        "error": outcome.error or outcome.status_code or _("unknown error"),
    }
    with transaction.atomic():
        switched_off = endpoints.filter(is_active=True, failing_since__lte=now - limit).update(
            is_active=False, disabled_at=now, disabled_reason=reason
        )
        if switched_off:
            endpoint = endpoints.get()
            logger.warning("Webhook endpoint %s switched off: %s", endpoint.pk, reason)
            event_emit(
                kind=EventKind.WEBHOOK_DISABLED,
                recipients=admins(),
                extra={"endpoint": endpoint.name, "url": endpoint.url, "reason": reason},
            )


def webhook_endpoint_test(*, endpoint_id: int, by: User | None = None) -> Delivery:
    """Send a test event to one endpoint now, switched on or off, and return its
    delivery with the outcome (logged like any attempt). One attempt only, and
    it does not count towards the endpoint's health."""
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    event_id = uuid.uuid4()
    values = ctx.event_values(
        kind=EventKind.WEBHOOK_TEST,
        event_id=str(event_id),
        at=timezone.now(),
        ticket=None,
        escalation=None,
        actor=by,
        extra={"endpoint": endpoint.name},
    )
    delivery = Delivery.objects.create(
        key=f"{event_id}:webhook:{endpoint.pk}",
        event_id=event_id,
        kind=EventKind.WEBHOOK_TEST,
        channel=Channel.WEBHOOK,
        endpoint=endpoint,
        address=endpoint.url,
        context={"body": json.dumps(values, sort_keys=True, separators=(",", ":"))},
        next_attempt_at=timezone.now(),
        # Its one attempt is its last: a failure is reported, never retried.
        attempts=settings.NOTIFY_MAX_ATTEMPTS - 1,
    )
    return delivery_send(delivery_id=delivery.pk) or delivery
