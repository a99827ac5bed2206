"""SLA policies, the clocks they set, and the alerts the sweep records."""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.clockstates import ClockState, ClockStatus, public_status
from escalations.models.calendars import BusinessCalendar
from tickets.loaded import LoadedRows
from tickets.models import Category, Organization, Priority, Ticket

# Targets and time limits stop at a year of business minutes: beyond that a due
# time would fall past what dates can hold, and no real target is that long.
MAX_TARGET_MINUTES = 365 * 24 * 60
TARGET_VALIDATORS = [MinValueValidator(1), MaxValueValidator(MAX_TARGET_MINUTES)]


class SlaPolicy(models.Model):
    """Targets for tickets of a priority, optionally narrowed by category and
    organization tier. The most specific active policy wins; one with no
    priority is the fallback. Written through ``services.config.policies``."""

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
        _("first response (business minutes)"), validators=TARGET_VALIDATORS
    )
    next_update_minutes = models.PositiveIntegerField(
        _("next update (business minutes)"),
        null=True,
        blank=True,
        validators=TARGET_VALIDATORS,
        help_text=_("Cadence of public updates while the ticket is open; empty for none."),
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), validators=TARGET_VALIDATORS
    )
    warning_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
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
    escalate_on_breach = models.BooleanField(
        _("escalate on breach"),
        default=False,
        help_text=_("A breached first response or resolution moves the ticket up one level."),
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
        }.get(metric)
        return None if minutes is None else timedelta(minutes=minutes)


class SlaClock(LoadedRows, models.Model):
    """One SLA metric of one ticket, timed in business time.

    ``state`` is one of the states declared in ``escalations.clockstates``, and
    changes only through its table; ``status`` is what clients are shown.
    ``business_used`` is the business time consumed up to ``resumed_at`` (the
    start of the current running stretch). ``next_action_at`` is the earliest of
    the pending warning and breach; the sweep finds due clocks by it alone."""

    class Metric(models.TextChoices):
        FIRST_RESPONSE = "first_response", _("First response")
        NEXT_UPDATE = "next_update", _("Next update")
        RESOLUTION = "resolution", _("Resolution")
        LEVEL = "level", _("Time at level")

    State = ClockState
    Status = ClockStatus

    # No index of its own: sla_clock_per_metric (ticket, metric) serves it.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="sla_clocks",
        db_index=False,
        verbose_name=_("ticket"),
    )
    metric = models.CharField(_("metric"), max_length=16, choices=Metric)
    state = models.CharField(_("state"), max_length=16, choices=ClockState, default=State.RUNNING)
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("policy")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Empty: 24x7."),
        verbose_name=_("calendar"),
    )
    target = models.DurationField(_("target (business time)"))
    warning_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn at (% of target)"),
        default=75,
    )
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
    # What governed the clock when it was last started or re-targeted (policy name
    # and targets, calendar and time zone), kept as it was so a report on an old
    # ticket stays true after the policy is edited.
    applied = models.JSONField(
        _("policy applied"),
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),  # bulk SQL loaders
        blank=True,
        editable=False,
    )

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
            models.Index(fields=["state", "due_at"], name="sla_clock_state_due"),
            # Reports: resolutions in a period, read from the index alone.
            models.Index(
                fields=["met_at"],
                name="sla_clock_resolution_met",
                include=["started_at", "business_used", "state", "ticket"],
                condition=Q(metric="resolution", met_at__isnull=False),
            ),
            # Reports: what is at risk or breached now, the clocks still
            # counting with their live times, read from the index alone.
            models.Index(
                fields=["id"],
                name="sla_clock_counting",
                include=["metric", "state", "warn_at", "due_at"],
                condition=Q(state__in=["running", "breached_running", "breached_paused"]),
            ),
        ]

    def __str__(self) -> str:
        return _("%(metric)s of ticket %(ticket)s: %(status)s") % {
            "metric": self.get_metric_display(),
            "ticket": self.ticket_id,
            "status": self.status,
        }

    @property
    def status(self) -> str:
        """What clients are shown: running, paused, met or breached."""
        return public_status(self.state)

    def get_status_display(self) -> str:
        return ClockStatus(self.status).label

    @property
    def warn_target(self) -> timedelta:
        return self.target * self.warning_percent / 100


class SlaClockAlert(models.Model):
    """A warning or breach, recorded once per clock cycle: the uniqueness
    constraint is what makes the sweep exactly-once."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")

    # No index of its own: sla_alert_once_per_cycle (clock, cycle, kind) serves it.
    clock = models.ForeignKey(
        SlaClock,
        on_delete=models.CASCADE,
        related_name="alerts",
        db_index=False,
        verbose_name=_("clock"),
    )
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
        return _("%(kind)s of clock %(clock)s (cycle %(cycle)s)") % {
            "kind": self.get_kind_display(),
            "clock": self.clock_id,
            "cycle": self.cycle,
        }
