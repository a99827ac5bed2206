"""Admin: level stints, survey answers and digests sent to look at (the system
writes them), opt-outs to manage."""

from django.contrib import admin

from reports.models import DigestLog, LevelStint, SurveyOptOut, SurveyResponse


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LevelStint)
class LevelStintAdmin(ReadOnly):
    list_display = (
        "ticket",
        "level",
        "team",
        "entered_at",
        "left_at",
        "how_left",
        "business_seconds",
    )
    list_filter = ("level", "how_left", "team")
    list_select_related = ("ticket", "team")
    raw_id_fields = ("ticket",)
    date_hierarchy = "entered_at"


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnly):
    list_display = ("ticket", "rating", "team", "level", "agent", "sent_at", "answered_at")
    list_filter = ("rating", "level", "team")
    list_select_related = ("ticket", "team", "agent")
    raw_id_fields = ("ticket", "escalation")
    exclude = ("nonce",)


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organization", "email", "created_at")
    search_fields = ("email", "organization__name")


@admin.register(DigestLog)
class DigestLogAdmin(ReadOnly):
    list_display = ("user", "week", "sent_at")
    list_select_related = ("user",)
    date_hierarchy = "week"
