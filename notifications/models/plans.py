"""Communication plans: who hears about a ticket of a given priority, and how often."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Priority


class Audience(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    ORGANIZATION = "organization", _("Organization contacts")
    ESCALATION_TEAM = "escalation_team", _("Escalation team")
    MANAGEMENT = "management", _("Management chain")


class CommunicationPlan(models.Model):
    priority = models.CharField(_("priority"), max_length=2, choices=Priority, unique=True)
    audiences = models.JSONField(
        _("audiences"),
        default=list,
        help_text=_(
            "Who receives status updates: requester, organization, escalation_team, management."
        ),
    )
    cadence_minutes = models.PositiveIntegerField(
        _("update every (minutes)"),
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text=_("Wall-clock minutes between status updates while the ticket is open."),
    )
    remind_before_minutes = models.PositiveIntegerField(
        _("remind before (minutes)"),
        default=5,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("Tell the owner this long before an update is due; 0 for no reminder."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority"]
        verbose_name = _("communication plan")
        verbose_name_plural = _("communication plans")

    def __str__(self) -> str:
        return _("%(priority)s: every %(minutes)s min") % {
            "priority": self.priority,
            "minutes": self.cadence_minutes,
        }

    def clean(self) -> None:
        errors = {}
        unknown = sorted(set(self.audiences or []) - set(Audience.values))
        if not isinstance(self.audiences, list) or unknown:
            errors["audiences"] = _("Unknown audiences: %(a)s.") % {
                "a": ", ".join(map(str, unknown))
            }
        every, ahead = self.cadence_minutes, self.remind_before_minutes
        if every is not None and ahead is not None and ahead >= every:
            # a reminder before the last update was even due: sent at once, every time
            errors["remind_before_minutes"] = _(
                "Less than the time between updates (%(n)s minutes), please."
            ) % {"n": every}
        if errors:
            raise ValidationError(errors)


class UpdateCadence(models.Model):
    """The running cadence of one open ticket under a plan. ``next_action_at`` is
    the reminder time, then the due time, then the next due time: the beat task
    finds due rows by that one indexed column."""

    class Stage(models.TextChoices):
        REMIND = "remind", _("Waiting to remind")
        DUE = "due", _("Waiting for the due time")

    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="update_cadence",
        verbose_name=_("ticket"),
    )
    plan = models.ForeignKey(
        CommunicationPlan, on_delete=models.CASCADE, related_name="+", verbose_name=_("plan")
    )
    last_update_at = models.DateTimeField(_("last update at"))
    due_at = models.DateTimeField(_("next update due at"))
    stage = models.CharField(_("stage"), max_length=8, choices=Stage)
    next_action_at = models.DateTimeField(_("next action at"), null=True, blank=True)
    missed = models.PositiveIntegerField(_("missed updates"), default=0)
    # The plan's timing this cadence was aimed with: an edit of the plan re-aims it.
    aimed_cadence_minutes = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("aimed cadence minutes")
    )
    aimed_remind_minutes = models.PositiveIntegerField(
        default=0, editable=False, verbose_name=_("aimed remind minutes")
    )

    class Meta:
        verbose_name = _("update cadence")
        verbose_name_plural = _("update cadences")
        indexes = [
            models.Index(
                fields=["next_action_at"],
                condition=models.Q(next_action_at__isnull=False),
                name="cadence_next_action",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket}: {self.due_at:%Y-%m-%d %H:%M}"


class StatusUpdate(models.Model):
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="status_updates",
        verbose_name=_("ticket"),
    )
    escalation = models.ForeignKey(
        "escalations.Escalation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_updates",
        verbose_name=_("escalation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    audiences = models.JSONField(_("audiences"), default=list)
    body = models.TextField(_("update"), max_length=20_000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")

    def __str__(self) -> str:
        return f"{self.ticket} {self.created_at:%Y-%m-%d %H:%M}"
