"""Showing report figures: values by column kind, drill-down links, the nav check."""

from datetime import date, datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports.access import can_see_reports
from reports.charts import NARROW, chart_svg

register = template.Library()


@register.filter
def sees_reports(user) -> bool:
    return can_see_reports(user)


def duration(seconds) -> str:
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


@register.simple_tag
def report_value(row, column):
    value = row.get(column.key)
    if value is None or value == "":
        return "-"
    if column.kind == "seconds":
        return duration(value)
    if column.kind == "percent":
        return f"{value:.1f} %"
    if column.kind == "float":
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        # Kept on one line: a narrow column broke it at a hyphen ("2026-11-" / "01").
        return format_html('<span class="text-nowrap">{}</span>', value.strftime("%Y-%m-%d"))
    return value


@register.simple_tag
def drill_url(report, row, params):
    """The drill-down page for ``row``: the page's filters and the row's key."""
    query = {k: v for k, v in params.items() if k != "page"}
    for key in report.drill:
        value = row.get(key)
        query[key] = value.strftime("%Y-%m-%d") if isinstance(value, datetime | date) else value
    return reverse("reports:drill", args=[report.name]) + "?" + urlencode(query)


@register.simple_tag
def table_rows(report) -> dict:
    """The rows the page's table lists: a time series without its empty days,
    weeks or months (on a phone each row is a card; thirty cards of zeros hid
    the few that count). The chart and the downloads keep them."""
    if (report.chart or {}).get("x") != "bucket":
        return {"rows": report.rows, "left_out": 0}
    figures = [column.key for column in report.columns if column.key != "bucket"]
    rows = [row for row in report.rows if any(row.get(key) for key in figures)]
    return {"rows": rows, "left_out": len(report.rows) - len(rows)}


@register.simple_tag
def report_chart(report):
    """The chart drawn twice: for a page's width and, larger lettered, a phone's."""
    wide, narrow = chart_svg(report), chart_svg(report, NARROW)
    if not wide:
        return wide
    return format_html(
        '<div class="d-none d-sm-block">{}</div><div class="d-sm-none">{}</div>', wide, narrow
    )


SUMMARY_LABELS = {
    "bounce_backs": gettext_noop("Bounce-backs"),
    "tickets_bounced": gettext_noop("Tickets sent back down"),
    "tickets_escalated_more_than_once": gettext_noop("Tickets escalated more than once"),
    "breaches": gettext_noop("Breaches"),
    "at_risk": gettext_noop("At risk now"),
    "reviews": gettext_noop("Reviews"),
    # A summary figure named like a column but counting something else.
    ("funnel", "tickets"): gettext_noop("Tickets opened in the period"),
}


@register.simple_tag
def summary_items(report):
    """The report's headline figures as (label, value), nested ones left out."""
    columns = {c.key: c for c in report.columns}
    items = []
    for key, value in report.summary.items():
        if isinstance(value, dict) or value is None:
            continue
        column = columns.get(key)
        if (report.name, key) in SUMMARY_LABELS:
            label = _(SUMMARY_LABELS[report.name, key])
        else:
            label = column.label if column else _(SUMMARY_LABELS.get(key, key.replace("_", " ")))
        items.append((label, report_value(report.summary, column) if column else value))
    return items
