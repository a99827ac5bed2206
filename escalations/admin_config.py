"""Admin for configuration: the priority matrix and criteria, business
calendars, SLA policies, a team's calendar and escalation paths.

Every save and delete goes through the write's service
(``escalations.services.config``), which checks its rules and re-targets the
open clocks when deadlines may move. The forms (``admin_forms``) run the same
checks first, so their messages show on the form instead of failing the save."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from escalations.admin_forms import (
    EscalationLevelFormSet,
    EscalationPathForm,
    PriorityCriterionForm,
    SlaPolicyForm,
    WorkingIntervalFormSet,
    form_data,
    formset_rows,
)
from escalations.models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPath,
    Holiday,
    PriorityCriterion,
    PriorityDefinition,
    PriorityMatrixRow,
    SlaPolicy,
    TeamCalendar,
    WorkingInterval,
)
from escalations.services.config import calendars, paths, policies, priority
from tickets.admin import TeamAdmin as BaseTeamAdmin
from tickets.models import Team
from tickets.translated import TranslationsAdminMixin, TranslationsFormMixin

# --- priority -----------------------------------------------------------------------------


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

    def save_model(self, request, obj, form, change):
        priority.priority_matrix_row_save(row=obj, data=form_data(form, priority.MATRIX_FIELDS))


class PriorityDefinitionForm(TranslationsFormMixin, forms.ModelForm):
    translated_fields = ("name", "description", "example")

    class Meta:
        model = PriorityDefinition
        fields = ("priority", "name", "description", "example")


@admin.register(PriorityDefinition)
class PriorityDefinitionAdmin(TranslationsAdminMixin, admin.ModelAdmin):
    form = PriorityDefinitionForm
    list_display = ("priority", "name", "description", "example")


@admin.register(PriorityCriterion)
class PriorityCriterionAdmin(admin.ModelAdmin):
    form = PriorityCriterionForm
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

    def save_model(self, request, obj, form, change):
        priority.priority_criterion_save(
            criterion=obj, data=form_data(form, priority.CRITERION_FIELDS)
        )


# --- calendars and policies -----------------------------------------------------------------


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

    def save_model(self, request, obj, form, change):
        """Saved with its hours and holidays, in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        rows = {
            WorkingInterval: calendars.INTERVAL_FIELDS,
            Holiday: calendars.HOLIDAY_FIELDS,
        }
        lists = {fs.model: formset_rows(fs, rows[fs.model]) for fs in formsets}
        for formset in formsets:
            formset.save(commit=False)  # what changed, for the history; the service writes
        calendars.calendar_save(
            calendar=form.instance,
            data=form_data(form, calendars.CALENDAR_FIELDS),
            intervals=lists.get(WorkingInterval),
            holidays=lists.get(Holiday),
        )

    def delete_model(self, request, obj):
        calendars.calendar_delete(calendar=obj)

    def delete_queryset(self, request, queryset):
        for calendar in queryset:
            calendars.calendar_delete(calendar=calendar)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    form = SlaPolicyForm
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
        policies.sla_policy_save(policy=obj, data=form_data(form, policies.POLICY_FIELDS))

    def delete_model(self, request, obj):
        policies.sla_policy_delete(policy=obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            policies.sla_policy_delete(policy=policy)


class TeamCalendarInline(admin.StackedInline):
    model = TeamCalendar
    extra = 0
    max_num = 1


admin.site.unregister(Team)


@admin.register(Team)
class TeamAdmin(BaseTeamAdmin):
    inlines = [*BaseTeamAdmin.inlines, TeamCalendarInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not TeamCalendar:
            super().save_formset(request, form, formset, change)
            return
        rows = formset_rows(formset, ["calendar"])
        formset.save(commit=False)  # what changed, for the history; the service writes
        calendars.team_calendar_save(
            team=form.instance, calendar=rows[0]["calendar"] if rows else None
        )


# --- escalation paths -----------------------------------------------------------------------


class EscalationLevelInline(admin.TabularInline):
    model = EscalationLevel
    formset = EscalationLevelFormSet
    extra = 0
    filter_horizontal = ("teams",)
    ordering = ("position",)


@admin.register(EscalationPath)
class EscalationPathAdmin(admin.ModelAdmin):
    form = EscalationPathForm
    list_display = ("name", "is_active", "is_default", "category", "priority")
    list_filter = ("is_active", "is_default", "priority", "category")
    search_fields = ("name",)
    inlines = [EscalationLevelInline]

    def save_model(self, request, obj, form, change):
        """Saved with its levels, in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        (levels,) = formsets
        rows = formset_rows(levels, paths.LEVEL_FIELDS)
        levels.save(commit=False)  # what changed, for the history; the service writes
        paths.escalation_path_save(
            path=form.instance, data=form_data(form, paths.PATH_FIELDS), levels=rows
        )

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms, protected = super().get_deleted_objects(objs, request)
        for path in objs:
            used = paths.escalation_path_uses(path=path)
            if used:
                protected.append(f"{path}: {used}")
        return deleted, counts, perms, protected

    def delete_model(self, request, obj):
        paths.escalation_path_delete(path=obj)

    def delete_queryset(self, request, queryset):
        for path in queryset:
            paths.escalation_path_delete(path=path)
