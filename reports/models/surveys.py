"""Customer-satisfaction surveys: one per ticket, answered by a signed link."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.models import Escalation
from tickets.models import Organization, Team, Ticket, Tier


class SurveyResponse(models.Model):
    """The survey of one ticket: sent on resolution, answered from the link.

    The rating may be changed by another click while the survey is open; it
    closes when the requester sends the comment step or when it expires.
    ``nonce`` changes with every survey sent, so the links of an earlier
    survey of the ticket stop working. The agent, team and level are those of
    the ticket when the requester rated it."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="survey", verbose_name=_("ticket")
    )
    escalation = models.ForeignKey(
        Escalation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalation"),
    )
    nonce = models.CharField(max_length=32, editable=False, verbose_name=_("nonce"))
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    rating = models.PositiveSmallIntegerField(
        _("rating (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    level = models.CharField(_("level"), max_length=8, choices=Tier, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="survey_rating_range",
            )
        ]
        indexes = [models.Index(fields=["sent_at"], name="survey_sent")]

    def __str__(self) -> str:
        return f"Survey of {self.ticket_id}: {self.rating or '-'}"


class SurveyOptOut(models.Model):
    """No surveys for an organization's tickets, or for a requester's e-mail."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    email = models.EmailField(_("requester e-mail"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(email=""),
                name="optout_names_someone",
            ),
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="optout_email_once"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization or self.email)


class DigestLog(models.Model):
    """One weekly digest sent to one manager: the uniqueness makes it once a week
    whatever the number of beat runs or workers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    week = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("weekly digest sent")
        verbose_name_plural = _("weekly digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user} {self.week}"
