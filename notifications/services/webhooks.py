"""Webhook endpoints: what admins change (the active switch, the secret) and how
endpoints keep their health (failures in a row, switched off at a limit).

Sending itself is the channel's (``notifications.channels.webhook``); these
services decide what happens around it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.channels import Outcome
from notifications.models import Channel, Delivery, DeliveryAttempt, EventKind, WebhookEndpoint
from notifications.models.webhooks import new_secret
from notifications.recipients import admins
from notifications.services.dispatch import event_emit
from notifications.services.outbox import SWITCHED_OFF, deliveries_enqueue_on_commit
from tickets.models import User

logger = logging.getLogger(__name__)


def webhook_endpoint_save(
    *, endpoint: WebhookEndpoint, is_active_changed: bool, by: User | None = None
) -> WebhookEndpoint:
    """Save what an admin edits. The active switch counts only when the admin
    changed it (``is_active_changed``): a form loaded before a worker switched
    the endpoint off leaves it off. Switching an endpoint on clears its failure
    count and sends again what failed only because it was off; switching it off
    says who did. The failure count itself is the workers' and is never written
    back from a form."""
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
            _deliveries_resume(endpoint_id=endpoint.pk, since=disabled_at)
    return endpoint


def webhook_endpoint_switch_on(*, endpoint_id: int) -> bool:
    """Take an endpoint back into service with a clean failure count; what failed
    only because it was off goes out again. False when there is no such endpoint."""
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
            _deliveries_resume(endpoint_id=endpoint_id, since=disabled_at)
    return True


def webhook_endpoint_secret_renew(*, endpoint_id: int) -> str:
    """A fresh signing secret; deliveries still waiting are signed with it."""
    secret = new_secret()
    WebhookEndpoint.objects.filter(pk=endpoint_id).update(secret=secret)
    return secret


def webhook_endpoint_attempt_record(*, endpoint_id: int, outcome: Outcome) -> None:
    """Count the endpoint's failures in a row; a success starts again from zero.
    At ``WEBHOOK_DISABLE_AFTER`` the endpoint is switched off, once (the update
    is guarded by ``is_active``), and the admins are told in the same
    transaction. An endpoint already switched off counts no more."""
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id)
    if outcome.ok:
        endpoints.filter(consecutive_failures__gt=0).update(consecutive_failures=0)
        return
    if not endpoints.filter(is_active=True).update(
        consecutive_failures=F("consecutive_failures") + 1
    ):
        return
    limit = settings.WEBHOOK_DISABLE_AFTER
    reason = ngettext(
        "%(n)d failed delivery in a row; the last: %(error)s",
        "%(n)d failed deliveries in a row; the last: %(error)s",
        limit,
    ) % {
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
            event_emit(
                kind=EventKind.WEBHOOK_DISABLED,
                recipients=admins(),
                extra={"endpoint": endpoint.name, "url": endpoint.url, "reason": reason},
            )


def _deliveries_resume(*, endpoint_id: int, since: datetime | None) -> list[int]:
    """An endpoint switched on again: its deliveries that failed only because it
    was off (since ``since``, when it was switched off; any time if unknown) go
    back to the outbox with fresh attempts, and to the workers after the commit."""
    failed = Delivery.objects.filter(
        endpoint_id=endpoint_id,
        channel=Channel.WEBHOOK,
        status=Delivery.Status.FAILED,
        last_error__in=_switched_off_texts(),
    )
    if since is not None:
        # A send claimed shortly before the switch-off may still have found it off.
        since -= timedelta(seconds=settings.NOTIFY_LEASE_SECONDS)
        attempts = DeliveryAttempt.objects.filter(delivery=OuterRef("pk"), started_at__gte=since)
        failed = failed.filter(Exists(attempts))
    ids = list(failed.values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    deliveries_enqueue_on_commit(ids=ids)
    return ids


def _switched_off_texts() -> set[str]:
    # Recorded in whichever language the worker had; matched in every one.
    texts = {str(SWITCHED_OFF)}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(SWITCHED_OFF))
    return texts
