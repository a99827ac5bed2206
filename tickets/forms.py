"""Crispy forms of the agent and requester pages. They validate input; services decide."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tickets import selectors, services
from tickets.models import Category, Organization, Status, Team, Ticket, User


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its fields where the form has them."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def _attachment_types() -> list[str]:
    return sorted({extension.lower() for extension in settings.ATTACHMENT_TYPES})


def _attachment_limits() -> str:
    count, size = settings.ATTACHMENT_MAX_COUNT, settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    return ngettext(
        "Up to %(n)d file of at most %(mb)d MB: %(types)s.",
        "Up to %(n)d files of at most %(mb)d MB each: %(types)s.",
        count,
    ) % {"n": count, "mb": size or 1, "types": ", ".join(_attachment_types())}


class MultipleFileField(forms.FileField):
    """Several files in one field; the checks of what is accepted are the service's.
    The field says the limits before anything is sent, and the browser's picker
    offers the accepted types (read from the settings when shown)."""

    def __init__(self, *args, **kwargs):
        accept = lazy(lambda: ",".join(f".{ext}" for ext in _attachment_types()), str)()
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept}))
        kwargs.setdefault("help_text", lazy(_attachment_limits, str)())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class TicketCreateForm(forms.ModelForm):
    """New ticket. Requesters see the problem fields only; agents also name the requester,
    flags, team and assignee."""

    AGENT_ONLY = (
        "requester_name",
        "requester_email",
        "requester_language",
        "organization",
        "is_security",
        "is_safety",
        "is_legal",
        "is_major_outage",
        "team",
        "assignee",
    )

    class Meta:
        model = Ticket
        fields = [
            "title",
            "description",
            "category",
            "impact",
            "urgency",
            "requester_name",
            "requester_email",
            "requester_language",
            "organization",
            "is_security",
            "is_safety",
            "is_legal",
            "is_major_outage",
            "team",
            "assignee",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = _("No category")
        agent = selectors.user_is_agent(user)
        if agent:
            self.fields["requester_name"].required = True
            self.fields["requester_email"].required = True
            self.fields["organization"].queryset = Organization.objects.order_by("name")
            # Empty: the organization of the requester's account, if there is one.
            self.fields["organization"].empty_label = _("The requester's organization")
            self.fields["team"].queryset = Team.objects.order_by("tier", "name")
            self.fields["team"].help_text = _("Leave empty to send it to the service desk.")
            self.fields["team"].empty_label = _("The service desk")
            self.fields["assignee"].queryset = selectors.assignees()
            self.fields["assignee"].empty_label = _("Unassigned")
        else:
            for name in self.AGENT_ONLY:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_id = "ticket-create"
        layout = [
            "title",
            "description",
            Row(Column("category"), Column("impact"), Column("urgency")),
        ]
        if agent:
            layout += [
                Row(
                    Column("requester_name"),
                    Column("requester_email"),
                    Column("requester_language"),
                ),
                "organization",
                Row(
                    Column("is_security"),
                    Column("is_safety"),
                    Column("is_legal"),
                    Column("is_major_outage"),
                ),
                Row(Column("team"), Column("assignee")),
            ]
        self.helper.layout = Layout(
            *layout, "attachments", Submit("submit", _("Create ticket"), css_id="create-submit")
        )

    def _post_clean(self):
        # The service validates the instance it builds; don't build one here.
        pass


class TicketPropertiesForm(forms.Form):
    """An agent's edit of the fields that route and rank a ticket."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        label=_("Category"),
        empty_label=_("No category"),
    )
    impact = forms.TypedChoiceField(
        coerce=int, label=_("Impact"), choices=Ticket._meta.get_field("impact").choices
    )
    urgency = forms.TypedChoiceField(
        coerce=int, label=_("Urgency"), choices=Ticket._meta.get_field("urgency").choices
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, label=_("Team"), empty_label=_("No team")
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=_("Assignee"),
        empty_label=_("Unassigned"),
    )

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "category": ticket.category_id,
                "impact": ticket.impact,
                "urgency": ticket.urgency,
                "team": ticket.team_id,
                "assignee": ticket.assignee_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["team"].queryset = Team.objects.order_by("tier", "name")
        self.fields["assignee"].queryset = selectors.assignees()
        self.helper = FormHelper()
        self.helper.form_id = "ticket-properties"
        self.helper.form_action = reverse("tickets:update", args=[ticket.pk])
        self.helper.layout = Layout(
            "category",
            Row(Column("impact"), Column("urgency")),
            "team",
            "assignee",
            Submit("submit", _("Save"), css_class="btn-sm", css_id="properties-submit"),
        )


class CommentForm(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    body = forms.CharField(
        label=_("Message"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_public = forms.TypedChoiceField(
        label=_("Visibility"),
        coerce=lambda value: value == "public",
        choices=[
            ("public", _("Public reply (the requester sees it)")),
            ("internal", _("Internal note (agents only)")),
        ],
        initial="public",
        widget=forms.RadioSelect,
    )

    set_status = forms.ChoiceField(
        choices=[("", ""), *Status.choices], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, ticket: Ticket, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.internal_only = False
        if not selectors.user_is_agent(user):
            del self.fields["is_public"]
            del self.fields["set_status"]
        elif not selectors.user_works_on(user=user, ticket=ticket):
            # Taking part without working the ticket: internal notes only.
            self.internal_only = True
            self.fields["is_public"].choices = [("internal", _("Internal note (agents only)"))]
            self.fields["is_public"].initial = "internal"
        self.helper = FormHelper()
        self.helper.form_id = "comment-form"
        self.helper.form_action = reverse("tickets:comment", args=[ticket.pk])
        fields = [name for name in self.fields if name != "attachments"] + ["attachments"]
        self.helper.layout = Layout(*fields, Submit("submit", _("Send"), css_id="comment-submit"))

    def clean(self):
        data = super().clean()
        data.setdefault("is_public", True)
        return data


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(label=_("Note"), max_length=2_000, required=False)
    note_public = forms.TypedChoiceField(
        label=_("Note visibility"),
        coerce=lambda value: value == "public",
        choices=[
            ("internal", _("Internal (agents only)")),
            ("public", _("Public (the requester sees it)")),
        ],
        initial="internal",
        widget=forms.RadioSelect,
        required=False,
        empty_value=False,
    )

    def __init__(self, *args, ticket: Ticket, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if not selectors.user_is_agent(user):
            del self.fields["note_public"]
        self.fields["status"].choices = [
            (value, Status(value).label)
            for value in services.transitions_for(status=ticket.status, actor=user)
        ]
        self.helper = FormHelper()
        self.helper.form_id = "transition-form"
        self.helper.form_action = reverse("tickets:transition", args=[ticket.pk])
        self.helper.layout = Layout(
            *self.fields,
            Submit("submit", _("Change status"), css_class="btn-sm", css_id="transition-submit"),
        )
