"""Charts drawn on the server as SVG: no script, no CDN, works offline and
under the strict Content-Security-Policy (attributes only, no inline style)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.metrics.base import Report

COLOURS = ("#2f6fb0", "#e35d2a", "#2a9d8f", "#b02a37", "#6c757d")


@dataclass(frozen=True)
class Frame:
    """A chart's drawing area and lettering. The SVG scales to the page's width, so
    text drawn for 640 units shrinks to about half on a phone: the narrow frame is
    drawn for a phone's width, with larger text and fewer labels."""

    width: int = 640
    height: int = 260
    left: int = 48
    bottom: int = 40
    top: int = 12
    font: int = 10
    x_labels: int = 16  # at most this many labels under the x axis
    name_width: int = 170  # horizontal bars: the names' column
    name_chars: int = 28
    legend_step: int = 170

    @property
    def plot(self) -> int:
        return self.height - self.bottom - self.top


WIDE = Frame()
NARROW = Frame(
    width=360,
    height=300,
    left=44,
    bottom=52,
    font=14,
    x_labels=5,
    name_width=150,
    name_chars=15,
    legend_step=180,
)


def _label(value) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _number(value) -> float | None:
    """A figure to draw; None where the row has none (a median of no tickets),
    which a bar draws as nothing and a line skips, rather than as a zero."""
    return float(value) if isinstance(value, int | float) else None


def chart_svg(report: Report, frame: Frame = WIDE) -> SafeString:
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
    values = [
        [None if (v := _number(row.get(key))) is None else v / scale for key in series]
        for row in rows
    ]
    drawn = [v for group in values for v in group if v is not None]
    top = max([*drawn, 0]) or 1.0
    if all(v.is_integer() for v in drawn) or (hours and top >= 4):
        # Counts (and hours from 4 up): a top the four grid steps divide gives
        # whole-number ticks (0, 3, 6, 9, 12), not 2.2 tickets.
        top = float(math.ceil(top / 4) * 4)
    x = spec["x"]
    kind = spec.get("kind", "bars")
    per_line = max(1, (frame.width - frame.left) // frame.legend_step)
    legend_lines = math.ceil(len(series) / per_line)
    height = frame.height + (legend_lines - 1) * (frame.font + 6)
    parts = [
        f'<svg class="report-chart" viewBox="0 0 {frame.width} {height}" role="img" '
        f'aria-label="{escape(str(report.title))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    if kind == "hbars":
        parts += _hbars(rows, values, x, top, frame)
    else:
        parts += _axes(top, unit, frame)
        parts += (_lines if kind == "line" else _bars)(rows, values, x, top, frame)
    for i, key in enumerate(series):
        left = frame.left + (i % per_line) * frame.legend_step
        base = frame.height - 4 + (i // per_line) * (frame.font + 6)
        parts.append(
            f'<rect x="{left}" y="{base - frame.font + 1}" width="{frame.font}" '
            f'height="{frame.font}" fill="{COLOURS[i % len(COLOURS)]}"/>'
            f'<text x="{left + frame.font + 4}" y="{base}" font-size="{frame.font + 1}">'
            f"{escape(labels.get(key, key))}</text>"
        )
    parts.append("</svg>")
    # Every text and attribute value above is escaped or a number.
    return mark_safe("".join(parts))  # noqa: S308


def _axes(top: float, unit: str, frame: Frame) -> list[str]:
    out = []
    for step in range(5):
        y = frame.top + frame.plot - frame.plot * step / 4
        out.append(
            f'<line x1="{frame.left}" x2="{frame.width}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#dee2e6"/><text x="{frame.left - 4}" y="{y + 4:.1f}" '
            f'font-size="{frame.font}" text-anchor="end">{_short(top * step / 4)}{unit}</text>'
        )
    return out


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def _bars(rows, values, x, top, frame: Frame) -> list[str]:
    plot = frame.plot
    slot = (frame.width - frame.left) / len(rows)
    width = max(1.0, slot * 0.8 / len(values[0]))
    every = 1 if len(rows) <= frame.x_labels else math.ceil(len(rows) / frame.x_labels)
    out = []
    for i, (row, group) in enumerate(zip(rows, values, strict=True)):
        for j, value in enumerate(group):
            if value is None:
                continue
            h = plot * value / top
            out.append(
                f'<rect x="{frame.left + i * slot + slot * 0.1 + j * width:.1f}" '
                f'y="{frame.top + plot - h:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(_label(row[x]))}: '
                f"{_short(value)}</title></rect>"
            )
        if i % every == 0:
            out.append(
                f'<text x="{frame.left + i * slot + slot / 2:.1f}" '
                f'y="{frame.height - frame.bottom + frame.font + 4}" '
                f'font-size="{frame.font}" text-anchor="middle">'
                f"{escape(_label(row[x])[-5:])}</text>"
            )
    return out


def _lines(rows, values, x, top, frame: Frame) -> list[str]:
    plot = frame.plot
    slot = (frame.width - frame.left) / max(len(rows), 1)
    out = []
    for j in range(len(values[0])):
        # A row without the figure breaks the line; a point alone is a dot.
        runs: list[list[str]] = [[]]
        for i, group in enumerate(values):
            if group[j] is None:
                runs.append([])
                continue
            y = frame.top + plot - plot * group[j] / top
            runs[-1].append(f"{frame.left + i * slot + slot / 2:.1f},{y:.1f}")
        colour = COLOURS[j % len(COLOURS)]
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"/>')
            elif run:
                out.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke-width="2" '
                    f'stroke="{colour}"/>'
                )
    return out + _bars(rows, [[None] * len(values[0]) for _ in rows], x, top, frame)


def _hbars(rows, values, x, top, frame: Frame) -> list[str]:
    rows, values = rows[:10], values[:10]
    band = frame.plot / len(rows)
    span = frame.width - frame.name_width - 10
    out = []
    for i, (row, group) in enumerate(zip(rows, values, strict=True)):
        y = frame.top + i * band
        name = _label(row[x])
        shown = name if len(name) <= frame.name_chars else name[: frame.name_chars - 1] + "…"
        out.append(
            f'<text x="{frame.name_width - 6}" y="{y + band / 2 + 4:.1f}" '
            f'font-size="{frame.font + 1}" text-anchor="end"><title>{escape(name)}</title>'
            f"{escape(shown)}</text>"
        )
        height = band * 0.8 / len(group)
        for j, value in enumerate(group):
            if value is None:
                continue
            out.append(
                f'<rect x="{frame.name_width}" y="{y + band * 0.1 + j * height:.1f}" '
                f'width="{span * value / top:.1f}" height="{height:.1f}" '
                f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(name)}: '
                f"{_short(value)}</title></rect>"
            )
    return out
