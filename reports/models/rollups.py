"""Facts and daily rollups of escalations, kept for the reports so that a
report over a quarter or a year reads one narrow table and never joins the
tickets.

``EscalationFact``: one row per escalation carrying the ticket's filter columns
(team, category, priority, organization) as they are now, and what the reports
count and time (kind, trigger, levels, status, decision, root cause).

``EscalationDay``: escalations per UTC day and per combination of those
filters, level (the level escalated to), kind and trigger. A day is a UTC
calendar day (00:00 to 24:00 UTC); week and month buckets of a UTC report are
built from whole days. "None" is stored as 0 (ids) or "" (texts), so the key is
unique on every database (NULLs would never conflict).

Both are kept by ``reports.services.rollups`` from the same event-bus listeners
(phase FACTS) that keep the level stints, and rebuilt by ``manage.py
rebuild_rollups``.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.models import Escalation, SlaClock
from tickets.models import Category, Organization, Team, Ticket


def _ref(model, **extra):
    # No database constraint: a fact keeps the id the ticket had; a deleted
    # team or category is refreshed away with the ticket's next change.
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        **extra,
    )


class EscalationFact(models.Model):
    escalation = models.OneToOneField(
        Escalation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    team = _ref(Team)
    category = _ref(Category)
    organization = _ref(Organization)
    priority = models.CharField(max_length=4, blank=True)
    kind = models.CharField(max_length=16)
    trigger = models.CharField(max_length=16)
    status = models.CharField(max_length=16)
    from_tier = models.CharField(max_length=8)
    to_tier = models.CharField(max_length=8)
    decided = models.BooleanField(default=False)  # by a person (approved or rejected)
    decided_at = models.DateTimeField(null=True, blank=True)
    root_cause = models.CharField(max_length=32, blank=True)  # of a submitted review
    # The ticket's escalations before and after this one (in time, then id
    # order): its first escalation in a period is the one whose previous is
    # before the period, and it escalated again there if its next is inside.
    previous_at = models.DateTimeField(null=True, blank=True)
    next_at = models.DateTimeField(null=True, blank=True)
    # The ticket's previous escalation from the same level with the same root
    # cause: a period's distinct tickets per level and cause ("what to train on")
    # are its escalations whose such previous one is before the period.
    previous_same_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("escalation fact")
        verbose_name_plural = _("escalation facts")
        indexes = [
            models.Index(
                fields=["created_at"],
                include=["team", "to_tier", "kind", "trigger", "ticket"],
                name="escfact_created",
            ),
            models.Index(fields=["ticket"], name="escfact_ticket"),
            # Repeats: each pair's escalations in time order (its window needs
            # no sort), with the neighbours that pick each ticket's first.
            models.Index(
                fields=["organization", "category", "created_at"],
                include=["previous_at", "next_at"],
                name="escfact_pair",
            ),
            models.Index(
                fields=["created_at"],
                include=["team", "status", "decided", "decided_at"],
                condition=Q(status="requested") | Q(decided=True) | Q(decided_at__isnull=False),
                name="escfact_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"escalation {self.escalation_id} of ticket {self.ticket_id}"


class DayRow(models.Model):
    """A rollup row's key columns shared by every rollup: the UTC day and the
    report filters (0 or blank: none)."""

    day = models.DateField()  # UTC
    team_id = models.IntegerField(default=0)
    category_id = models.IntegerField(default=0)
    organization_id = models.IntegerField(default=0)
    priority = models.CharField(max_length=4, blank=True)

    class Meta:
        abstract = True


DAY_KEY = ["day", "team_id", "category_id", "organization_id", "priority"]


class EscalationDay(DayRow):
    level = models.CharField(max_length=8)  # escalated to
    kind = models.CharField(max_length=16)
    trigger = models.CharField(max_length=16)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("escalations per day")
        verbose_name_plural = _("escalations per day")
        constraints = [
            models.UniqueConstraint(
                fields=[*DAY_KEY, "level", "kind", "trigger"],
                name="escalation_day_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.level} {self.kind} {self.trigger}: {self.n}"


class ClockFact(models.Model):
    """One row per SLA clock of the reported metrics (first response, next
    update, resolution), with its ticket's creation time and filter columns
    (team, category, priority, organization, level) as they are now."""

    clock = models.OneToOneField(
        SlaClock, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    ticket_created_at = models.DateTimeField()
    team = _ref(Team)
    category = _ref(Category)
    organization = _ref(Organization)
    priority = models.CharField(max_length=4, blank=True)
    level = models.CharField(max_length=8, blank=True)
    metric = models.CharField(max_length=20)
    state = models.CharField(max_length=20)
    cycle = models.IntegerField(default=1)
    missed = models.IntegerField(default=0)  # breach alerts (one per cycle at most)
    # A resolution clock met (time to resolve), on PostgreSQL: when, its
    # business and wall seconds as the report computes them, and the histogram
    # bin of each (``RESOLUTION_BIN``). Null for every other clock, and on SQLite.
    met_at = models.DateTimeField(null=True, blank=True)
    business = models.FloatField(null=True, blank=True)
    wall = models.FloatField(null=True, blank=True)
    business_bin = models.IntegerField(null=True, blank=True)
    wall_bin = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("SLA clock fact")
        verbose_name_plural = _("SLA clock facts")
        indexes = [
            models.Index(fields=["ticket"], name="clockfact_ticket"),
            # The partial days of a period.
            models.Index(fields=["ticket_created_at"], name="clockfact_created"),
            # What is at risk or breached now: the clocks still counting.
            models.Index(
                fields=["ticket_created_at"],
                include=[
                    "clock",
                    "metric",
                    "team",
                    "category",
                    "organization",
                    "priority",
                    "level",
                ],
                condition=Q(state__in=["running", "breached_running", "breached_paused"]),
                name="clockfact_counting",
            ),
            # Time to resolve: the resolutions of a period's partial days, and
            # the resolutions of one histogram bin in a period (the k-th value).
            models.Index(
                fields=["met_at"],
                include=["team", "business_bin", "wall_bin"],
                condition=Q(met_at__isnull=False),
                name="clockfact_met",
            ),
            models.Index(
                fields=["business_bin", "met_at"],
                include=["business", "team"],
                condition=Q(met_at__isnull=False),
                name="clockfact_business_bin",
            ),
            models.Index(
                fields=["wall_bin", "met_at"],
                include=["wall", "team"],
                condition=Q(met_at__isnull=False),
                name="clockfact_wall_bin",
            ),
        ]

    def __str__(self) -> str:
        return f"clock {self.clock_id} of ticket {self.ticket_id}"


class ClockDay(DayRow):
    """SLA clocks per UTC day of their ticket's creation, filter columns and
    metric: clocks, targets decided, breaches (first response, resolution) and
    missed updates (next update). Its day is that of the ticket's creation."""

    level = models.CharField(max_length=8, blank=True)
    metric = models.CharField(max_length=20)
    clocks = models.IntegerField(default=0)
    targets = models.IntegerField(default=0)
    breached = models.IntegerField(default=0)
    missed = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("SLA clocks per day")
        verbose_name_plural = _("SLA clocks per day")
        constraints = [
            models.UniqueConstraint(
                fields=[*DAY_KEY, "level", "metric"],
                name="clock_day_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric}: {self.clocks}"


# The histogram bin of a resolution's or a stint's seconds:
# ``floor(sqrt(max(seconds, 0)) / 8)``, never decreasing with the value (bins
# 0, 1, 2 ... end at 64, 256, 576 ... seconds; a bin of three days is about an
# hour and a half wide).
RESOLUTION_BIN_WIDTH = 8


class ResolutionDay(models.Model):
    """Time to resolve per UTC day of the resolution and team (the ticket's, as
    the report filters it): how many resolution clocks were met (``kind`` "n",
    ``bin`` 0) and how many of their business and wall times fall in each
    histogram bin (``kind`` "business" or "wall"). The report's percentiles
    find the bin of a rank here and read that bin's resolutions only.
    Kept on PostgreSQL (SQLite sorts every value)."""

    day = models.DateField()  # UTC, of the resolution (met_at)
    team_id = models.IntegerField(default=0)
    kind = models.CharField(max_length=8)
    bin = models.IntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("resolutions per day")
        verbose_name_plural = _("resolutions per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team_id", "kind", "bin"],
                name="resolution_day_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.bin}: {self.n}"
