"""Who works and who asks: organizations, users, categories and teams."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.loaded import LoadedRows
from tickets.models.choices import DataRegion, RetentionAction, Tier, validate_time_zone
from tickets.translated import translated, validate_translations


class Organization(LoadedRows, models.Model):
    class Tier(models.TextChoices):
        STANDARD = "standard", _("Standard")
        VIP = "vip", _("VIP")

    name = models.CharField(_("name"), max_length=200, unique=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier, default=Tier.STANDARD)
    contacts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="contact_for",
        verbose_name=_("contacts"),
        help_text=_("People told about this organization's tickets."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Privacy: where the data lives, how long closed tickets keep personal data,
    # and a legal hold that stops erasure and retention alike.
    data_region = models.CharField(
        _("data region"),
        max_length=8,
        choices=DataRegion,
        blank=True,
        default="",
        db_default="",
        help_text=_("Where this organization's data is held; exports and lists filter on it."),
    )
    retention_days = models.PositiveIntegerField(
        _("retention (days)"),
        null=True,
        blank=True,
        help_text=_(
            "Days a closed ticket keeps its personal data; empty uses the default setting, "
            "0 keeps it for ever."
        ),
    )
    retention_action = models.CharField(
        _("after retention"),
        max_length=16,
        choices=RetentionAction,
        blank=True,
        default=RetentionAction.DEFAULT,
        db_default=RetentionAction.DEFAULT,
    )
    legal_hold = models.BooleanField(
        _("legal hold"),
        default=False,
        db_default=False,
        help_text=_("While set, no personal data of this organization is erased or removed."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class User(LoadedRows, AbstractUser):
    """A person: agent, manager, admin or requester.

    Team membership makes someone an agent; a user in no team is a requester.
    """

    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organization"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        blank=True,
        help_text=_("Pages, API answers and messages in this language; empty: the browser's."),
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Category(LoadedRows, models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        validators=[validate_translations],
        help_text=_("Name and description in other languages; empty: the default text."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (requesters read it)."""
        return translated(self, "name")

    @property
    def display_description(self) -> str:
        return translated(self, "description")


class Team(LoadedRows, models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    tier = models.CharField(_("tier"), max_length=8, choices=Tier, default=Tier.L1)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
        verbose_name=_("manager"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="teams", verbose_name=_("members")
    )
    email = models.EmailField(_("team e-mail"), blank=True)

    class Meta:
        ordering = ["tier", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return f"{self.name} ({self.tier})"
