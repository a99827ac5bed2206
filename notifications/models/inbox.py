"""What happened, and who wants to hear about it on which channel."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_ASSIGNED = "ticket.assigned", _("Ticket assigned")
    TICKET_REPLIED = "ticket.replied", _("Public reply")
    SLA_WARNING = "sla.warning", _("SLA warning")
    SLA_BREACH = "sla.breach", _("SLA breached")
    ESCALATED = "escalation.escalated", _("Escalated to the next level")
    APPROVAL_REQUESTED = "escalation.requested", _("Escalation approval requested")
    APPROVAL_DECIDED = "escalation.decided", _("Escalation approved or rejected")
    ESCALATION_OPENED = "escalation.opened", _("Managed escalation opened")
    ESCALATION_MONITORING = "escalation.monitoring", _("Escalation in monitoring")
    MONITORING_ENDED = "escalation.monitoring_ended", _("Monitoring period ended")
    ESCALATION_REOPENED = "escalation.reopened", _("Escalation active again")
    ESCALATION_CLOSED = "escalation.closed", _("Escalation closed")
    REVIEW_REQUESTED = "escalation.review_requested", _("Post-escalation review requested")
    UPDATE_SENT = "update.sent", _("Status update")
    UPDATE_DUE = "update.due", _("Stakeholder update due")
    UPDATE_MISSED = "update.missed", _("Stakeholder update missed")
    WEBHOOK_DISABLED = "webhook.disabled", _("Webhook endpoint switched off")
    HANDED_OVER = "duty.handed_over", _("Ticket handed over at shift end")
    LEVEL_OFF_DUTY = "duty.level_off_duty", _("Ticket reached a level with nobody on duty")
    WEBHOOK_TEST = "webhook.test", _("Webhook test event")


class Channel(models.TextChoices):
    INAPP = "inapp", _("In-app")
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class Notification(models.Model):
    """One message in a user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event_id = models.UUIDField(_("event id"))
    kind = models.CharField(_("event"), max_length=40, choices=EventKind)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "recipient"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Preference(models.Model):
    """A user's choice for one event on one channel. No row: the default applies
    (``notifications.preferences.default``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("event"), max_length=40, choices=EventKind)
    channel = models.CharField(
        _("channel"),
        max_length=16,
        choices=[(Channel.INAPP, Channel.INAPP.label), (Channel.EMAIL, Channel.EMAIL.label)],
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        ordering = ["user", "kind", "channel"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="preference_once_per_event_channel"
            )
        ]

    def __str__(self) -> str:
        state = _("on") if self.enabled else _("off")
        return f"{self.user}: {self.get_kind_display()} / {self.get_channel_display()} {state}"
