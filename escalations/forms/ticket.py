"""Forms on the ticket page: priority by hand, escalate with hand-off, reject a request."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Hidden, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from escalations.forms.widgets import Button, TierChoiceField, handoff_field
from escalations.models import HANDOFF_FIELDS, Escalation
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
            "priority",
            "reason",
            Submit("submit", _("Set priority"), css_class="btn-sm", css_id="priority-submit"),
        )


# --- escalating a ticket -------------------------------------------------------------------


class EscalateForm(forms.Form):
    """A manual escalation: the target level, why, and the whole hand-off."""

    to_tier = TierChoiceField(label=_("Escalate to"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
    summary = handoff_field("summary")
    steps_taken = handoff_field("steps_taken")
    impact_assessment = handoff_field("impact_assessment")
    customer_context = handoff_field("customer_context")
    time_constraints = handoff_field("time_constraints")
    assistance_requested = handoff_field("assistance_requested")

    def __init__(self, *args, ticket: Ticket, targets: list, **kwargs):
        kwargs.setdefault("auto_id", "id_escalate_%s")  # the priority form has a reason too
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.fields["to_tier"].choices = [(t.tier, t.label) for t in targets]
        if len(targets) == 1:
            self.fields["to_tier"].initial = targets[0].tier
        self.helper = FormHelper()
        self.helper.form_id = "escalate-form"
        self.helper.form_action = reverse("escalations:escalate", args=[ticket.pk])
        self.helper.layout = Layout(
            "to_tier",
            "reason",
            Div(*HANDOFF_FIELDS, css_class="handoff-fields"),
            Button("escalate-form", _("Escalate"), css_class="btn-warning"),
        )


# --- deciding on a request -----------------------------------------------------------------


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why not"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, escalation: Escalation, back: str = "", **kwargs):
        kwargs.setdefault("auto_id", f"id_reject{escalation.pk}_%s")
        super().__init__(*args, **kwargs)
        self.escalation_pk = escalation.pk
        self.helper = FormHelper()
        self.helper.form_id = f"reject-{escalation.pk}"
        self.helper.form_action = reverse("escalations:reject", args=[escalation.pk])
        self.helper.layout = Layout(
            "reason",
            Hidden("next", back),
            Button(self.helper.form_id, _("Reject"), css_class="btn-outline-danger btn-sm"),
        )


# --- working a managed escalation ----------------------------------------------------------
