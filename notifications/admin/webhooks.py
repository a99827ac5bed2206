"""Admin for webhook endpoints: saving and the actions call the webhook services."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.forms import ChoicesInOrderField
from notifications.models import WebhookEndpoint
from notifications.services.dispatch import WEBHOOK_EVENTS
from notifications.services.webhooks import (
    webhook_endpoint_save,
    webhook_endpoint_secret_renew,
    webhook_endpoint_switch_on,
    webhook_endpoint_test,
)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"size": 80}),
        help_text=_(
            "http:// or https://, on a public address unless private targets are allowed. "
            "A host that does not resolve yet is saved with a warning and checked at every send."
        ),
    )
    events = ChoicesInOrderField(
        label=capfirst(_("events")),
        choices=WEBHOOK_EVENTS,
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
        "failing_since",
        "disabled_at",
        "attempt_log",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "secret_for_copying",
        "consecutive_failures",
        "failing_since",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "url", "events", "is_active"]}),
        (_("Signing"), {"fields": ["secret_for_copying"]}),
        (
            _("Health"),
            {
                "fields": [
                    "failing_since",
                    "consecutive_failures",
                    "disabled_at",
                    "disabled_reason",
                    "created_at",
                ]
            },
        ),
    ]
    actions = ["switch_on_again", "new_secret", "send_test_event"]

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
        problem = getattr(obj, "url_warning", "")
        if problem:
            self.message_user(
                request,
                _("Saved, but %(problem)s Deliveries are retried until it resolves.")
                % {"problem": problem},
                messages.WARNING,
            )

    @admin.action(description=_("Send a test event"))
    def send_test_event(self, request, queryset):
        """Sent now, one attempt each, switched on or off; the outcome is told
        here and logged with the endpoint's attempts."""
        for endpoint in queryset:
            delivery = webhook_endpoint_test(endpoint_id=endpoint.pk, by=request.user)
            if delivery.status == delivery.Status.SENT:
                self.message_user(
                    request,
                    _("%(name)s: the test event was delivered.") % {"name": endpoint.name},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s: the test event failed: %(error)s")
                    % {"name": endpoint.name, "error": delivery.last_error},
                    messages.ERROR,
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
