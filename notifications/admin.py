from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from notifications.forms import MessageTemplateForm
from notifications.models import Delivery, MessageTemplate, Notification, Preference
from notifications.outbox import delivery_retry_now


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


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "channel",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["address", "key", "event_id"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    date_hierarchy = "created_at"
    actions = ["retry_now"]

    def get_inlines(self, request, obj):
        from notifications.admin_webhooks import AttemptInline

        return [AttemptInline]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again now"))
    def retry_now(self, request, queryset):
        count = sum(
            delivery_retry_now(delivery_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request, _("%(n)d deliveries queued again.") % {"n": count}, messages.SUCCESS
        )


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


# Admin for plans and webhooks lives in its own modules; importing them registers it.
from notifications import admin_plans, admin_webhooks  # noqa: E402, F401
