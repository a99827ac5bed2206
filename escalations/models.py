"""Priority handling, business calendars and SLA clocks.

Models hold fields, choices, constraints and indexes. Rules live in the pure
modules (``businesstime``, ``rules``) and in ``escalations.services``.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import (
    Category,
    Impact,
    Organization,
    Priority,
    Team,
    Ticket,
    Tier,
    validate_time_zone,
)


class PriorityMatrixRow(models.Model):
    """One row of the impact x urgency grid: the priority for each urgency at this impact.

    The four rows are created by a migration; admins edit them as a grid."""

    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact, unique=True)
    urgency_1 = models.CharField(_("urgency 1 (critical)"), max_length=2, choices=Priority)
    urgency_2 = models.CharField(_("urgency 2 (high)"), max_length=2, choices=Priority)
    urgency_3 = models.CharField(_("urgency 3 (medium)"), max_length=2, choices=Priority)
    urgency_4 = models.CharField(_("urgency 4 (low)"), max_length=2, choices=Priority)

    class Meta:
        ordering = ["impact"]
        verbose_name = _("priority matrix row")
        verbose_name_plural = _("priority matrix")

    def __str__(self) -> str:
        return str(self.get_impact_display())

    def for_urgency(self, urgency: int) -> str:
        return getattr(self, f"urgency_{urgency}")


class PriorityDefinition(models.Model):
    """What P1..P4 mean in words, shown to agents next to impact and urgency."""

    priority = models.CharField(_("priority"), max_length=2, choices=Priority, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    example = models.CharField(_("example"), max_length=300, blank=True)

    class Meta:
        ordering = ["priority"]
        verbose_name = _("priority definition")
        verbose_name_plural = _("priority definitions")

    def __str__(self) -> str:
        return f"{self.priority} {self.name}"


class PriorityCriterion(models.Model):
    """A rule that raises the priority of tickets it matches (it never lowers one).

    Every condition that is set must hold; among the flags, any ticked flag will do."""

    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    organization_tier = models.CharField(
        _("organization tier"), max_length=16, choices=Organization.Tier, blank=True
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("category")
    )
    if_security = models.BooleanField(_("security flag"), default=False)
    if_safety = models.BooleanField(_("safety flag"), default=False)
    if_legal = models.BooleanField(_("legal / compliance flag"), default=False)
    if_major_outage = models.BooleanField(_("major outage flag"), default=False)
    keywords = models.CharField(
        _("keywords"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated words or phrases, matched in the title or description."),
    )
    minimum_priority = models.CharField(_("minimum priority"), max_length=2, choices=Priority)
    jump_to_level = models.CharField(
        _("jump to level"),
        max_length=8,
        choices=Tier,
        blank=True,
        help_text=_("Send matching tickets straight to this escalation level."),
    )
    notify_management = models.BooleanField(_("notify management"), default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("priority criterion")
        verbose_name_plural = _("priority criteria")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        flags = (self.if_security, self.if_safety, self.if_legal, self.if_major_outage)
        if not (self.organization_tier or self.category_id or any(flags) or self.keywords.strip()):
            raise ValidationError(
                _("Give at least one condition: tier, category, a flag or keywords.")
            )


class BusinessCalendar(models.Model):
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
        BusinessCalendar, on_delete=models.CASCADE, related_name="intervals"
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

    def clean(self) -> None:
        if self.start is None or self.end is None:
            return
        if self.overnight and self.end > self.start:
            raise ValidationError(
                {"end": _("An overnight shift ends the next day, at or before its start time.")}
            )
        if not self.overnight and self.end <= self.start:
            raise ValidationError(
                {
                    "end": _(
                        "The end must be after the start (tick “ends next day” for a night shift)."
                    )
                }
            )


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
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

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="calendar_link")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("team calendar")
        verbose_name_plural = _("team calendars")

    def __str__(self) -> str:
        return f"{self.team}: {self.calendar}"


class SlaPolicy(models.Model):
    """Targets for tickets of a priority, optionally narrowed by category and
    organization tier. The most specific active policy wins; one with no
    priority is the fallback."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    priority = models.CharField(
        _("priority"),
        max_length=2,
        choices=Priority,
        blank=True,
        help_text=_("Empty: the fallback for any priority."),
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("category")
    )
    organization_tier = models.CharField(
        _("organization tier"), max_length=16, choices=Organization.Tier, blank=True
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response (business minutes)"), validators=[MinValueValidator(1)]
    )
    next_update_minutes = models.PositiveIntegerField(
        _("next update (business minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Cadence of public updates while the ticket is open; empty for none."),
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), validators=[MinValueValidator(1)]
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (% of target)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("calendar"),
        help_text=_("Empty: the handling team's calendar (24x7 if it has none)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["priority", "name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name

    def target(self, metric: str) -> timedelta | None:
        minutes = {
            SlaClock.Metric.FIRST_RESPONSE: self.first_response_minutes,
            SlaClock.Metric.NEXT_UPDATE: self.next_update_minutes,
            SlaClock.Metric.RESOLUTION: self.resolution_minutes,
        }[metric]
        return None if minutes is None else timedelta(minutes=minutes)

    def clean(self) -> None:
        clash = SlaPolicy.objects.filter(
            is_active=True,
            priority=self.priority,
            category=self.category_id,
            organization_tier=self.organization_tier,
        ).exclude(pk=self.pk)
        if self.is_active and clash.exists():
            raise ValidationError(
                _(
                    "Another active policy already covers this priority, category and tier: "
                    "%(name)s."
                )
                % {"name": clash.first().name}
            )


class SlaClock(models.Model):
    """One SLA metric of one ticket, timed in business time.

    ``business_used`` is the business time consumed up to ``resumed_at`` (the
    start of the current running stretch). ``next_action_at`` is the earliest of
    the pending warning and breach; the sweep finds due clocks by it alone."""

    class Metric(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        NEXT_UPDATE = "next_update", _("Next update")
        RESOLUTION = "resolution", _("Resolution")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        BREACHED = "breached", _("Breached")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    metric = models.CharField(_("metric"), max_length=16, choices=Metric)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.RUNNING)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty: 24x7."),
    )
    target = models.DurationField(_("target (business time)"))
    warning_percent = models.PositiveSmallIntegerField(_("warn at (% of target)"), default=75)
    business_used = models.DurationField(_("business time used"), default=timedelta(0))
    cycle = models.PositiveIntegerField(
        _("cycle"), default=1, help_text=_("Next-update clocks start a new cycle at every update.")
    )
    started_at = models.DateTimeField(_("started at"))
    resumed_at = models.DateTimeField(_("running since"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    next_action_at = models.DateTimeField(_("next action at"), null=True, blank=True)

    class Meta:
        ordering = ["ticket", "metric"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "metric"], name="sla_clock_per_metric"),
        ]
        indexes = [
            # The sweep's only query: clocks with something due, by time.
            models.Index(
                fields=["next_action_at"],
                name="sla_clock_next_action",
                condition=Q(next_action_at__isnull=False),
            ),
            models.Index(fields=["status", "due_at"], name="sla_clock_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} of ticket {self.ticket_id}: {self.status}"

    @property
    def warn_target(self) -> timedelta:
        return self.target * self.warning_percent / 100


class SlaClockAlert(models.Model):
    """A warning or breach, recorded once per clock cycle: the uniqueness
    constraint is what makes the sweep exactly-once."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="alerts")
    cycle = models.PositiveIntegerField(_("cycle"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind)
    due_at = models.DateTimeField(_("was due at"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        verbose_name = _("SLA alert")
        verbose_name_plural = _("SLA alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "cycle", "kind"], name="sla_alert_once_per_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of clock {self.clock_id} (cycle {self.cycle})"
