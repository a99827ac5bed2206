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
        Ticket, on_delete=models.CASCADE, related_name="level_stints", db_index=False
    )
    level = models.CharField(_("level"), max_length=8, choices=Tier)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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
    )
    # The ticket's creation, copied (it never changes): the funnel's period
    # without a join with the tickets.
    ticket_created_at = models.DateTimeField(null=True, blank=True, editable=False)
    wall_seconds = models.BigIntegerField(_("wall time (s)"), null=True, blank=True)
    business_seconds = models.BigIntegerField(_("business time (s)"), null=True, blank=True)
    # Waiting on the customer: since when (while pending), and how much so far.
    paused_since = models.DateTimeField(null=True, blank=True, editable=False)
    paused_wall_seconds = models.BigIntegerField(default=0, editable=False)
    paused_business_seconds = models.BigIntegerField(default=0, editable=False)

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
                include=["level", "team", "how_left", "ticket"],
                name="stint_ticket_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} at {self.level} from {self.entered_at:%Y-%m-%d %H:%M}"
