from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tickets.models import Priority, Ticket


class PriorityOverrideForm(forms.Form):
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=[("", _("Back to the rules (matrix and criteria)")), *Priority.choices],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("initial", {"priority": ticket.priority_override})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "priority-override"
        self.helper.form_action = reverse("escalations:priority", args=[ticket.pk])
        self.helper.layout = Layout(
            "priority", "reason", Submit("submit", _("Set priority"), css_class="btn-sm")
        )
