"""Admin for priority handling, calendars and SLA policies.

Edits that move deadlines (policies, calendars, team calendars) re-target the
open clocks in a Celery task after the transaction commits, never inside the
admin request."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from escalations import tasks
from escalations.businesstime import Interval, overlapping_intervals
from escalations.models import (
    ActionItem,
    BusinessCalendar,
    Escalation,
    EscalationLevel,
    EscalationPath,
    EscalationReview,
    EscalationTeamMember,
    Holiday,
    PriorityCriterion,
    PriorityDefinition,
    PriorityMatrixRow,
    SlaClock,
    SlaClockAlert,
    SlaPolicy,
    TeamCalendar,
    TicketRoute,
    WorkingInterval,
)
from escalations.models.calendars import validate_working_hours
from escalations.services import routing
from tickets.admin import ReadOnlyInline
from tickets.admin import TeamAdmin as BaseTeamAdmin
from tickets.models import Team


@admin.register(PriorityMatrixRow)
class PriorityMatrixAdmin(admin.ModelAdmin):
    """The impact x urgency grid: one row per impact, one column per urgency."""

    list_display = ("impact", "urgency_1", "urgency_2", "urgency_3", "urgency_4")
    list_display_links = None
    list_editable = ("urgency_1", "urgency_2", "urgency_3", "urgency_4")
    ordering = ("impact",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PriorityDefinition)
class PriorityDefinitionAdmin(admin.ModelAdmin):
    list_display = ("priority", "name", "description", "example")


@admin.register(PriorityCriterion)
class PriorityCriterionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_active",
        "position",
        "minimum_priority",
        "organization_tier",
        "category",
        "keywords",
        "jump_to_level",
        "notify_management",
    )
    list_editable = ("is_active", "position")
    list_filter = ("is_active", "minimum_priority", "organization_tier", "category")
    search_fields = ("name", "keywords")
    fieldsets = (
        (None, {"fields": ("name", "is_active", "position")}),
        (
            _("When a ticket matches"),
            {
                "fields": (
                    "organization_tier",
                    "category",
                    ("if_security", "if_safety", "if_legal", "if_major_outage"),
                    "keywords",
                )
            },
        ),
        (_("Then"), {"fields": ("minimum_priority", "jump_to_level", "notify_management")}),
    )


class WorkingIntervalFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        intervals = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("start") is None or data.get("end") is None:
                continue
            intervals.append(Interval(data["weekday"], data["start"], data["end"]))
        clashes = overlapping_intervals(intervals)
        if clashes:
            a, b = clashes[0]
            raise forms.ValidationError(
                _("Working intervals overlap: %(a)s and %(b)s.")
                % {"a": _interval_label(a), "b": _interval_label(b)}
            )
        try:
            validate_working_hours(is_24x7=self.instance.is_24x7, intervals=len(intervals))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


def _interval_label(interval: Interval) -> str:
    day = dict(WorkingInterval._meta.get_field("weekday").choices)[interval.weekday]
    return f"{day} {interval.start:%H:%M}-{interval.end:%H:%M}"


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    formset = WorkingIntervalFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "time_zone", "is_24x7", "updated_at")
    search_fields = ("name",)
    inlines = [WorkingIntervalInline, HolidayInline]

    def save_related(self, request, form, formsets, change):
        # Saving the calendar itself bumped ``updated_at``, which is what the clock
        # cache keys on, so the new hours and holidays are picked up everywhere.
        super().save_related(request, form, formsets, change)
        if change:
            tasks.recompute_clocks_after_commit(calendar_id=form.instance.pk)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_active",
        "priority",
        "category",
        "organization_tier",
        "first_response_minutes",
        "next_update_minutes",
        "resolution_minutes",
        "warning_percent",
        "calendar",
    )
    list_filter = ("is_active", "priority", "organization_tier", "category", "calendar")
    search_fields = ("name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        tasks.recompute_clocks_after_commit(policy_id=obj.pk)


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


class TeamCalendarInline(admin.StackedInline):
    model = TeamCalendar
    extra = 0
    max_num = 1


admin.site.unregister(Team)


@admin.register(Team)
class TeamAdmin(BaseTeamAdmin):
    inlines = [*BaseTeamAdmin.inlines, TeamCalendarInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(fs.has_changed() for fs in formsets):
            tasks.recompute_clocks_after_commit()


class EscalationLevelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        removed = [
            form.instance.pk
            for form in self.forms
            if form.instance.pk and self.can_delete and self._should_delete_form(form)
        ]
        waiting = routing.requests_awaiting(removed)
        if waiting:
            raise ValidationError(
                _(
                    "Escalation requests %(ids)s await approval into a level being "
                    "removed: decide them first."
                )
                % {"ids": ", ".join(f"#{pk}" for pk in waiting)}
            )
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]
        routing.check_levels(
            [(data["position"], data["tier"], bool(data.get("teams"))) for data in kept]
        )


class EscalationLevelInline(admin.TabularInline):
    model = EscalationLevel
    formset = EscalationLevelFormSet
    extra = 0
    filter_horizontal = ("teams",)
    ordering = ("position",)


@admin.register(EscalationPath)
class EscalationPathAdmin(admin.ModelAdmin):
    list_display = ("name", "is_active", "is_default", "category", "priority")
    list_filter = ("is_active", "is_default", "priority", "category")
    search_fields = ("name",)
    inlines = [EscalationLevelInline]


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
