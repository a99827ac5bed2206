from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _

from reports.privacy.models import RetentionRun
from reports.privacy.services.retention import retention_preview
from tickets.models import RetentionAction


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    """What the retention sweep did; the dry run says what it would do now."""

    list_display = (
        "started_at",
        "pseudonymised",
        "deleted",
        "batches",
        "longest_batch_ms",
        "complete",
    )
    list_filter = ("complete",)
    change_list_template = "admin/privacy/retention_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        dry_run = self.admin_site.admin_view(self.dry_run_view)
        return [
            path("dry-run/", dry_run, name="privacy_retentionrun_dry_run"),
            *super().get_urls(),
        ]

    def dry_run_view(self, request):
        preview = retention_preview()
        actions = dict(RetentionAction.choices)
        for row in preview["organizations"]:
            row["action_shown"] = actions[row["action"]]
            row["organization"] = row["organization"] or _("(no organization)")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Retention dry run"),
            "preview": preview,
            "default_days": settings.PRIVACY_RETENTION_DAYS,
            "default_action": actions.get(settings.PRIVACY_RETENTION_ACTION, ""),
        }
        return TemplateResponse(request, "admin/privacy/retention_dry_run.html", context)
