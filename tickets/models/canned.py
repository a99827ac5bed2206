"""Canned replies (macros): texts agents insert in the reply box."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.choices import Status
from tickets.models.people import Team

# What ``canned_reply_text`` fills in; anything else in braces would reach the
# requester as typed.
PLACEHOLDERS = ("{requester_name}", "{reference}", "{title}", "{agent_name}")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}")


class CannedReply(models.Model):
    """A reply text with placeholders ({requester_name}, {reference}, {title},
    {agent_name}); owned by a team (its agents use it) or by no team (everyone).
    It may set the ticket's status when sent."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        max_length=10_000,
        help_text=_("Placeholders: {requester_name}, {reference}, {title}, {agent_name}."),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_replies",
        verbose_name=_("team"),
        help_text=_("Empty: offered to every agent."),
    )
    set_status = models.CharField(
        _("then set the status to"), max_length=16, choices=Status, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        unknown = sorted(set(_PLACEHOLDER.findall(self.body or "")) - set(PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                {
                    "body": _("Unknown placeholders: %(names)s. The text can use %(known)s.")
                    % {"names": ", ".join(unknown), "known": ", ".join(PLACEHOLDERS)}
                }
            )
