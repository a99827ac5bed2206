"""A report's table as CSV or XLSX: the columns of the page, one row per row,
numbers as numbers (times in seconds, shares in percent, as the headings say)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from reports.metrics.base import Column, Report, ReportFilter


def _cell(value):
    if isinstance(value, datetime):
        return value.date()
    return value


def _heading(column: Column) -> str:
    """A column's name with the unit of its numbers (the page shows "11 h 57 min",
    the file 43020)."""
    if column.kind == "seconds":
        return _("%(label)s (seconds)") % {"label": column.label}
    if column.kind == "percent":
        return _("%(label)s (%%)") % {"label": column.label}
    return str(column.label)


def table(report: Report) -> tuple[list[str], list[list]]:
    header = [_heading(column) for column in report.columns]
    rows = [[_cell(row.get(column.key)) for column in report.columns] for row in report.rows]
    return header, rows


def _filename(report: Report, extension: str, f: ReportFilter | None) -> str:
    """``escalade-sla-2026-11-01-2026-11-30.csv``: the period in the name (its last
    day, in the viewer's zone), so two downloads of one report do not overwrite
    each other."""
    period = ""
    if f is not None:
        last = (f.end - timedelta(microseconds=1)).astimezone(f.zone)
        period = f"-{f.start.astimezone(f.zone):%Y-%m-%d}-{last:%Y-%m-%d}"
    return f'attachment; filename="escalade-{report.name}{period}.{extension}"'


def csv_response(report: Report, f: ReportFilter | None = None) -> HttpResponse:
    header, rows = table(report)
    # A byte-order mark: spreadsheet programs then read the file as UTF-8 (names
    # in Polish or Russian), where without it some guess the system's code page.
    out = io.StringIO("\ufeff")
    out.seek(0, io.SEEK_END)
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(report, "csv", f)
    return response


def xlsx_response(report: Report, f: ReportFilter | None = None) -> HttpResponse:
    header, rows = table(report)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=report.name[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _filename(report, "xlsx", f)
    return response
