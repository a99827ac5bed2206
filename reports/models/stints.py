"""One row per stretch a ticket spends at one level with one team."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.models import BusinessCalendar
from tickets.models import Team, Ticket, Tier


class LevelStint(models.Model):
    """A ticket at a level (and team) from ``entered_at`` until ``left_at``.

    Kept by ``reports.services.stints`` as the ticket moves, and rebuilt for
    older tickets from their audit trail (``manage.py backfill_stints``).
    ``business_seconds`` counts the level's calendar, without the time the
    ticket waited on the customer (``pending``), as the level clock does;
    ``wall_seconds`` is the plain elapsed time. Both are set when the stint ends.
    """

    class How(models.TextChoices):
        ESCALATED = "escalated", _("Escalated")
        DE_ESCALATED = "de_escalated", _("Sent back to a lower level")
        TRANSFERRED = "transferred", _("Handed to another team at the level")
        RESOLVED = "resolved", _("Resolved")

    # No index of its own: stint_ticket_time (ticket, entered_at) serves it.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="level_stints",
        db_index=False,
        verbose_name=_("ticket"),
    )
    level = models.CharField(_("level"), max_length=8, choices=Tier)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    entered_at = models.DateTimeField(_("entered"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    how_left = models.CharField(_("how it left"), max_length=16, choices=How, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The calendar the business time was counted on; empty: 24x7."),
        verbose_name=_("calendar"),
    )
    # The ticket's creation, copied (it never changes): the funnel's period
    # without a join with the tickets.
    ticket_created_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("ticket created at")
    )
    wall_seconds = models.BigIntegerField(_("wall time (s)"), null=True, blank=True)
    business_seconds = models.BigIntegerField(_("business time (s)"), null=True, blank=True)
    # Waiting on the customer: since when (while pending), and how much so far.
    paused_since = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("paused since")
    )
    paused_wall_seconds = models.BigIntegerField(
        default=0, editable=False, verbose_name=_("paused wall seconds")
    )
    paused_business_seconds = models.BigIntegerField(
        default=0, editable=False, verbose_name=_("paused business seconds")
    )
    # Which of the ticket's stints this is, for the funnel's distinct tickets
    # (counted from these flags without a sort by ticket): its first stint, its
    # first at this level, its first sent back down. A new stint starts as the
    # first of its ticket and level; the refresh of the ticket's stint facts
    # (``reports.services.stint_facts.firsts_refresh``) sets them right.
    first_of_ticket = models.BooleanField(
        default=True, editable=False, verbose_name=_("first of ticket")
    )
    first_at_level = models.BooleanField(
        default=True, editable=False, verbose_name=_("first at level")
    )
    first_bounce = models.BooleanField(
        default=False, editable=False, verbose_name=_("first bounce")
    )

    class Meta:
        ordering = ["ticket", "entered_at", "id"]
        verbose_name = _("level stint")
        verbose_name_plural = _("level stints")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(left_at__isnull=True), name="one_open_stint"
            ),
        ]
        indexes = [
            models.Index(fields=["left_at", "level"], name="stint_left_level"),
            models.Index(fields=["entered_at", "level"], name="stint_entered_level"),
            models.Index(fields=["ticket", "entered_at"], name="stint_ticket_time"),
            models.Index(
                fields=["ticket_created_at"],
                include=[
                    *("level", "team", "how_left", "ticket"),
                    *("first_of_ticket", "first_at_level", "first_bounce"),
                ],
                name="stint_ticket_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} at {self.level} from {self.entered_at:%Y-%m-%d %H:%M}"


class StintFact(models.Model):
    """A stint ended, on PostgreSQL: when, its level, team and how it ended,
    its business and wall seconds and the histogram bin of each (as
    ``ClockFact`` keeps them for time to resolve). Kept from the stints by the
    listeners of the FACTS phase (after the stint service), the stint
    backfill and ``rebuild_rollups``; SQLite keeps none (it sorts every value)."""

    stint = models.OneToOneField(
        LevelStint, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    left_at = models.DateTimeField()
    team = models.ForeignKey(
        Team,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    level = models.CharField(max_length=8)
    how_left = models.CharField(max_length=16, blank=True)
    business = models.BigIntegerField(null=True, blank=True)
    wall = models.BigIntegerField(null=True, blank=True)
    business_bin = models.IntegerField(null=True, blank=True)
    wall_bin = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("stint fact")
        verbose_name_plural = _("stint facts")
        indexes = [
            # The stints of a period's partial days, and those of one
            # histogram bin and level in a period (the k-th value).
            models.Index(
                fields=["left_at"],
                include=["team", "level", "how_left", "business_bin", "wall_bin"],
                name="stintfact_left",
            ),
            models.Index(
                fields=["business_bin", "level", "left_at"],
                include=["business", "team"],
                name="stintfact_business_bin",
            ),
            models.Index(
                fields=["wall_bin", "level", "left_at"],
                include=["wall", "team"],
                name="stintfact_wall_bin",
            ),
        ]

    def __str__(self) -> str:
        return f"stint {self.stint_id} of ticket {self.ticket_id}"


class StintDay(models.Model):
    """Time at level per UTC day the stints ended, team (the stint's) and
    level: how many ended (``kind`` "n", ``bin`` 0), how many ended each way
    (``kind`` the way, e.g. "escalated") and how many of their business and
    wall times fall in each histogram bin (``kind`` "business" or "wall").
    Kept on PostgreSQL with the stint facts."""

    day = models.DateField()  # UTC, of left_at
    team_id = models.IntegerField(default=0)
    level = models.CharField(max_length=8)
    kind = models.CharField(max_length=16)
    bin = models.IntegerField(default=0)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("stints per day")
        verbose_name_plural = _("stints per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team_id", "level", "kind", "bin"], name="stint_day_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.level} {self.kind} {self.bin}: {self.n}"
