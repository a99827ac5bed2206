"""Charts drawn on the server as SVG: no script, no CDN, works offline and
under the strict Content-Security-Policy (attributes only, no inline style)."""

from __future__ import annotations

import math
from datetime import date, datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.metrics.base import Report

COLOURS = ("#2f6fb0", "#e35d2a", "#2a9d8f", "#b02a37", "#6c757d")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 260, 48, 40, 12


def _label(value) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def chart_svg(report: Report) -> SafeString:
    """The report's chart (``Report.chart``): grouped bars, horizontal bars or lines."""
    spec = report.chart
    rows = report.rows
    if not spec or not rows:
        return mark_safe("")
    labels = {c.key: str(c.label) for c in report.columns}
    series = spec["series"]
    # Durations are drawn in hours (the table's "3 h 00 min"), not in seconds.
    kinds = {c.key: c.kind for c in report.columns}
    hours = all(kinds.get(key) == "seconds" for key in series)
    scale, unit = (3600.0, " h") if hours else (1.0, "")
    values = [[_number(row.get(key)) / scale for key in series] for row in rows]
    top = max([v for group in values for v in group] + [0]) or 1.0
    if all(v.is_integer() for group in values for v in group) or (hours and top >= 4):
        # Counts (and hours from 4 up): a top the four grid steps divide gives
        # whole-number ticks (0, 3, 6, 9, 12), not 2.2 tickets.
        top = float(math.ceil(top / 4) * 4)
    x = spec["x"]
    kind = spec.get("kind", "bars")
    parts = [
        f'<svg class="report-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(str(report.title))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if kind == "hbars":
        parts += _hbars(rows, values, x, top)
    else:
        parts += _axes(top, unit)
        parts += (_lines if kind == "line" else _bars)(rows, values, x, top)
    for i, key in enumerate(series):
        parts.append(
            f'<rect x="{LEFT + i * 170}" y="{HEIGHT - 14}" width="10" height="10" '
            f'fill="{COLOURS[i % len(COLOURS)]}"/><text x="{LEFT + 14 + i * 170}" '
            f'y="{HEIGHT - 5}" font-size="11">{escape(labels.get(key, key))}</text>'
        )
    parts.append("</svg>")
    # Every text and attribute value above is escaped or a number.
    return mark_safe("".join(parts))  # noqa: S308


def _axes(top: float, unit: str = "") -> list[str]:
    plot = HEIGHT - BOTTOM - TOP
    out = []
    for step in range(5):
        y = TOP + plot - plot * step / 4
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{_short(top * step / 4)}{unit}</text>"
        )
    return out


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _bars(rows, values, x, top) -> list[str]:
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / len(rows)
    width = max(1.0, slot * 0.8 / len(values[0]))
    out = []
    for i, (row, group) in enumerate(zip(rows, values, strict=True)):
        for j, value in enumerate(group):
            h = plot * value / top
            out.append(
                f'<rect x="{LEFT + i * slot + slot * 0.1 + j * width:.1f}" '
                f'y="{TOP + plot - h:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(_label(row[x]))}: '
                f"{_short(value)}</title></rect>"
            )
        if len(rows) <= 16 or i % (len(rows) // 12 + 1) == 0:
            out.append(
                f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                f'font-size="10" text-anchor="middle">{escape(_label(row[x])[-5:])}</text>'
            )
    return out


def _lines(rows, values, x, top) -> list[str]:
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(rows), 1)
    out = []
    for j in range(len(values[0])):
        points = " ".join(
            f"{LEFT + i * slot + slot / 2:.1f},{TOP + plot - plot * group[j] / top:.1f}"
            for i, group in enumerate(values)
        )
        out.append(
            f'<polyline points="{points}" fill="none" stroke-width="2" '
            f'stroke="{COLOURS[j % len(COLOURS)]}"/>'
        )
    return out + _bars(rows, [[0.0] * len(values[0]) for _ in rows], x, top)


def _hbars(rows, values, x, top) -> list[str]:
    rows, values = rows[:10], values[:10]
    band = (HEIGHT - BOTTOM - TOP) / len(rows)
    label_width = 170
    span = WIDTH - label_width - 10
    out = []
    for i, (row, group) in enumerate(zip(rows, values, strict=True)):
        y = TOP + i * band
        out.append(
            f'<text x="{label_width - 6}" y="{y + band / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end">{escape(_label(row[x])[:28])}</text>'
        )
        height = band * 0.8 / len(group)
        for j, value in enumerate(group):
            out.append(
                f'<rect x="{label_width}" y="{y + band * 0.1 + j * height:.1f}" '
                f'width="{span * value / top:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{_short(value)}</title></rect>'
            )
    return out
