"""Form pieces the escalation pages share: buttons, date inputs, tier and hand-off fields."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.text import capfirst

from escalations.models import Escalation
from tickets.models import Tier


class Button(Submit):
    """A submit button styled by its ``css_class`` alone (crispy's adds btn-primary)."""

    field_classes = "btn"

    def __init__(self, form_id: str, value, css_class: str):
        super().__init__("submit", value, css_id=f"{form_id}-submit", css_class=css_class)


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-time picker; read and shown in the viewer's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TierChoiceField(forms.ChoiceField):
    """Offers the levels above the ticket but accepts any tier: whether the ticket may
    go there is the service's call, and it says why not."""

    def valid_value(self, value) -> bool:
        return value in Tier.values


def handoff_field(name: str) -> forms.CharField:
    return forms.CharField(
        label=capfirst(Escalation._meta.get_field(name).verbose_name),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def form_helper(form_id: str, action: str, *layout, button: str, css: str = "btn-primary btn-sm"):
    helper = FormHelper()
    helper.form_id = form_id
    helper.form_action = action
    helper.layout = Layout(*layout, Button(form_id, button, css_class=css))
    return helper
