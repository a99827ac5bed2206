"""The report filters' date range reads as one in every language; the "From" and
"To" of an escalation's levels keep their own words."""

import pytest
from django.utils import translation

from reports.forms import ReportFilterForm

# (From, To) of a date range.
DATE_RANGE = {
    "en": ("From", "To"),
    "pl": ("Od", "Do"),
    "fr": ("Du", "Au"),
    "nl": ("Van", "Tot"),
    "ru": ("С", "По"),  # noqa: RUF001
}
# The level an escalation goes to.
LEVEL_TO = {"en": "To", "pl": "Na", "fr": "Vers", "nl": "Naar", "ru": "На"}  # noqa: RUF001


@pytest.mark.parametrize("language", sorted(DATE_RANGE))
def test_the_report_date_range_reads_as_a_range(language):
    form = ReportFilterForm(scope=None)
    with translation.override(language):
        labels = (str(form.fields["start"].label), str(form.fields["end"].label))
        level_to = translation.gettext("To")
    assert labels == DATE_RANGE[language]
    assert level_to == LEVEL_TO[language]
