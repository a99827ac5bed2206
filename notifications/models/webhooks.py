"""Outbound webhooks configured by admins."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models.inbox import EventKind


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("Event kinds sent to this endpoint; empty sends every event."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_secret,
        help_text=_("Signs every delivery: HMAC-SHA256 of the attempt's time, a dot and the body."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(
        _("failing since"),
        null=True,
        blank=True,
        help_text=_("First failure with no success since; empty while deliveries succeed."),
    )
    disabled_at = models.DateTimeField(_("switched off at"), null=True, blank=True)
    disabled_reason = models.TextField(_("why it was switched off"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from notifications.urlsafety import validate_webhook_url

        errors = {}
        # A host that does not resolve yet (DNS still to be set up) is saved with
        # a warning; it is resolved and checked again at every send.
        self.url_warning = ""
        if self.url:
            try:
                validate_webhook_url(self.url)
            except ValidationError as error:
                if error.code == "unresolvable":
                    self.url_warning = " ".join(error.messages)
                else:
                    errors["url"] = error
        if not isinstance(self.events, list):
            errors["events"] = [_("A list of event kinds.")]
        else:
            unknown = sorted({str(e) for e in self.events} - set(EventKind.values))
            if unknown:
                errors["events"] = [_("Unknown events: %(e)s.") % {"e": ", ".join(unknown)}]
        if errors:
            raise ValidationError(errors)

    def wants(self, kind: str) -> bool:
        return self.is_active and self.subscribes(kind)

    def subscribes(self, kind: str) -> bool:
        """Whether the endpoint takes ``kind``, switched on or off."""
        return not self.events or kind in self.events
