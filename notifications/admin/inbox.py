"""Admin for in-app notifications (read-only), preferences and message templates."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from notifications import defaults
from notifications.forms import MessageTemplateForm
from notifications.models import EventKind, MessageTemplate, Notification, Preference


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
    readonly_fields = ["default_wording"]
    fields = ["kind", "language", "subject", "body_text", "body_html", "default_wording"]

    def get_changeform_initial_data(self, request):
        """``?kind=ticket.created`` starts from that event's default wording."""
        initial = super().get_changeform_initial_data(request)
        kind = request.GET.get("kind", "")
        if kind in defaults.TEMPLATES:
            subject, text = defaults.TEMPLATES[kind]
            initial.update(kind=kind, subject=str(subject), body_text=str(text))
        return initial

    @admin.display(description=_("Default wording"))
    def default_wording(self, obj):
        """The wording used without a template: for this event, or links to start
        from any event's."""
        if obj is not None and obj.kind in defaults.TEMPLATES:
            subject, text = defaults.TEMPLATES[obj.kind]
            return format_html("<strong>{}</strong><pre>{}</pre>", subject, text)
        return format_html_join(
            mark_safe("<br>"),
            '<a href="?kind={}">{}</a>',
            ((kind, label) for kind, label in EventKind.choices if kind in defaults.TEMPLATES),
        )


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel", "enabled"]
    list_filter = ["channel", "enabled", "kind"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
