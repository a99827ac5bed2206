from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.privacy.admin.forms import ExportForm
from reports.privacy.models import ExportJob
from reports.privacy.services import export
from reports.privacy.services.subject import NothingHeld


def download_url(job: ExportJob) -> str:
    """The admin's signed, expiring link to a ready export."""
    url = reverse("admin:privacy_exportjob_download", args=[job.pk])
    return f"{url}?token={export.export_link_token(job)}"


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Exports are requested here ("Add") and followed on their own page, which
    refreshes itself until the archive is ready."""

    list_display = ("email", "region", "status", "progress_shown", "created_at", "link")
    list_filter = ("status", "region")
    search_fields = ("email",)
    list_select_related = ("requested_by",)
    change_form_template = "admin/privacy/export_status.html"

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("progress"))
    def progress_shown(self, job: ExportJob) -> str:
        return f"{job.progress} %"

    @admin.display(description=gettext_lazy("download"))
    def link(self, job: ExportJob) -> str:
        if job.status != ExportJob.Status.READY:
            return "-"
        return format_html('<a href="{}">{}</a>', download_url(job), _("Download"))

    def get_urls(self):
        download = self.admin_site.admin_view(self.download_view)
        return [
            path("<uuid:pk>/download/", download, name="privacy_exportjob_download"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = export.export_request(actor=request.user, **form.cleaned_data)
            except NothingHeld:
                form.add_error("email", _("Nothing is held about this address."))
            else:
                self.message_user(request, _("The export is being prepared."), messages.SUCCESS)
                return redirect(reverse("admin:privacy_exportjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Export a requester's data"),
            "form": form,
        }
        return TemplateResponse(request, "admin/privacy/form.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        if job is None or not self.has_view_permission(request, job):
            return self._get_obj_does_not_exist_redirect(request, self.model._meta, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Export of %(email)s") % {"email": job.email or "-"},
            "job": job,
            "download": download_url(job) if job.status == ExportJob.Status.READY else "",
            "waiting": job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING),
        }
        return TemplateResponse(request, self.change_form_template, context)

    def download_view(self, request, pk):
        if not request.user.is_superuser:
            return HttpResponse(status=403)
        try:
            job, archive = export.export_open(job_id=str(pk), token=request.GET.get("token", ""))
        except export.LinkInvalid as error:
            return HttpResponse(str(error), status=410, content_type="text/plain; charset=utf-8")
        return FileResponse(archive, as_attachment=True, filename=f"personal-data-{job.pk}.zip")
