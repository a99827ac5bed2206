"""Priority handling: the impact x urgency matrix, definitions and criteria."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import Category, Impact, Organization, Priority, Tier
from tickets.translated import translated, validate_translations


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

    def clean(self) -> None:
        """Across the row, a less urgent column never has a higher priority (P1 is
        the highest): otherwise lowering a ticket's urgency would raise it."""
        errors = {}
        above = None  # the nearest more urgent column with a priority
        for urgency in range(1, 5):
            name = f"urgency_{urgency}"
            value = getattr(self, name)
            if not value:
                continue
            if above is not None and value < getattr(self, above):
                errors[name] = _(
                    "Cannot be higher than %(priority)s, the priority of the more urgent "
                    "column “%(column)s”."
                ) % {
                    "priority": getattr(self, above),
                    "column": self._meta.get_field(above).verbose_name,
                }
            else:
                above = name
        if errors:
            raise ValidationError(errors)

    def for_urgency(self, urgency: int) -> str:
        return getattr(self, f"urgency_{urgency}")


class PriorityDefinition(models.Model):
    """What P1..P4 mean in words, shown to agents next to impact and urgency."""

    priority = models.CharField(_("priority"), max_length=2, choices=Priority, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"))
    example = models.CharField(_("example"), max_length=300, blank=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_("Name, description and example in other languages; empty: the default."),
    )

    class Meta:
        ordering = ["priority"]
        verbose_name = _("priority definition")
        verbose_name_plural = _("priority definitions")

    def __str__(self) -> str:
        return f"{self.priority} {self.display_name}"

    @property
    def display_name(self) -> str:
        return translated(self, "name")

    @property
    def display_description(self) -> str:
        return translated(self, "description")

    @property
    def display_example(self) -> str:
        return translated(self, "example")


class PriorityCriterion(models.Model):
    """A rule that raises the priority of tickets it matches (it never lowers one).

    Every condition that is set must hold; among the flags, any ticked flag will do.
    Written through ``services.config.priority``."""

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
