"""Forms of a managed escalation's steps: manager, team, action plan, monitoring, closing."""

from crispy_forms.layout import Column, Row
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from escalations.forms.widgets import DateTimeLocalInput, form_helper
from escalations.models import Escalation, EscalationTeamMember
from escalations.selectors import member_candidates
from tickets.models import User
from tickets.selectors import agents


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
        # Someone always manages it once named: the choice is between people.
        self.fields["manager"].empty_label = None if escalation.manager_id else "—"
        self.helper = form_helper(self.form_id, self.action, "manager", button=_("Change"))
        self.helper.form_show_labels = False  # the card's heading says it


class MemberForm(EscalationForm):
    url_name, form_id = "member", "member-form"
    role = forms.ChoiceField(label=_("Role"), choices=EscalationTeamMember.Role.choices)
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "An agent, or a contact of the ticket's organization as customer contact; "
            "or name someone outside Escalade below."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact = forms.CharField(label=_("E-mail or phone"), max_length=200, required=False)

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.fields["user"].queryset = member_candidates(escalation=escalation)
        self.fields["user"].empty_label = _("Outside Escalade (name below)")
        self.helper = form_helper(
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
        self.fields["owner"].empty_label = _("No owner")
        self.helper = form_helper(
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
        self.helper = form_helper(
            self.form_id, self.action, "until", button=_("Start monitoring"), css="btn-info btn-sm"
        )


class CloseForm(EscalationForm):
    url_name, form_id = "close", "close-form"
    closure_note = forms.CharField(
        label=_("Closure note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Not required here: the service refuses to close without it and says so.
    customer_agreed = forms.BooleanField(label=_("The customer agreed to close"), required=False)
    close_open_actions = forms.BooleanField(
        label=_("Close with the open action items still open"), required=False
    )

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        fields = ["closure_note", "customer_agreed"]
        open_items = [i for i in escalation.action_items.all() if i.done_at is None]
        if open_items:
            fields.append("close_open_actions")
            self.fields["close_open_actions"].help_text = _(
                "Still open: %(items)s. They are recorded with the closure."
            ) % {"items": "; ".join(item.description for item in open_items)}
        else:
            del self.fields["close_open_actions"]
        self.helper = form_helper(
            self.form_id,
            self.action,
            *fields,
            button=_("Close the escalation"),
            css="btn-success btn-sm",
        )


class ReopenForm(EscalationForm):
    url_name, form_id = "reopen", "reopen-form"
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, escalation: Escalation, **kwargs):
        super().__init__(*args, escalation=escalation, **kwargs)
        self.helper = form_helper(
            self.form_id,
            self.action,
            "reason",
            button=_("Reopen"),
            css="btn-outline-warning btn-sm",
        )
