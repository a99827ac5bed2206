"""Admin for in-app notifications (read-only), preferences and message templates."""

from django.contrib import admin

from notifications.forms import MessageTemplateForm
from notifications.models import MessageTemplate, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    form = MessageTemplateForm
    list_display = ["kind", "language", "subject", "updated_at"]
    list_filter = ["kind", "language"]
    search_fields = ["subject", "body_text"]


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["channel", "enabled", "kind"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
