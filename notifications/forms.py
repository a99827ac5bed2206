from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import preferences, selectors
from notifications.models import EventKind, MessageTemplate
from notifications.rendering import validate_template


class ChoicesInOrderField(forms.MultipleChoiceField):
    """Ticked boxes as a list in the order of the choices, so the same choice is
    always stored the same way."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value):
        ticked = set(super().clean(value))
        return [choice for choice, _label in self.choices if choice in ticked]


class PreferencesForm(forms.Form):
    """One checkbox per event and channel (``<event>__<channel>``)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in selectors.preference_grid(user=user):
            names = []
            for channel in preferences.USER_CHANNELS:
                name = f"{row['kind']}__{channel}"
                self.fields[name] = forms.BooleanField(
                    required=False, initial=row[channel.value], label=channel.label
                )
                names.append(name)
            self.rows.append((row["label"], [self[name] for name in names]))

    def choices(self) -> dict[tuple[str, str], bool]:
        out = {}
        for name, value in self.cleaned_data.items():
            kind, channel = name.split("__")
            out[(kind, channel)] = bool(value)
        return out


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["kind", "language", "subject", "body_text", "body_html"]
        help_texts = {
            "body_text": _(
                "Django template language without tags that load or include anything. "
                "Values: {{ recipient }} (the name of the person told), {{ actor }}, "
                "{{ ticket.reference }}, {{ ticket.title }}, {{ ticket.url }} and the other "
                "ticket values, escalation, extra, site, for_agent (false for requesters, "
                "who get no level, team or assignee)."
            )
        }

    def clean(self):
        cleaned = super().clean()
        for field in ("subject", "body_text", "body_html"):
            source = cleaned.get(field)
            if source:
                try:
                    validate_template(source, kind=cleaned.get("kind", ""))
                except forms.ValidationError as error:
                    self.add_error(field, error)
        if cleaned.get("kind") and cleaned["kind"] not in EventKind.values:
            self.add_error("kind", _("Unknown event."))
        return cleaned
