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


def test_durations_are_drawn_in_hours():
    """Time at level and time to resolve carry seconds: the axis read "69k"."""
    durations = Report(
        "time_at_level",
        "Time at each level",
        [Column("bucket", "Period", "date"), Column("median", "Median", "seconds")],
        [{"bucket": "2026-11-01", "median": 3 * 3600}, {"bucket": "2026-11-02", "median": 5400}],
        chart={"x": "bucket", "series": ["median"], "kind": "bars"},
    )
    assert axis_labels(chart_svg(durations)) == ["0 h", "0.8 h", "1.5 h", "2.2 h", "3 h"]
    durations.rows.append({"bucket": "2026-11-03", "median": 19 * 3600 + 60})
    assert axis_labels(chart_svg(durations)) == ["0 h", "5 h", "10 h", "15 h", "20 h"]
