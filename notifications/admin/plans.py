"""Admin for communication plans; status updates and cadences are shown read-only."""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from notifications.admin.base import ReadOnlyAdmin
from notifications.forms import ChoicesInOrderField
from notifications.models import Audience, CommunicationPlan, StatusUpdate, UpdateCadence
from notifications.services.plans import communication_plan_delete, communication_plan_save


class CommunicationPlanForm(forms.ModelForm):
    audiences = ChoicesInOrderField(label=capfirst(_("audiences")), choices=Audience.choices)

    class Meta:
        model = CommunicationPlan
        fields = ["priority", "audiences", "cadence_minutes", "remind_before_minutes", "is_active"]


@admin.register(CommunicationPlan)
class CommunicationPlanAdmin(admin.ModelAdmin):
    form = CommunicationPlanForm
    list_display = [
        "priority",
        "cadence_minutes",
        "remind_before_minutes",
        "audience_list",
        "is_active",
    ]
    list_filter = ["is_active"]

    @admin.display(description=CommunicationPlan._meta.get_field("audiences").verbose_name)
    def audience_list(self, obj: CommunicationPlan) -> str:
        return ", ".join(str(Audience(a).label) for a in obj.audiences if a in Audience.values)

    def save_model(self, request, obj, form, change):
        communication_plan_save(plan=obj)

    def delete_model(self, request, obj):
        communication_plan_delete(plan=obj)

    def delete_queryset(self, request, queryset):
        for plan in queryset:
            communication_plan_delete(plan=plan)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "author", "created_at", "audiences"]
    list_select_related = ["ticket", "author"]
    search_fields = ["body", "ticket__title"]
    date_hierarchy = "created_at"


@admin.register(UpdateCadence)
class UpdateCadenceAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "plan",
        "last_update_at",
        "due_at",
        "stage",
        "next_action_at",
        "missed",
    ]
    list_select_related = ["ticket", "plan"]
    list_filter = ["stage", "plan"]
