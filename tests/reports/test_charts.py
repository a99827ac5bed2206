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


def test_a_phone_gets_its_own_chart_with_text_it_can_read():
    """Drawn 640 wide, the chart's 10-unit text came out at about 5 px on a phone."""
    from reports.charts import NARROW
    from reports.templatetags.report_tags import report_chart

    long = report(list(range(31)))
    html = report_chart(long)
    assert html.count("<svg") == 2
    assert 'class="d-none d-sm-block"' in html
    assert 'class="d-sm-none"' in html
    narrow = chart_svg(long, NARROW)
    assert 'viewBox="0 0 360 ' in narrow
    sizes = {int(size) for size in re.findall(r'font-size="(\d+)"', narrow)}
    assert min(sizes) >= 14
    x_labels = re.findall(r'text-anchor="middle">([^<]*)</text>', narrow)
    assert 2 <= len(x_labels) <= 5  # 31 days: every seventh, not 31 overlapping dates
    assert report_chart(report([])) == ""


def test_a_long_name_is_cut_on_the_bar_and_whole_in_its_tooltip():
    names = Report(
        "root_causes",
        "Top root causes",
        [Column("cause", "Cause"), Column("n", "Escalations")],
        [{"cause": "A network partition between the two data centres", "n": 3}],
        chart={"x": "cause", "series": ["n"], "kind": "hbars"},
    )
    svg = chart_svg(names)
    assert "<title>A network partition between the two data centres</title>" in svg
    assert "A network partition between…" in svg


def test_a_row_without_the_figure_breaks_the_line_rather_than_dropping_to_zero():
    """A day nobody's ticket was resolved has no median: drawn as 0 h, it read as
    tickets resolved at once."""
    times = Report(
        "resolution_time",
        "Time to resolve",
        [Column("bucket", "Period", "date"), Column("median", "Median", "seconds")],
        [
            {"bucket": "2026-11-01", "median": 3600},
            {"bucket": "2026-11-02", "median": 7200},
            {"bucket": "2026-11-03", "median": None},
            {"bucket": "2026-11-04", "median": 3600},
        ],
        chart={"x": "bucket", "series": ["median"], "kind": "line"},
    )
    svg = chart_svg(times)
    (line,) = re.findall(r'<polyline points="([^"]*)"', svg)
    assert len(line.split()) == 2  # the first two days
    assert svg.count("<circle") == 1  # the fourth, alone
    assert axis_labels(svg)[-1] == "4 h"  # whole hours: the top the grid divides
