"""A report's table as CSV or XLSX: the columns of the page, one row per row,
numbers as numbers (times in seconds, shares in percent)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse
from openpyxl import Workbook

from reports.metrics.base import Report


def _cell(value):
    if isinstance(value, datetime):
        return value.date()
    return value


def table(report: Report) -> tuple[list[str], list[list]]:
    header = [str(column.label) for column in report.columns]
    rows = [[_cell(row.get(column.key)) for column in report.columns] for row in report.rows]
    return header, rows


def _filename(report: Report, extension: str) -> str:
    return f'attachment; filename="escalade-{report.name}.{extension}"'


def csv_response(report: Report) -> HttpResponse:
    header, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _filename(report, "csv")
    return response


def xlsx_response(report: Report) -> HttpResponse:
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
    response["Content-Disposition"] = _filename(report, "xlsx")
    return response
