"""Duty schedules: a team's working shifts and on-call rotations in its own time
zone, overrides for a period, and people's absences. The rules of who is on duty
live in ``escalations.duty`` (pure); checks on input in ``services.duty.config``."""

from datetime import date, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from escalations.models.calendars import BusinessCalendar, Weekday
from tickets.models import Team, validate_time_zone


class TeamSchedule(models.Model):
    """When a team works: its own shifts and/or a business calendar's hours (the
    calendar's holidays too). Neither: always."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="schedule", verbose_name=_("team")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working hours from calendar"),
        help_text=_(
            "Its hours and holidays are the team's shifts; its time zone must be the team's."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("team schedule")
        verbose_name_plural = _("team schedules")

    def __str__(self) -> str:
        return f"{self.team.name} ({self.time_zone})"


class Shift(models.Model):
    """A weekly working shift, local time; an end at or before the start runs
    past midnight."""

    schedule = models.ForeignKey(
        TeamSchedule, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("schedule")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("At or before the start: ends the next day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working shift")
        verbose_name_plural = _("working shifts")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class Rotation(models.Model):
    """An on-call layer: members take turns of ``shift_hours``, handing off at
    ``handoff_time`` (local) from ``starts_on``; a higher layer is on top."""

    schedule = models.ForeignKey(
        TeamSchedule, on_delete=models.CASCADE, related_name="rotations", verbose_name=_("schedule")
    )
    name = models.CharField(_("name"), max_length=120)
    layer = models.PositiveSmallIntegerField(
        _("layer"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    shift_hours = models.PositiveIntegerField(
        _("shift length (hours)"),
        default=168,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 56)],
    )
    handoff_time = models.TimeField(_("hand-off time"), default=time(9))
    starts_on = models.DateField(_("first hand-off on"), default=date(2026, 1, 5))

    class Meta:
        ordering = ["schedule", "-layer"]
        verbose_name = _("on-call rotation")
        verbose_name_plural = _("on-call rotations")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "layer"], name="one_rotation_per_layer")
        ]

    def __str__(self) -> str:
        return f"{self.name} (layer {self.layer})"


class RotationMember(models.Model):
    rotation = models.ForeignKey(
        Rotation, on_delete=models.CASCADE, related_name="members", verbose_name=_("rotation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["rotation", "position", "pk"]
        verbose_name = _("rotation member")
        verbose_name_plural = _("rotation members")

    def __str__(self) -> str:
        return f"{self.position}. {self.user}"


class RotationWindow(models.Model):
    """A weekly window the rotation covers (none: around the clock)."""

    rotation = models.ForeignKey(
        Rotation, on_delete=models.CASCADE, related_name="windows", verbose_name=_("rotation")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"), help_text=_("At or before the start: ends the next day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("on-call window")
        verbose_name_plural = _("on-call windows")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class DutyOverride(models.Model):
    """For a period: a person on call (on one layer, or on top of all), or the
    whole team on or off duty. The latest one wins where they overlap."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Person on call")
        TEAM_ON = "on", _("Team on duty")
        TEAM_OFF = "off", _("Team off duty")

    schedule = models.ForeignKey(
        TeamSchedule, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("schedule")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.PERSON)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    layer = models.PositiveSmallIntegerField(
        _("layer"), null=True, blank=True, help_text=_("Empty: on top of every layer.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("duty override")
        verbose_name_plural = _("duty overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="override_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["schedule", "ends_at"], name="override_by_end")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        from escalations.services.duty.config import override_check

        override_check(
            kind=self.kind,
            user=self.user,
            layer=self.layer,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
        )


class Absence(models.Model):
    class Kind(models.TextChoices):
        LEAVE = "leave", _("Leave")
        SICK = "sick", _("Sick")
        OUT_OF_OFFICE = "ooo", _("Out of office")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.LEAVE)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="absence_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["user", "ends_at"], name="absence_by_end")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_kind_display()} {self.starts_at:%Y-%m-%d}"

    def clean(self) -> None:
        from escalations.services.duty.config import period_check

        period_check(starts_at=self.starts_at, ends_at=self.ends_at)
