"""Admin for webhook endpoints: saving and the actions call the webhook services."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.forms import ChoicesInOrderField
from notifications.models import EventKind, WebhookEndpoint
from notifications.services.dispatch import NOT_SENT_TO_WEBHOOKS
from notifications.services.webhooks import (
    webhook_endpoint_save,
    webhook_endpoint_secret_renew,
    webhook_endpoint_switch_on,
)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 80}),
        help_text=_("http:// or https://, on a public address unless private targets are allowed."),
    )
    events = ChoicesInOrderField(
        label=_("events"),
        choices=[c for c in EventKind.choices if c[0] not in NOT_SENT_TO_WEBHOOKS],
        required=False,
        help_text=_("Tick none to send every event."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What the admin saw when the form was loaded, so a switch-off by the
        # workers meanwhile is not undone by a form that still shows "active".
        self.fields["is_active"].show_hidden_initial = True


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = [
        "name",
        "url",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "attempt_log",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "secret_for_copying",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "url", "events", "is_active"]}),
        (_("Signing"), {"fields": ["secret_for_copying"]}),
        (
            _("Health"),
            {"fields": ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]},
        ),
    ]
    actions = ["switch_on_again", "new_secret"]

    @admin.display(description=_("secret"))
    def secret_for_copying(self, obj: WebhookEndpoint) -> str:
        if obj.pk is None:
            return _("Made when the endpoint is saved.")
        return format_html(
            '<input type="text" value="{}" readonly size="60" class="vTextField" '
            'aria-label="{}"><div class="help">{}</div>',
            obj.secret,
            _("secret"),
            _(
                "Give it to the receiver. Each attempt carries X-Escalade-Signature: "
                "t=<Unix time of the attempt>,sha256=<hex HMAC-SHA256, with this secret, "
                "of the time, a dot and the raw body>."
            ),
        )

    @admin.display(description=_("attempts"))
    def attempt_log(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:notifications_deliveryattempt_changelist")
        return format_html(
            '<a href="{}?delivery__endpoint__id__exact={}">{}</a>', url, obj.pk, _("log")
        )

    def save_model(self, request, obj, form, change):
        webhook_endpoint_save(
            endpoint=obj, by=request.user, is_active_changed="is_active" in form.changed_data
        )

    @admin.action(description=_("Switch on again (clears the failure count)"))
    def switch_on_again(self, request, queryset):
        count = sum(
            webhook_endpoint_switch_on(endpoint_id=pk)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext("%(n)d endpoint switched on.", "%(n)d endpoints switched on.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Make a new secret"))
    def new_secret(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            webhook_endpoint_secret_renew(endpoint_id=pk)
        self.message_user(
            request,
            _("New secrets made; give them to the receivers (open each endpoint to copy it)."),
            messages.WARNING,
        )
