from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from reports.privacy.admin.forms import EraseForm
from reports.privacy.models import ErasureLog
from reports.privacy.services.erasure import requester_erase
from reports.privacy.services.subject import LEGAL_HOLD, LegalHold, NothingHeld


@admin.register(ErasureLog)
class ErasureLogAdmin(admin.ModelAdmin):
    """The erasure log is read-only; "Add" is the erasure form."""

    list_display = ("erased_at", "pseudonym", "tickets", "accounts", "files_deleted", "erased_by")
    list_select_related = ("erased_by",)
    readonly_fields = (
        "erased_at",
        "erased_by",
        "pseudonym",
        "tickets",
        "accounts",
        "files_deleted",
        "rows",
    )
    date_hierarchy = "erased_at"

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EraseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                log = requester_erase(email=form.cleaned_data["email"], actor=request.user)
            except NothingHeld:
                form.add_error(
                    "email",
                    _("Nothing is held about this address: it is unknown or already erased."),
                )
            except LegalHold:
                form.add_error(None, LEGAL_HOLD)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    _("Erased: %(tickets)d tickets now name %(pseudonym)s.")
                    % {"tickets": log.tickets, "pseudonym": log.pseudonym},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:privacy_erasurelog_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Erase a requester"),
            "form": form,
        }
        return TemplateResponse(request, "admin/privacy/form.html", context)
