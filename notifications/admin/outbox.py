"""Admin for the outbox: deliveries (sent again by an action) and the log of their
attempts (read-only)."""

from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.admin.base import ReadOnlyAdmin
from notifications.models import Delivery, DeliveryAttempt
from notifications.services.outbox import delivery_retry_now


class AttemptInline(admin.TabularInline):
    """Every attempt of one delivery, for the delivery's admin page."""

    model = DeliveryAttempt
    fields = ["number", "started_at", "finished_at", "status_code", "duration_ms", "ok", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
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
    inlines = [AttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again now"))
    def retry_now(self, request, queryset):
        count = sum(
            delivery_retry_now(delivery_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdmin):
    list_display = [
        "delivery",
        "number",
        "started_at",
        "finished_at",
        "status_code",
        "duration_ms",
        "ok",
        "short_error",
    ]
    list_filter = ["ok", "status_code", "delivery__channel", "delivery__endpoint"]
    search_fields = ["delivery__key", "delivery__address", "error"]
    list_select_related = ["delivery__endpoint", "delivery__user"]
    date_hierarchy = "started_at"
    ordering = ["-started_at", "-pk"]

    @admin.display(description=_("error"))
    def short_error(self, obj: DeliveryAttempt) -> str:
        return Truncator(obj.error).chars(120)
