"""Message templates admins may edit; the defaults live in the repository."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.models.inbox import EventKind


class MessageTemplate(models.Model):
    kind = models.CharField(_("event"), max_length=40, choices=EventKind)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: used for every language without its own template."),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(
        _("HTML body"), blank=True, help_text=_("Empty: the text body, escaped.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "language"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(fields=["kind", "language"], name="template_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} [{self.language or '*'}]"
