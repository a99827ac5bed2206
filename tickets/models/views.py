"""Saved queue views: a name for a set of queue filters, a user's own or shared."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """The filters of the queue (its query string), under a name. Shared views
    (no owner) are offered to every agent; the defaults carry a ``key`` and are
    named in the reader's language."""

    DEFAULTS = {
        "my_open": (_("My open tickets"), "scope=mine"),
        "unassigned": (_("Unassigned in my teams"), "unassigned=true"),
        "breached": (_("Breached tickets"), "sla_status=breached"),
        "waiting": (_("Waiting on the customer"), "status=pending"),
    }

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="saved_views",
        verbose_name=_("owner"),
        help_text=_("Empty: shared with every agent."),
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    key = models.CharField(max_length=32, blank=True, editable=False, verbose_name=_("key"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.key in self.DEFAULTS:
            return str(self.DEFAULTS[self.key][0])
        return self.name
