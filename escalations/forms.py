"""Crispy forms of the priority and escalation pages. They validate input; services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Hidden, Layout, Row, Submit
from django import forms
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from escalations.models import HANDOFF_FIELDS, Escalation, EscalationReview, EscalationTeamMember
from escalations.services.reviews import REVIEW_FIELDS, REVIEW_REQUIRED
from tickets.models import Priority, Ticket, Tier, User
from tickets.selectors import agents


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


# --- escalating a ticket -------------------------------------------------------------------


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


def _helper(form_id: str, action: str, *layout, button: str, css: str = "btn-primary btn-sm"):
    helper = FormHelper()
    helper.form_id = form_id
    helper.form_action = action
    helper.layout = Layout(*layout, Button(form_id, button, css_class=css))
    return helper


class EscalationForm(forms.Form):
    """A form posting to one of an escalation's URLs; ids unique on the page."""

    url_name = ""
    form_id = ""

    def __init__(self, *args, escalation: Escalation, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.form_id.replace('-', '_')}_%s")
        super().__init__(*args, **kwargs)
        self.action = reverse(f"escalations:{self.url_name}", args=[escalation.pk])


class ManagerForm(EscalationForm):
    url_name, form_id = "manager", "manager-form"
    manager = forms.ModelChoiceField(label=_("Escalation manager"), queryset=User.objects.none())

    def __init__(self, *args, escalation: Escalation, **kwargs):
        kwargs.setdefault("initial", {"manager": escalation.manager_id})
        super().__init__(*args, escalation=escalation, **kwargs)
        self.fields["manager"].queryset = agents()
        self.helper = _helper(self.form_id, self.action, "manager", button=_("Change"))
        self.helper.form_show_labels = False  # the card's heading says it


class MemberForm(EscalationForm):
    url_name, form_id = "member", "member-form"
    role = forms.ChoiceField(label=_("Role"), choices=EscalationTeamMember.Role.choices)
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Or name someone outside Escalade below."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact = forms.CharField(label=_("E-mail or phone"), max_length=200, required=False)

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name", "username"
        )
        self.helper = _helper(
            self.form_id,
            self.action,
            Row(Column("role"), Column("user")),
            Row(Column("name"), Column("contact")),
            button=_("Add to the team"),
        )


class ActionItemForm(EscalationForm):
    url_name, form_id = "action_add", "action-form"
    description = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=DateTimeLocalInput)

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.fields["owner"].queryset = agents()
        self.helper = _helper(
            self.form_id,
            self.action,
            "description",
            Row(Column("owner"), Column("due_at")),
            button=_("Add action"),
        )


class ActionDoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class MonitorForm(EscalationForm):
    url_name, form_id = "monitor", "monitor-form"
    until = forms.DateTimeField(
        label=_("Monitor until"),
        widget=DateTimeLocalInput,
        help_text=_("The date agreed with the customer."),
    )

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.helper = _helper(
            self.form_id, self.action, "until", button=_("Start monitoring"), css="btn-info btn-sm"
        )


class CloseForm(EscalationForm):
    url_name, form_id = "close", "close-form"
    closure_note = forms.CharField(
        label=_("Closure note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Not required here: the service refuses to close without it and says so.
    customer_agreed = forms.BooleanField(label=_("The customer agreed to close"), required=False)

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.helper = _helper(
            self.form_id,
            self.action,
            "closure_note",
            "customer_agreed",
            button=_("Close the escalation"),
            css="btn-success btn-sm",
        )


class ReopenForm(EscalationForm):
    url_name, form_id = "reopen", "reopen-form"
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.helper = _helper(
            self.form_id,
            self.action,
            "reason",
            button=_("Reopen"),
            css="btn-outline-warning btn-sm",
        )


RATINGS = [
    ("", "—"),
    (1, _("1 - poor")),
    (2, _("2 - weak")),
    (3, _("3 - fair")),
    (4, _("4 - good")),
    (5, _("5 - excellent")),
]


def rating_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(coerce=int, choices=RATINGS, empty_value=None)


class ReviewForm(forms.ModelForm):
    """The post-escalation review; the service says what it needs."""

    effectiveness = rating_field()
    handoff_quality = rating_field()
    customer_satisfaction = rating_field()

    class Meta:
        model = EscalationReview
        fields = list(REVIEW_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "root_cause",
                "what_helped",
                "what_hindered",
                "lessons_learned",
                "preventive_actions",
            )
        }

    def __init__(self, *args, escalation: Escalation, **kwargs):
        kwargs.setdefault("auto_id", "id_review_%s")
        super().__init__(*args, **kwargs)
        for name in ("effectiveness", "handoff_quality", "customer_satisfaction"):
            self.fields[name].label = capfirst(EscalationReview._meta.get_field(name).verbose_name)
        for name in REVIEW_REQUIRED:
            self.fields[name].required = True
        self.helper = _helper(
            "review-form",
            reverse("escalations:review", args=[escalation.pk]),
            Row(Column("root_cause", css_class="col-md-8"), Column("root_cause_category")),
            Row(Column("what_helped"), Column("what_hindered")),
            Row(Column("lessons_learned"), Column("preventive_actions")),
            Row(Column("problem_reference", css_class="col-md-4")),
            Row(
                Column("effectiveness"), Column("handoff_quality"), Column("customer_satisfaction")
            ),
            button=_("Submit the review"),
        )

    def _post_clean(self):
        # The service validates and saves the review; don't touch the instance here.
        pass
