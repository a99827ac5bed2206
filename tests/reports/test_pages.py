"""Report pages, downloads, drill-down and the manager dashboard."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.metrics import REPORTS
from tests.factories import UserFactory
from tickets.models import User

PARAMS = {"start": "2026-03-01", "end": "2026-03-31", "group": "week"}


@pytest.fixture
def manager(dataset, client):
    user = User.objects.get(username="manager")
    client.force_login(user)
    return user


def test_agents_and_requesters_are_refused(dataset, client, requester):
    for user in (User.objects.get(username="agent1"), requester):
        client.force_login(user)
        for name in ("index", "dashboard"):
            assert (
                client.get(f"/{'reports' if name == 'index' else 'dashboard'}/").status_code == 403
            )
        assert client.get("/reports/volume/", PARAMS).status_code == 403
        assert client.get("/reports/volume/export.csv", PARAMS).status_code == 403


def test_report_page_shows_chart_table_and_figures(manager, client):
    page = client.get("/reports/volume/", PARAMS)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg class="report-chart"' in html
    assert "2026-03-09" in html
    assert ">4<" in html
    assert 'class="drill"' in html


def test_a_period_in_the_table_is_not_broken_at_its_hyphens(manager, client):
    html = client.get("/reports/volume/", PARAMS).content.decode()
    table = html.split('id="report-table"')[1]
    assert '<span class="text-nowrap">2026-03-09</span>' in table


def test_the_funnels_total_is_named_for_what_it_counts(manager, client, dataset):
    html = client.get("/reports/funnel/", PARAMS).content.decode()
    summary = html.split('id="report-summary"')[1].split("</dl>")[0]
    assert "Tickets opened in the period" in summary
    assert "Tickets reaching it" not in summary  # the column's name: one level's tickets


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_page_renders(manager, client, name):
    assert client.get(f"/reports/{name}/", PARAMS).status_code == 200


def test_bad_filters_are_400_with_field_messages(manager, client):
    page = client.get("/reports/volume/", {"start": "2026-03-31", "end": "2026-03-01"})
    assert page.status_code == 400
    body = page.content.decode()
    assert "The period ends before it starts." in body
    assert '<h1 class="h3 mb-3" id="report-title">Escalation volume</h1>' in body
    assert client.get("/reports/volume/", {"group": "year"}).status_code == 400
    # A day that is no date is said once: not also "give the first day"
    impossible = client.get("/reports/sla/", {"start": "2026-02-31", "end": "2026-03-01"})
    assert impossible.status_code == 400
    body = impossible.content.decode()
    assert body.count("Enter a valid date.") == 1
    assert "Give the first day of the period." not in body
    assert client.get("/reports/nope/").status_code == 404


def test_a_manager_reports_only_on_his_teams(dataset, client):
    teams = dataset["teams"]
    lead = UserFactory(username="l1lead")
    teams["L1"].manager = lead
    teams["L1"].save()
    client.force_login(lead)
    page = client.get("/reports/volume/", {**PARAMS, "team": teams["L3"].pk})
    assert page.status_code == 400  # not one of his teams
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get("/reports/volume/export.csv", PARAMS).content.decode("utf-8-sig")
            )
        )
    )
    # t1, t3 (Service Desk) only: e1 and the rejected request, in the weeks of
    # 2 and 9 March; the other weeks March touches are listed empty.
    assert [row[1] for row in csv_rows[1:]] == ["0", "1", "1", "0", "0", "0"]


def test_csv_and_xlsx_match_the_page(manager, client):
    report = REPORTS["time_at_level"]
    page = client.get("/reports/time_at_level/", PARAMS)
    rows = page.context["report"].rows
    text = client.get("/reports/time_at_level/export.csv", PARAMS)
    assert text["Content-Type"].startswith("text/csv")
    # the period in the name; a byte-order mark for spreadsheets; units in the headings
    assert text["Content-Disposition"] == (
        'attachment; filename="escalade-time_at_level-2026-03-01-2026-03-31.csv"'
    )
    assert text.content.startswith("\ufeff".encode())
    parsed = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert parsed[0][:3] == ["Period", "Level", "Stints ended"]
    assert parsed[0][6] == "Business time, median (seconds)"
    assert [(r[1], int(r[2]), int(r[6])) for r in parsed[1:]] == [
        (r["level"], r["stints"], r["business_median"]) for r in rows
    ]
    book = load_workbook(
        io.BytesIO(client.get("/reports/time_at_level/export.xlsx", PARAMS).content)
    )
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0][:3]) == ["Period", "Level", "Stints ended"]
    assert [(r[1], r[2], r[6]) for r in values[1:]] == [
        (r["level"], r["stints"], r["business_median"]) for r in rows
    ]
    assert report.__name__ == "time_at_level"


def test_drill_down_lists_the_tickets_behind_a_figure(manager, client, dataset):
    t1, t2, t3, *_ = dataset["tickets"]
    page = client.get("/reports/volume/tickets/", {**PARAMS, "bucket": "2026-03-09"})
    assert page.status_code == 200
    assert {t.pk for t in page.context["page"]} == {t2.pk, t3.pk}
    assert "<time datetime=" in page.content.decode()
    level = client.get("/reports/funnel/tickets/", {**PARAMS, "level": "L3"})
    assert [t.pk for t in level.context["page"]] == [t2.pk]
    breached = client.get("/reports/sla/tickets/", {**PARAMS, "metric": "next_update"})
    assert [t.pk for t in breached.context["page"]] == [t1.pk]
    assert client.get("/reports/volume/tickets/", {**PARAMS, "bucket": "soon"}).status_code == 400
    assert client.get("/reports/funnel/tickets/", {**PARAMS, "level": "L9"}).status_code == 400


def test_report_page_and_drill_query_counts(manager, client, django_assert_num_queries):
    # Session, user, his teams, the report, the nav's team check, the filter's choices (3).
    with django_assert_num_queries(8):
        client.get("/reports/volume/", PARAMS)
    with django_assert_num_queries(6):
        client.get("/reports/volume/tickets/", {**PARAMS, "bucket": "2026-03-09"})
    with django_assert_num_queries(11):
        client.get("/dashboard/")


def test_managers_start_on_their_dashboard(manager, client):
    assert client.get("/home/").url == "/dashboard/"
    page = client.get("/dashboard/")
    assert page.status_code == 200
    figures = page.context["d"]
    assert figures["open_escalations"] == 1  # t4's active escalation
    assert figures["reviews_due"] == 1
    client.force_login(User.objects.get(username="agent1"))
    assert client.get("/home/").url == "/"


def test_dashboard_counts_breached_and_at_risk_now(manager, client, dataset):
    from escalations.models import SlaClock

    t4 = dataset["tickets"][3]
    now = timezone.now()
    SlaClock.objects.filter(ticket=t4, metric="resolution").update(
        warn_at=now - timedelta(minutes=5), due_at=now + timedelta(hours=1)
    )
    SlaClock.objects.filter(ticket=t4, metric="next_update").update(
        due_at=now - timedelta(minutes=1)
    )
    page = client.get("/dashboard/")
    figures = page.context["d"]
    assert (figures["breached_now"], figures["at_risk"]) == (1, 1)
    assert [c.ticket_id for c in figures["worst"]] == [t4.pk]
    # The due time reads like every other time in the desk, the exact time on hover.
    worst = page.content.decode().split('id="worst-tickets"', 1)[1]
    assert "overdue by" in worst
    assert "<time datetime=" in worst
    # Each figure leads to the tickets behind it, in the queue (which reads the
    # earliest due time the clock services keep on the ticket: set by hand here too).
    type(t4).objects.filter(pk=t4.pk).update(sla_due_at=now - timedelta(minutes=1))
    body = page.content.decode()
    for state, ticket in (("breached", t4), ("at_risk", t4)):
        assert f'href="/?sla_status={state}"' in body
        queue = client.get(f"/?sla_status={state}")
        assert queue.status_code == 200
        assert ticket.reference in queue.content.decode(), state


def test_demo_history_feeds_every_report(db, settings, admin_client):
    from django.core.management import call_command

    from reports.models import LevelStint, SurveyResponse

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert LevelStint.objects.filter(left_at__isnull=False).count() > 150
    # The history is in the past: nothing opened or escalated "in 6 hours".
    from escalations.models import Escalation
    from tickets.models import Ticket

    now = timezone.now()
    past = Ticket.objects.filter(description="A past ticket kept for the reports.")
    assert past.count() == 150
    assert not past.filter(created_at__gt=now - timedelta(days=2)).exists()
    assert not past.filter(closed_at__gt=now).exists()
    assert not Escalation.objects.filter(created_at__gt=now).exists()
    # an escalation by hand names who asked for it
    assert not Escalation.objects.filter(trigger="manual", requested_by=None).exists()
    assert SurveyResponse.objects.filter(rating__isnull=False).exists()
    # Business time is part of the wall time: no clock used more than it ran.
    from escalations.models import SlaClock

    for clock in SlaClock.objects.filter(ticket__in=past):
        assert clock.business_used <= clock.met_at - clock.started_at, clock
    # Written in bulk, the history is in the facts the reports read all the same.
    from reports.models import EscalationFact
    from reports.services.rollups import rollups_rebuild

    assert EscalationFact.objects.count() == Escalation.objects.count()
    assert sum(step.rows for step in rollups_rebuild()) == 0  # nothing left to add
    for name in REPORTS:
        page = admin_client.get(f"/reports/{name}/", {"period": "quarter"})
        assert page.status_code == 200
        assert page.context["report"].rows, name


def test_report_lists_call_each_report_by_its_title_in_the_readers_language(manager, client):
    for name in REPORTS:
        page = client.get(f"/reports/{name}/", PARAMS)
        labels = dict(page.context["reports"])
        assert str(labels[name]) == str(page.context["report"].title)
    manager.language = "pl"
    manager.save(update_fields=["language"])
    html = client.get("/reports/", PARAMS).content.decode()
    listing = html.split('id="report-list"', 1)[1]
    assert "Escalation volume" not in listing
    assert "Escalations per day" not in listing  # no longer the code's own description


def test_the_page_table_leaves_out_empty_periods_the_chart_and_csv_keep(dataset, manager, client):
    page = client.get("/reports/volume/", PARAMS)
    html = page.content.decode()
    table = html[html.index('id="report-table"') :]
    assert table.count('data-label="Period"') == 3  # weeks of 2, 9 and 16 March
    assert "3 periods without any are left out of this table" in table
    assert len(page.context["report"].rows) == 6  # drawn, and downloaded
    csv_rows = (
        client.get("/reports/volume/export.csv", PARAMS).content.decode("utf-8-sig").splitlines()
    )
    assert len(csv_rows) == 1 + 6
