"""Business calendars: time zone, working intervals, holidays; a team's calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.loaded import LoadedRows
from tickets.models import Team, validate_time_zone


class BusinessCalendar(LoadedRows, models.Model):
    """Written, with its hours and holidays, through ``services.config.calendars``
    (which holds the rules of working hours)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    is_24x7 = models.BooleanField(
        _("24x7"), default=False, help_text=_("Always open: hours and holidays are ignored.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingInterval(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="intervals",
        verbose_name=_("calendar"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    overnight = models.BooleanField(
        _("ends next day"), default=False, help_text=_("The shift runs past midnight.")
    )

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working interval")
        verbose_name_plural = _("working intervals")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="holidays",
        verbose_name=_("calendar"),
    )
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    recurring = models.BooleanField(_("every year"), default=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class TeamCalendar(models.Model):
    """The business hours a team works; SLA policies without a calendar use it."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="calendar_link", verbose_name=_("team")
    )
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, verbose_name=_("calendar")
    )

    class Meta:
        verbose_name = _("team calendar")
        verbose_name_plural = _("team calendars")

    def __str__(self) -> str:
        return f"{self.team}: {self.calendar}"
