"""Admin for what escalations record: SLA clocks and alerts, where tickets stand
on their paths, escalations and their reviews. These are read, searched and
exported here; the configuration is in ``admin_config``."""

from django.contrib import admin

from escalations import admin_config, admin_duty  # noqa: F401  (register the configuration and duty admin)
from escalations.models import (
    ActionItem,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
    SlaClock,
    SlaClockAlert,
    TicketRoute,
)
from tickets.admin import ReadOnlyInline


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = (
        "ticket",
        "metric",
        "state",
        "due_at",
        "warn_at",
        "breached_at",
        "business_used",
        "cycle",
    )
    list_filter = ("metric", "state")
    search_fields = ("ticket__title",)
    list_select_related = ("ticket",)
    date_hierarchy = "due_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SlaClockAlert)
class SlaClockAlertAdmin(admin.ModelAdmin):
    list_display = ("recorded_at", "clock", "kind", "cycle", "due_at")
    list_filter = ("kind",)
    list_select_related = ("clock",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TicketRoute)
class TicketRouteAdmin(admin.ModelAdmin):
    """Where each ticket stands on its path; it moves only by escalating."""

    list_display = ("ticket", "path", "level", "entered_at")
    list_filter = ("path", "level__tier")
    search_fields = ("ticket__title",)
    list_select_related = ("ticket", "path", "level")
    date_hierarchy = "entered_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EscalationMemberInline(ReadOnlyInline):
    model = EscalationTeamMember
    fields = ("role", "user", "name", "contact")
    readonly_fields = fields


class ActionItemInline(ReadOnlyInline):
    model = ActionItem
    fields = ("description", "owner", "due_at", "done_at")
    readonly_fields = fields


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Escalations are worked on the escalation pages and the API (which keep the
    rules); here they are read, searched and exported."""

    list_display = (
        "id",
        "ticket",
        "kind",
        "trigger",
        "status",
        "from_tier",
        "to_tier",
        "to_team",
        "manager",
        "created_at",
    )
    list_filter = ("status", "kind", "trigger", "to_tier")
    search_fields = ("ticket__title", "summary", "reason")
    list_select_related = ("ticket", "to_team", "manager")
    date_hierarchy = "created_at"
    inlines = [EscalationMemberInline, ActionItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EscalationReview)
class EscalationReviewAdmin(admin.ModelAdmin):
    list_display = (
        "escalation",
        "requested_at",
        "submitted_at",
        "root_cause_category",
        "effectiveness",
        "handoff_quality",
        "customer_satisfaction",
    )
    list_filter = ("root_cause_category", "effectiveness", "handoff_quality")
    list_select_related = ("escalation",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
