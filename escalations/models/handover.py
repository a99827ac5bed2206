"""Follow-the-sun and assignment: how to reach people and their skills, a team's
automatic assignment, a level's hand-over rule, and every hand-over made."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalations.models.escalation import EMPTY_JSON
from escalations.models.paths import EscalationLevel
from tickets.models import Category, Team, Ticket


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class DutyProfile(models.Model):
    """A person's phone, skills (the categories they handle) and the secret of
    their duty calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="duty_profile",
        verbose_name=_("user"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    skills = models.ManyToManyField(
        Category, blank=True, related_name="+", verbose_name=_("skills (categories)")
    )
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, default=new_feed_token
    )

    class Meta:
        verbose_name = _("duty profile")
        verbose_name_plural = _("duty profiles")

    def __str__(self) -> str:
        return str(self.user)


class TeamAssignment(models.Model):
    """How a team's tickets get an assignee: by hand, round-robin or least-loaded
    among the members on duty, at most ``cap`` open tickets each."""

    class Mode(models.TextChoices):
        OFF = "off", _("Off (by hand)")
        ROUND_ROBIN = "round_robin", _("Round-robin")
        LEAST_LOADED = "least_loaded", _("Least-loaded")

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="assignment", verbose_name=_("team")
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode, default=Mode.OFF)
    cap = models.PositiveSmallIntegerField(
        _("open tickets per agent, at most"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    match_skills = models.BooleanField(
        _("match the ticket's category to skills"),
        default=False,
        help_text=_("Only agents with the ticket's category among their skills take it."),
    )
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last assignee"),
    )

    class Meta:
        verbose_name = _("automatic assignment")
        verbose_name_plural = _("automatic assignment")

    def __str__(self) -> str:
        return f"{self.team.name}: {self.get_mode_display()}"


HANDOVER_PRIORITIES = "P1,P2"


class LevelHandover(models.Model):
    """Which open tickets of a level are handed over when their team's duty ends
    (without a row: P1 and P2)."""

    level = models.OneToOneField(
        EscalationLevel, on_delete=models.CASCADE, related_name="handover", verbose_name=_("level")
    )
    priorities = models.CharField(
        _("priorities handed over"),
        max_length=16,
        default=HANDOVER_PRIORITIES,
        blank=True,
        help_text=_("Comma-separated, e.g. P1,P2; empty: no hand-over at this level."),
    )

    class Meta:
        verbose_name = _("shift-end hand-over")
        verbose_name_plural = _("shift-end hand-overs")

    def __str__(self) -> str:
        return f"{self.level}: {self.priorities or '-'}"

    @property
    def priority_list(self) -> list[str]:
        return [p.strip() for p in self.priorities.split(",") if p.strip()]


class HandoverNote(models.Model):
    """What an agent adds for the team taking over (what was done, what is next);
    used by the ticket's next hand-over, then cleared."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="handover_note", verbose_name=_("ticket")
    )
    text = models.TextField(_("hand-over note"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("hand-over note")
        verbose_name_plural = _("hand-over notes")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.text[:40]}"


class Handover(models.Model):
    """A ticket handed from a team whose duty ended to the team taking over.
    ``number`` counts the ticket's hand-overs; unique with the ticket, so a
    hand-over is recorded once whatever the number of sweepers."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("ticket")
    )
    number = models.PositiveIntegerField(_("number"))
    level = models.ForeignKey(
        EscalationLevel,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("level"),
    )
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("from team")
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("to team")
    )
    from_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("from assignee"),
    )
    # The English text of the draft (``draft_key`` / ``draft_params``: a note of
    # ``tickets.note_texts``, shown in the reader's language); older rows: the text.
    draft = models.TextField(_("summary from the timeline"))
    draft_key = models.CharField(
        _("summary message"), max_length=64, blank=True, default="", db_default=""
    )
    draft_params = models.JSONField(
        _("summary values"), default=dict, db_default=EMPTY_JSON, blank=True
    )
    note = models.TextField(_("agent's note"), blank=True)
    handed_at = models.DateTimeField(_("handed over at"))

    class Meta:
        ordering = ["-handed_at", "-pk"]
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "number"], name="handover_once_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} #{self.number}: {self.from_team_id} -> {self.to_team_id}"
