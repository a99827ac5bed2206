"""The post-escalation review: what happened, what helped, what to change."""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from escalations.models.escalation import Escalation

REVIEW_TEXT_MAX = 5000


def review_text(label):
    return models.TextField(
        label,
        blank=True,
        max_length=REVIEW_TEXT_MAX,
        validators=[MaxLengthValidator(REVIEW_TEXT_MAX)],
    )


def rating(label):
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class EscalationReview(models.Model):
    """The post-escalation review: requested when an escalated ticket is resolved."""

    class RootCause(models.TextChoices):
        SOFTWARE = "software", _("Software defect")
        HARDWARE = "hardware", _("Hardware failure")
        NETWORK = "network", _("Network")
        CONFIGURATION = "configuration", _("Configuration / change")
        CAPACITY = "capacity", _("Capacity")
        VENDOR = "vendor", _("Vendor / third party")
        PROCESS = "process", _("Process / human error")
        SECURITY = "security", _("Security")
        OTHER = "other", _("Other")

    escalation = models.OneToOneField(
        Escalation, on_delete=models.CASCADE, related_name="review", verbose_name=_("escalation")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    root_cause = review_text(_("root cause"))
    root_cause_category = models.CharField(
        _("root-cause category"), max_length=16, choices=RootCause, blank=True
    )
    what_helped = review_text(_("what helped"))
    what_hindered = review_text(_("what hindered"))
    lessons_learned = review_text(_("lessons learned"))
    preventive_actions = review_text(_("preventive actions"))
    problem_reference = models.CharField(_("problem reference"), max_length=100, blank=True)
    effectiveness = rating(_("effectiveness (1-5)"))
    handoff_quality = rating(_("hand-off quality, rated by the receiving level (1-5)"))
    customer_satisfaction = rating(_("customer satisfaction (1-5)"))

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("post-escalation review")
        verbose_name_plural = _("post-escalation reviews")

    def __str__(self) -> str:
        return _("Review of %(escalation)s") % {"escalation": self.escalation}

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
