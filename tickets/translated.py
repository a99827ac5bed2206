"""Content admins write in several languages: a JSON map on the row,
``{"pl": {"name": "..."}, "fr": {...}}``, read in the active language with the
default text (the model's own field) as the fallback. One column, no extra
query: a category's name is translated wherever it is shown."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def translated(row, field: str, language: str | None = None) -> str:
    """``row.<field>`` in ``language`` (default: the active one), else the default."""
    language = language or translation.get_language() or ""
    table = getattr(row, "translations", None) or {}
    for code in (language, language.split("-")[0]):
        text = (table.get(code) or {}).get(field)
        if text:
            return text
    return getattr(row, field)


def other_languages() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def validate_translations(value) -> None:
    """A map of language code to a map of field name to text."""
    codes = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, dict):
        raise ValidationError(_("Translations are a map of language code to texts."))
    for code, texts in value.items():
        if code not in codes:
            raise ValidationError(_("Unknown language: %(code)s"), params={"code": code})
        if not isinstance(texts, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in texts.items()
        ):
            raise ValidationError(
                _("The texts of %(code)s are a map of field name to text."), params={"code": code}
            )


class TranslationsFormMixin:
    """Admin form: one field per other language for each of ``translated_fields``,
    kept in the model's ``translations`` map."""

    translated_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        table = (self.instance.translations or {}) if self.instance else {}
        for field in self.translated_fields:
            source = self._meta.model._meta.get_field(field)
            for code, name in other_languages():
                self.fields[f"{field}__{code}"] = forms.CharField(
                    label=f"{capfirst(source.verbose_name)} ({name})",
                    required=False,
                    max_length=getattr(source, "max_length", None),
                    widget=forms.Textarea(attrs={"rows": 2})
                    if source.get_internal_type() == "TextField"
                    else forms.TextInput(attrs={"size": 60}),
                    initial=(table.get(code) or {}).get(field, ""),
                )

    def clean(self):
        cleaned = super().clean()
        table = {}
        for code, _name in other_languages():
            texts = {
                field: cleaned.get(f"{field}__{code}", "").strip()
                for field in self.translated_fields
                if cleaned.get(f"{field}__{code}", "").strip()
            }
            if texts:
                table[code] = texts
        self.instance.translations = table
        return cleaned


class TranslationsAdminMixin:
    """ModelAdmin of a model with a ``translations`` map, its ``form`` a
    ``TranslationsFormMixin``: the default texts, then a section per language."""

    def get_fieldsets(self, request, obj=None):
        sets = [(None, {"fields": self.form.Meta.fields})]
        for code, name in other_languages():
            fields = [f"{field}__{code}" for field in self.form.translated_fields]
            sets.append((name, {"fields": fields, "classes": ["collapse"]}))
        return sets

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The language fields are the form's own, not the model's: build the form
        # from its Meta.fields, not from the fieldsets.
        kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)
