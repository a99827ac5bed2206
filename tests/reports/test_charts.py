"""The server-drawn SVG charts: what the axes say."""

import re

from reports.charts import chart_svg
from reports.metrics.base import Column, Report


def report(values, key="n"):
    return Report(
        "volume",
        "Volume",
        [Column("bucket", "Period", "date"), Column(key, "Escalations")],
        [{"bucket": f"2026-11-{i + 1:02d}", key: v} for i, v in enumerate(values)],
        chart={"x": "bucket", "series": [key], "kind": "bars"},
    )


def axis_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end">([^<]*)</text>', svg)


def test_counts_get_whole_number_ticks():
    labels = axis_labels(chart_svg(report([5, 1, 9, 3])))
    assert labels == ["0", "3", "6", "9", "12"]
    assert axis_labels(chart_svg(report([1, 2]))) == ["0", "1", "2", "3", "4"]


def test_fractional_figures_keep_their_own_top():
    labels = axis_labels(chart_svg(report([0.5, 2.5])))
    assert labels[-1] == "2.5"
