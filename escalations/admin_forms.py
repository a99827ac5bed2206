"""The configuration admin's forms: each runs the check of the write's service
(``escalations.services.config``) on what it would save, so the service's
messages show on the form instead of failing the save."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from escalations.services.config import calendars, paths, policies, priority


class CheckedForm(forms.ModelForm):
    """A form that runs its service's check (``check_rules``) on the instance
    as the form would save it."""

    def check_rules(self, candidate) -> None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.check_rules(construct_instance(self, copy.copy(self.instance)))
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


def form_data(form: forms.ModelForm, fields) -> dict:
    return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}


def formset_rows(formset: forms.BaseInlineFormSet, fields) -> list[dict]:
    """The rows of an inline formset that stay (not deleted, not left empty)."""
    return [
        {name: form.cleaned_data.get(name) for name in fields}
        for form in formset.forms
        if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")
    ]


class PriorityCriterionForm(CheckedForm):
    def check_rules(self, candidate) -> None:
        priority.priority_criterion_check(criterion=candidate)


class SlaPolicyForm(CheckedForm):
    def check_rules(self, candidate) -> None:
        policies.sla_policy_check(policy=candidate)


class WorkingIntervalFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        try:
            calendars.calendar_hours_check(
                is_24x7=self.instance.is_24x7,
                intervals=formset_rows(self, calendars.INTERVAL_FIELDS),
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


class EscalationPathForm(CheckedForm):
    def check_rules(self, candidate) -> None:
        paths.escalation_path_check(path=candidate)


class EscalationLevelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        levels = formset_rows(self, paths.LEVEL_FIELDS)
        problems = []
        try:
            paths.escalation_levels_check(levels=levels)
        except ValidationError as error:
            problems += error.messages
        # Told together: fixing the positions alone would not make the save pass.
        used = paths.escalation_levels_in_use(path=self.instance, levels=levels)
        if used:
            problems.append(used)
        if problems:
            raise forms.ValidationError(problems)
