"""Admin for the tickets core. Ticket writes go through ``tickets.services``."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from tickets import notes, services
from tickets.models import (
    Attachment,
    CannedReply,
    Category,
    CcAddress,
    Comment,
    Follower,
    Organization,
    SavedView,
    Team,
    Ticket,
    TicketEvent,
    User,
)
from tickets.translated import TranslationsAdminMixin, TranslationsFormMixin
from tickets.workflow import check_transition


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Escalade"), {"fields": ("organization", "language", "time_zone")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "organization", "is_staff")
    list_filter = (*DjangoUserAdmin.list_filter, "organization", "teams")
    list_select_related = ("organization",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "data_region", "legal_hold", "created_at")
    list_filter = ("tier", "data_region", "legal_hold")
    search_fields = ("name",)
    filter_horizontal = ("contacts",)


class CategoryForm(TranslationsFormMixin, forms.ModelForm):
    translated_fields = ("name", "description")

    class Meta:
        model = Category
        fields = ("name", "description", "is_active")


@admin.register(Category)
class CategoryAdmin(TranslationsAdminMixin, admin.ModelAdmin):
    form = CategoryForm
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "manager", "member_count")
    list_filter = ("tier",)
    search_fields = ("name", "manager__username")
    filter_horizontal = ("members",)
    list_select_related = ("manager",)
    autocomplete_fields = ("manager",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("members"))

    @admin.display(description=_("members"), ordering="member_total")
    def member_count(self, obj: Team) -> int:
        return obj.member_total


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = ("created_at", "author", "is_public", "body")
    readonly_fields = fields


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ("created_at", "actor", "kind", "field", "old_value", "new_value", "note")
    readonly_fields = fields


class TicketAdminForm(forms.ModelForm):
    """Checks the workflow and assignment rules before the services run, so that
    a refused change shows on the form instead of failing after it."""

    class Meta:
        model = Ticket
        fields = [
            "title",
            "description",
            "status",
            "requester",
            "requester_name",
            "requester_email",
            "requester_language",
            "organization",
            "category",
            "impact",
            "urgency",
            "is_security",
            "is_safety",
            "is_legal",
            "is_major_outage",
            "team",
            "assignee",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk and "status" in self.changed_data:
            try:
                check_transition(self.instance.status, data["status"])
            except ValidationError as error:
                self.add_error(None, error)
        try:
            services.check_assignee(team=data.get("team"), assignee=data.get("assignee"))
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def _post_clean(self):
        # The services build and validate the instance; the admin form only checks input.
        pass


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    form = TicketAdminForm
    list_display = (
        "reference",
        "title",
        "priority",
        "status",
        "level",
        "team",
        "assignee",
        "organization",
        "created_at",
    )
    list_filter = ("status", "priority", "level", "team", "organization__tier", "category")
    search_fields = ("title", "requester_email", "requester_name", "description")
    list_select_related = ("team", "assignee", "organization")
    date_hierarchy = "created_at"
    autocomplete_fields = ("assignee", "requester")
    readonly_fields = (
        "priority",
        "level",
        "created_by",
        "created_at",
        "updated_at",
        "resolved_at",
        "closed_at",
    )
    inlines = [CommentInline, TicketEventInline]
    fieldsets = (
        (None, {"fields": ("title", "description", "status")}),
        (
            _("Requester"),
            {
                "fields": (
                    "requester",
                    "requester_name",
                    "requester_email",
                    "requester_language",
                    "organization",
                )
            },
        ),
        (
            _("Priority"),
            {
                "fields": (
                    "category",
                    "impact",
                    "urgency",
                    "priority",
                    "is_security",
                    "is_safety",
                    "is_legal",
                    "is_major_outage",
                )
            },
        ),
        (_("Routing"), {"fields": ("level", "team", "assignee")}),
        (
            _("Times"),
            {"fields": ("created_by", "created_at", "updated_at", "resolved_at", "closed_at")},
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # Tickets carry an append-only audit trail; close them instead.
        return False

    def get_fieldsets(self, request, obj=None):
        """A new ticket starts as new: no status to choose (it would be ignored)."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "status"]})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        data = {
            name: form.cleaned_data[name]
            for name in services.EDITABLE_FIELDS
            if name in form.cleaned_data
        }
        try:
            if not change:
                ticket = services.ticket_create(actor=request.user, **data)
            else:
                ticket = services.ticket_update(ticket=obj, actor=request.user, data=data)
                if "status" in form.changed_data:
                    ticket = services.ticket_transition(
                        ticket=ticket,
                        actor=request.user,
                        status=form.cleaned_data["status"],
                        note=notes.note("admin.changed"),
                    )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
            return
        obj.pk = ticket.pk
        obj.refresh_from_db()


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "ticket", "kind", "field", "old_value", "new_value", "actor")
    list_filter = ("kind", "note_key", "field")
    search_fields = ("ticket__title", "note", "new_value", "old_value")
    list_select_related = ("ticket", "actor")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _WrittenByServices(admin.ModelAdmin):
    """Followers and copied addresses change on the ticket pages and the API."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Follower)
class FollowerAdmin(_WrittenByServices):
    list_display = ("ticket", "user", "reason", "notify", "created_at")
    list_filter = ("reason", "notify")
    search_fields = ("user__username", "ticket__title")
    list_select_related = ("ticket", "user")


@admin.register(CcAddress)
class CcAddressAdmin(_WrittenByServices):
    list_display = ("ticket", "email", "added_by", "created_at")
    search_fields = ("email", "ticket__title")
    list_select_related = ("ticket", "added_by")


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    """Shared views (no owner) are offered to every agent in the queue."""

    list_display = ("__str__", "owner", "query", "position")
    list_filter = (("owner", admin.EmptyFieldListFilter),)
    search_fields = ("name", "query")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)


@admin.register(Attachment)
class AttachmentAdmin(_WrittenByServices):
    list_display = ("name", "ticket", "content_type", "size", "uploaded_by", "created_at")
    search_fields = ("name", "ticket__title")
    list_select_related = ("ticket", "uploaded_by")


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "team", "set_status", "is_active")
    list_filter = ("is_active", "team")
    search_fields = ("title", "body")
