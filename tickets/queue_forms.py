"""Forms of the queue: bulk changes and saving a view."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets import selectors
from tickets.bounds import BoundedModelChoiceField, id_in_range
from tickets.models import Priority, Status, Team, User

ACTIONS = [
    ("assign", _("Assign to")),
    ("status", _("Set status")),
    ("priority", _("Set priority")),
    ("team", _("Move to team")),
]


class BulkForm(forms.Form):
    """Many tickets, one change. The value field that counts is the action's."""

    tickets = forms.CharField(required=False)  # read with getlist in clean
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignee = BoundedModelChoiceField(
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Status.choices], required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[("", "—"), *Priority.choices], required=False
    )
    team = BoundedModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    note = forms.CharField(label=_("Note or reason"), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.assignees()
        self.fields["team"].queryset = Team.objects.order_by("tier", "name")

    def clean(self):
        data = super().clean()
        raw = self.data.getlist("tickets") if hasattr(self.data, "getlist") else []
        ids = [int(value) for value in raw if id_in_range(value)]
        if not ids:
            self.add_error("tickets", _("Choose at least one ticket."))
        data["ticket_ids"] = ids
        action = data.get("action")
        field = {"assign": "assignee"}.get(action, action)
        if action and action != "assign" and not data.get(field):
            self.add_error(field, _("Choose a value for this action."))
        data["value"] = data.get(field) if action else None
        if action == "priority" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the priority is set by hand."))
        return data


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
