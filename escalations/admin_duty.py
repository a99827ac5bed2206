"""Admin for duty: team schedules (shifts, overrides), on-call rotations (members
in order, windows), absences, people's duty profiles, a team's automatic
assignment, a level's hand-over rule, and the hand-overs made (read-only).
Inline rows are checked together (``services.duty.config``), so overlapping or
empty shifts and a rotation without members are refused on the form."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from escalations.models import (
    Absence,
    DutyOverride,
    DutyProfile,
    Handover,
    HandoverNote,
    LevelHandover,
    Rotation,
    RotationMember,
    RotationWindow,
    Shift,
    TeamAssignment,
    TeamSchedule,
)
from escalations.services.duty import config
from escalations.services.duty.config import duty_feed_address_renew


def _rows(formset, fields):
    return [
        {name: form.cleaned_data.get(name) for name in fields}
        for form in formset.forms
        if getattr(form, "cleaned_data", None)
        and not form.cleaned_data.get("DELETE")
        and all(form.cleaned_data.get(name) is not None for name in fields)
    ]


class ShiftFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        try:
            config.shifts_check(shifts=_rows(self, ["weekday", "start", "end"]))
        except ValidationError as error:
            raise ValidationError(error.message_dict["shifts"]) from None


class WindowFormSet(ShiftFormSet):
    pass


class MemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if not _rows(self, ["user"]):
            raise ValidationError(config.rotation_members_message())


class ShiftInline(admin.TabularInline):
    model = Shift
    formset = ShiftFormSet
    extra = 0


class OverrideInline(admin.TabularInline):
    model = DutyOverride
    extra = 0
    fields = ("kind", "user", "layer", "starts_at", "ends_at", "note")
    autocomplete_fields = ("user",)


class TeamScheduleForm(forms.ModelForm):
    class Meta:
        model = TeamSchedule
        fields = ("team", "time_zone", "calendar")

    def clean(self):
        cleaned = super().clean()
        if "time_zone" in cleaned:
            calendar = cleaned.get("calendar")
            try:
                config.schedule_check(
                    time_zone=cleaned["time_zone"],
                    calendar_time_zone=calendar.time_zone if calendar else None,
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(TeamSchedule)
class TeamScheduleAdmin(admin.ModelAdmin):
    form = TeamScheduleForm
    list_display = ("team", "time_zone", "calendar", "updated_at")
    list_select_related = ("team", "calendar")
    search_fields = ("team__name",)
    inlines = [ShiftInline, OverrideInline]


class MemberInline(admin.TabularInline):
    model = RotationMember
    formset = MemberFormSet
    extra = 0
    autocomplete_fields = ("user",)


class WindowInline(admin.TabularInline):
    model = RotationWindow
    formset = WindowFormSet
    extra = 0


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    list_display = ("name", "schedule", "layer", "shift_hours", "handoff_time", "starts_on")
    list_select_related = ("schedule__team",)
    inlines = [MemberInline, WindowInline]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "starts_at", "ends_at", "note")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    date_hierarchy = "starts_at"


@admin.register(DutyProfile)
class DutyProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "phone")
    search_fields = ("user__username", "phone")
    filter_horizontal = ("skills",)
    readonly_fields = ("feed_token",)
    autocomplete_fields = ("user",)
    actions = ["new_feed_address"]

    @admin.action(description=_("Make a new calendar feed address (the old one stops working)"))
    def new_feed_address(self, request, queryset):
        renewed = duty_feed_address_renew(profiles=queryset)
        self.message_user(request, _("New feed addresses made: %(n)s.") % {"n": renewed})


@admin.register(TeamAssignment)
class TeamAssignmentAdmin(admin.ModelAdmin):
    list_display = ("team", "mode", "cap", "match_skills")
    list_filter = ("mode",)
    list_select_related = ("team",)


class LevelHandoverForm(forms.ModelForm):
    class Meta:
        model = LevelHandover
        fields = ("level", "priorities")

    def clean_priorities(self):
        value = self.cleaned_data["priorities"]
        try:
            return config.priorities_clean(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["priorities"]) from None


@admin.register(LevelHandover)
class LevelHandoverAdmin(admin.ModelAdmin):
    form = LevelHandoverForm
    list_display = ("level", "priorities")
    list_select_related = ("level__path",)


@admin.register(HandoverNote)
class HandoverNoteAdmin(admin.ModelAdmin):
    """Notes agents wrote for the next team, waiting for their ticket's hand-over."""

    list_display = ("ticket", "updated_by", "updated_at")
    list_select_related = ("ticket", "updated_by")
    readonly_fields = ("ticket", "updated_by", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("handed_at", "ticket", "number", "from_team", "to_team")
    list_select_related = ("ticket", "from_team", "to_team")
    list_filter = ("from_team", "to_team")
    date_hierarchy = "handed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
