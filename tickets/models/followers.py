"""Who else takes part in a ticket: agents following it, and CC addresses."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.tickets import Ticket


class Follower(models.Model):
    """An agent taking part in a ticket outside its team: one who followed it, or
    was once its assignee. The row stays when they stop following (``notify``
    off), so the read access it gives outlives a reassignment."""

    class Reason(models.TextChoices):
        FOLLOWED = "followed", _("Followed")
        ASSIGNED = "assigned", _("Was assigned")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="followers", verbose_name=_("ticket")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="followed_tickets",
        verbose_name=_("user"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason, default=Reason.FOLLOWED)
    notify = models.BooleanField(
        _("told of changes"),
        default=True,
        help_text=_("Told of public replies and status changes."),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="follower_once_per_ticket")
        ]
        indexes = [models.Index(fields=["user", "ticket"], name="follower_user_ticket")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.ticket_id}"


class CcAddress(models.Model):
    """An e-mail address the requester copies on their ticket."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="cc_addresses", verbose_name=_("ticket")
    )
    email = models.EmailField(_("e-mail"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("CC address")
        verbose_name_plural = _("CC addresses")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "email"], name="cc_once_per_ticket")
        ]

    def __str__(self) -> str:
        return self.email
