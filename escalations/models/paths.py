"""Escalation paths: the ordered levels a ticket climbs (L1 -> L2 -> L3 -> management)."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.models.calendars import BusinessCalendar
from escalations.models.sla import TARGET_VALIDATORS
from tickets.models import Category, Priority, Team, Tier


class EscalationPath(models.Model):
    """Chosen by category and priority, the most specific active path winning; the
    default path serves tickets no other path fits."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default path"), default=False)
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("category")
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("escalation path")
        verbose_name_plural = _("escalation paths")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_path"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EscalationLevel(models.Model):
    path = models.ForeignKey(
        EscalationPath, on_delete=models.CASCADE, related_name="levels", verbose_name=_("path")
    )
    position = models.PositiveSmallIntegerField(_("position"), validators=[MinValueValidator(1)])
    tier = models.CharField(_("tier"), max_length=8, choices=Tier)
    teams = models.ManyToManyField(Team, related_name="escalation_levels", verbose_name=_("teams"))
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (business minutes)"),
        null=True,
        blank=True,
        validators=TARGET_VALIDATORS,
        help_text=_("Empty: no time limit; the ticket stays until someone escalates it."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: the level's first team's calendar (24x7 if it has none)."),
        verbose_name=_("calendar"),
    )
    notify_manager = models.BooleanField(_("notify the team manager"), default=False)
    approval_required = models.BooleanField(
        _("manual escalation into it needs approval (P3/P4)"), default=False
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("E.g. the vendor contact.")
    )

    class Meta:
        ordering = ["path", "position"]
        verbose_name = _("escalation level")
        verbose_name_plural = _("escalation levels")
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="level_position_per_path")
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.position}. {self.get_tier_display()}"

    def clean(self) -> None:
        if self.position is not None and self.position < 1:
            raise ValidationError({"position": _("Positions start at 1.")})


class TicketRoute(models.Model):
    """Where a ticket stands on its path: which path, which level, since when."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="route", verbose_name=_("ticket")
    )
    path = models.ForeignKey(
        EscalationPath, on_delete=models.PROTECT, related_name="+", verbose_name=_("path")
    )
    level = models.ForeignKey(
        EscalationLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    entered_at = models.DateTimeField(_("at this level since"))

    class Meta:
        verbose_name = _("ticket route")
        verbose_name_plural = _("ticket routes")

    def __str__(self) -> str:
        return f"{self.ticket_id} at {self.level}"
