"""The report filters, one form for the pages, the downloads and the API: bad
input is a 400 with a message per field there, and ignored with a message on
the pages."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.metrics.base import ReportFilter
from tickets.models import Category, DataRegion, Organization, Priority, Team, Tier

PERIODS = {"7d": 7, "30d": 30, "quarter": 91, "year": 365}
MAX_DAYS = 3 * 366


# No value picked: every team, category, level ... the viewer may see.
ALL = pgettext_lazy("report filter, nothing picked", "All")


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("30d", _("Last 30 days")),
            ("7d", _("Last 7 days")),
            ("quarter", _("Last quarter (91 days)")),
            ("year", _("Last year (365 days)")),
            ("custom", _("From … to …")),
        ],
    )
    # Not the "From"/"To" of an escalation's levels: many languages say them otherwise.
    start = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[
            ("", _("By period length")),
            ("day", _("Day")),
            ("week", _("Week")),
            ("month", _("Month")),
        ],
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=ALL
    )
    category = forms.ModelChoiceField(
        label=_("Category"), required=False, queryset=Category.objects.all(), empty_label=ALL
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", ALL), *Priority.choices]
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        required=False,
        queryset=Organization.objects.all(),
        empty_label=ALL,
    )
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", ALL), *Tier.choices])
    region = forms.ChoiceField(
        label=_("Data region"), required=False, choices=[("", ALL), *DataRegion.choices]
    )

    def __init__(self, *args, scope: tuple[int, ...] | None, time_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.time_zone = time_zone
        teams = Team.objects.all()
        self.fields["team"].queryset = teams if scope is None else teams.filter(pk__in=scope)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )

    def clean(self):
        data = super().clean()
        period = data.get("period") or "30d"
        if period == "custom" or data.get("start") or data.get("end"):
            # a day already refused ("Enter a valid date.") is not asked for again
            if not data.get("start") and "start" not in self.errors:
                self.add_error("start", _("Give the first day of the period."))
            if not data.get("end") and "end" not in self.errors:
                self.add_error("end", _("Give the last day of the period."))
            if data.get("start") and data.get("end"):
                if data["end"] < data["start"]:
                    self.add_error("end", _("The period ends before it starts."))
                elif (data["end"] - data["start"]).days > MAX_DAYS:
                    self.add_error("end", _("A period of at most three years, please."))
        return data

    def report_filter(self, *, today: date | None = None) -> ReportFilter:
        """The filter the valid form describes; dates are days in the viewer's time zone."""
        data = self.cleaned_data
        zone = zoneinfo.ZoneInfo(self.time_zone)
        if data.get("start") and data.get("end"):
            first, last = data["start"], data["end"]
        else:
            last = today or timezone.now().astimezone(zone).date()
            first = last - timedelta(days=PERIODS.get(data.get("period") or "30d", 30) - 1)
        start = datetime.combine(first, time(0), tzinfo=zone)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
        team = data.get("team")
        category, organization = data.get("category"), data.get("organization")
        return ReportFilter(
            start=start,
            end=end,
            group=data.get("group") or ("day" if (last - first).days < 31 else "week"),
            time_zone=self.time_zone,
            teams=self.scope,
            team=team.pk if team else None,
            category=category.pk if category else None,
            priority=data.get("priority") or "",
            organization=organization.pk if organization else None,
            level=data.get("level") or "",
            region=data.get("region") or "",
        )
