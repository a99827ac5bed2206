"""Reports in a real browser: a manager lands on his dashboard, opens a report,
filters it, follows a figure down to its tickets; the page fits a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.measure import FITS
from tests.reports.conftest import dataset  # noqa: F401  (the fixed data set)
from tickets.models import User

pytestmark = pytest.mark.e2e


def test_manager_reads_a_report_and_drills_down(page, log_in, dataset):  # noqa: F811
    t2, t3 = dataset["tickets"][1], dataset["tickets"][2]
    log_in(page, "manager")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator('[data-figure="open_escalations"]')).to_have_text("1")
    page.get_by_role("link", name="Reports", exact=True).first.click()
    page.locator('[data-report="volume"]').click()
    page.get_by_label("From").fill("2026-03-01")
    page.get_by_label("To").fill("2026-03-31")
    page.get_by_label("Group by").select_option("week")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#report-title")).to_have_text("Escalation volume")
    # the chart drawn for a page's width; the phone's is hidden
    expect(page.locator("svg.report-chart:visible")).to_have_count(1)
    expect(page.locator("svg.report-chart:visible")).to_have_attribute("viewBox", "0 0 640 260")
    row = page.locator("#report-table tbody tr", has_text="2026-03-09")
    expect(row.locator("td").nth(1)).to_have_text("4")
    row.get_by_role("link", name="Tickets").click()
    listed = page.locator("#drill-tickets tr[data-ticket]")
    expect(listed).to_have_count(2)
    expect(page.locator(f'tr[data-ticket="{t2.pk}"]')).to_be_visible()
    expect(page.locator(f'tr[data-ticket="{t3.pk}"]')).to_be_visible()


def test_report_page_fits_a_phone(new_page, log_in, dataset):  # noqa: F811
    page = new_page()
    log_in(page, "manager")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/reports/time_at_level/?start=2026-03-01&end=2026-03-31")
    # the chart drawn for a phone, its smallest text at least 12 px on the screen
    chart = page.locator("svg.report-chart:visible")
    expect(chart).to_have_count(1)
    expect(chart).to_have_attribute("viewBox", re.compile(r"^0 0 360 "))
    smallest = chart.evaluate(
        "svg => Math.min(...[...svg.querySelectorAll('text')]"
        ".map(t => t.getBoundingClientRect().height).filter(h => h > 0))"
    )
    assert smallest >= 12, smallest
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.goto("/dashboard/")
    expect(page.locator("#dashboard-figures")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_the_period_and_grouping_read_whole_on_a_phone(new_page, log_in, dataset):  # noqa: F811
    """In Russian, the longest: "Последние 30 дней", "По длине периода"."""
    manager = User.objects.get(username="manager")
    manager.language = "ru"
    manager.save(update_fields=["language"])
    page = new_page()
    log_in(page, "manager")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/reports/volume/")
    # folded behind a button, the figures first; the chart starts on the first screen
    expect(page.locator("#report-filters")).to_be_hidden()
    assert page.locator("svg.report-chart:visible").bounding_box()["y"] < 844
    page.locator("#report-filters-toggle").click()
    expect(page.locator("#report-filters")).to_be_visible()
    expect(page.locator("#report-filters.collapse.show")).to_have_count(1)
    expect(page.locator("#report-filters.collapsing")).to_have_count(0)
    for name in ("period", "group"):
        assert page.evaluate(FITS, f"#report-filters select[name={name}]"), name
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
