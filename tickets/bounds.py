"""What every door accepts as a date or an id, in one place.

Dates: any moment every page can show in any time zone, 1970 to 9998 in UTC
(a time zone offset cannot push it past what Python's datetime holds). Ids:
what a database's 64-bit key can hold. Pages, filters, the API and services
check with these, so a value out of range is a field error (400) everywhere,
never an overflow inside the database driver (500).
"""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FIRST_YEAR, LAST_YEAR = 1970, 9998
MAX_ID = 2**63 - 1
DATE_RANGE_MESSAGE = _("Give a date between 1970 and 9998.")


def moment_in_range(value: datetime) -> bool:
    """Whether ``value`` lies between 1970 and 9998 in UTC."""
    try:
        year = value.astimezone(UTC).year if value.tzinfo else value.year
    except OverflowError:
        return False
    return FIRST_YEAR <= year <= LAST_YEAR


def check_moment(value: datetime | None, field: str) -> None:
    """Refuse a date outside 1970-9998 (UTC) with a message on ``field``."""
    if value is not None and not moment_in_range(value):
        raise ValidationError({field: DATE_RANGE_MESSAGE})


def id_in_range(value: object) -> bool:
    """Whether ``value`` is a whole number a 64-bit key can hold."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return False
    return 0 < number <= MAX_ID


class MomentField(forms.DateTimeField):
    """A form date-time limited to 1970-9998 (UTC)."""

    def to_python(self, value):
        try:
            moment = super().to_python(value)
        except OverflowError:
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range") from None
        if moment is not None and not moment_in_range(moment):
            raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")
        return moment


class IsoMomentField(MomentField, django_filters.fields.IsoDateTimeField):
    """ISO 8601 (with offset) in filters, limited like ``MomentField``."""


class MomentFilter(django_filters.IsoDateTimeFilter):
    """The date filter of every list (pages and API)."""

    field_class = IsoMomentField


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A choice by id that treats an id no key can hold as an unknown choice."""

    def to_python(self, value):
        if value not in self.empty_values and not id_in_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """The filter by related id of every list (pages and API)."""

    field_class = BoundedModelChoiceField


class MomentSerializerField(serializers.DateTimeField):
    """An API date-time limited to 1970-9998 (UTC)."""

    default_error_messages = {"date_range": DATE_RANGE_MESSAGE}

    def to_internal_value(self, value):
        try:
            moment = super().to_internal_value(value)
        except OverflowError:
            self.fail("date_range")
        if not moment_in_range(moment):
            self.fail("date_range")
        return moment
