"""Records of the privacy work: erasures (holding no personal data), export jobs
(holding the address asked about until they expire) and retention runs."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models import DataRegion


class ErasureLog(models.Model):
    """One erasure: when, by whom, the pseudonym used and what changed. Never the
    address, the name or anything else about the person erased."""

    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=32, unique=True)
    tickets = models.PositiveIntegerField(_("tickets"), default=0)
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    files_deleted = models.PositiveIntegerField(_("files deleted"), default=0)
    rows = models.JSONField(_("rows changed per holder"), default=dict)

    class Meta:
        ordering = ["-erased_at", "-pk"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasure log")

    def __str__(self) -> str:
        return f"{self.pseudonym} ({self.erased_at:%Y-%m-%d})"


class ExportJob(models.Model):
    """An export of everything held about one address, prepared by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"), blank=True)
    region = models.CharField(
        _("data region"),
        max_length=8,
        choices=DataRegion,
        blank=True,
        help_text=_("Only tickets of organizations in this region; empty for all."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.QUEUED)
    steps_total = models.PositiveIntegerField(_("steps"), default=0)
    steps_done = models.PositiveIntegerField(_("steps done"), default=0)
    archive = models.CharField(_("archive"), max_length=300, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        indexes = [
            models.Index(
                fields=["expires_at"], condition=models.Q(status="ready"), name="export_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_status_display()})"

    @property
    def progress(self) -> int:
        """Per cent done."""
        if self.status == self.Status.READY:
            return 100
        if not self.steps_total:
            return 0
        return min(99, self.steps_done * 100 // self.steps_total)


class RetentionRun(models.Model):
    """One pass of the retention sweep (or a dry run): how many tickets went, and
    the longest a batch held its locks."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    pseudonymised = models.PositiveIntegerField(_("tickets pseudonymised"), default=0)
    deleted = models.PositiveIntegerField(_("tickets deleted"), default=0)
    batches = models.PositiveIntegerField(_("batches"), default=0)
    longest_batch_ms = models.PositiveIntegerField(_("longest batch (ms)"), default=0)
    complete = models.BooleanField(
        _("complete"), default=False, help_text=_("Off when the time budget left work over.")
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
