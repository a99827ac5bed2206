"""The outbox: every e-mail and webhook delivery is a row written in the transaction
that raised the event, then sent by a Celery task. The row's unique key (event,
channel, recipient) makes a retried or duplicated task harmless."""

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Upper
from django.utils.translation import gettext_lazy as _

from notifications.models.inbox import Channel, EventKind


def webhook_ticket() -> models.Case:
    """The id of the ticket a webhook delivery's body names (the body is a JSON
    document kept as a string). Guarded by the channel so no other row's context
    is read as JSON, and not a partial index, so the planner has its statistics."""
    body = Cast(KeyTextTransform("body", "context"), models.JSONField())
    ticket = Cast(KeyTextTransform("id", KeyTransform("ticket", body)), models.BigIntegerField())
    return models.Case(
        models.When(channel="webhook", then=ticket), output_field=models.BigIntegerField()
    )


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        RETRY = "retry", _("Failed, will retry")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed, gave up")
        # Written while its webhook endpoint is switched off: sent, oldest
        # first, when the endpoint is switched on again.
        HELD = "held", _("Held while the endpoint is off")

    # Unique by a constraint (delivery_key_once), not ``unique=True``: that would
    # add a second index (varchar_pattern_ops, for LIKE) nothing reads.
    key = models.CharField(_("key"), max_length=200)
    event_id = models.UUIDField(_("event id"), db_index=True)
    kind = models.CharField(_("event"), max_length=40, choices=EventKind)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    endpoint = models.ForeignKey(
        "notifications.WebhookEndpoint",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("webhook endpoint"),
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # What the message is about, as plain values (ids, names, the webhook body):
    # rendering and sending read it, never a live model object.
    context = models.JSONField(_("context"), default=dict)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["key"], name="delivery_key_once")]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending", "retry"]),
                name="delivery_due",
            ),
            models.Index(
                fields=["endpoint", "created_at"],
                condition=models.Q(status="held"),
                name="delivery_held",
            ),
            # Erasure and retention find a ticket's deliveries by the ticket named in
            # their context (e-mails) or in the body they send (webhooks).
            models.Index(
                KeyTransform("id", KeyTransform("ticket", "context")), name="delivery_ticket"
            ),
            models.Index(webhook_ticket(), name="delivery_webhook_ticket"),
            # ... and the e-mails sent to a person by address, in any case.
            models.Index(
                Upper("address"), condition=models.Q(channel="email"), name="delivery_email_ci"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.address or self.user or self.endpoint}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    error = models.TextField(_("error"), blank=True)
    # Empty while the send is under way, and for good when the worker stopped
    # between sending and recording (the receiver may have got it).
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_once")
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error[:40]}"
