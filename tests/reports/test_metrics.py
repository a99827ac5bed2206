"""Every report against figures computed by hand on the fixed data set
(``conftest.dataset``), and the number of queries each one takes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalations.services.config import policies
from reports.metrics import REPORTS
from reports.metrics.approvals import approvals, csat
from reports.metrics.base import ReportFilter
from reports.metrics.quality import quality, root_causes, train_on
from reports.metrics.repeats import repeats
from reports.metrics.sla import sla
from reports.metrics.sqlite import percentile_cont
from reports.metrics.times import resolution_time, time_at_level
from reports.metrics.volume import funnel, volume
from tests.reports.conftest import NOW, march

pytestmark = pytest.mark.django_db


def by(rows, key):
    return {row[key]: row for row in rows}


def test_percentile_cont_interpolates_as_postgresql_does():
    assert percentile_cont([1800, 1800, 3600, 7200, 10200], 0.5) == 3600
    assert percentile_cont([1800, 1800, 3600, 7200, 10200], 0.9) == 9000
    assert percentile_cont([1800, 7200], 0.9) == 6660
    assert percentile_cont([], 0.5) is None


def test_volume_by_week_in_utc_and_in_tokyo(dataset):
    report = volume(march(group="week"))
    # every week March touches, those without escalations too (1 March is a Sunday)
    assert [(r["bucket"].date(), r["total"]) for r in report.rows] == [
        (date(2026, 2, 23), 0),
        (date(2026, 3, 2), 1),
        (date(2026, 3, 9), 4),
        (date(2026, 3, 16), 1),
        (date(2026, 3, 23), 0),
        (date(2026, 3, 30), 0),
    ]
    assert report.summary == {
        "total": 6,
        "functional": 5,
        "hierarchical": 1,
        "time_limit": 2,
        "sla_breach": 0,
        "severity": 1,
        "manual": 3,
    }
    # Sunday 16:30 UTC is Monday 01:30 in Tokyo: the rejected request changes week.
    tokyo = volume(march(group="week", time_zone="Asia/Tokyo"))
    assert [(r["bucket"].date(), r["total"]) for r in tokyo.rows] == [
        (date(2026, 2, 23), 0),
        (date(2026, 3, 2), 1),
        (date(2026, 3, 9), 3),
        (date(2026, 3, 16), 2),
        (date(2026, 3, 23), 0),
        (date(2026, 3, 30), 0),
    ]
    assert {r["bucket"].utcoffset() for r in tokyo.rows} == {timedelta(hours=9)}


def test_volume_by_month_and_filters(dataset):
    assert [r["total"] for r in volume(march(group="month")).rows] == [6]
    assert volume(march(priority="P1")).summary["total"] == 3
    assert volume(march(organization=dataset["tickets"][2].organization_id)).summary["total"] == 1
    assert volume(march(level="L3")).summary["total"] == 1
    l3 = dataset["teams"]["L3"].pk
    assert volume(march(teams=(l3,))).summary["total"] == 3  # t2 is Senior Architects'


def test_funnel_counts_tickets_reaching_each_level_and_bounce_backs(dataset):
    report = funnel(march())
    assert [(r["level"], r["tickets"], r["share"], r["bounced"]) for r in report.rows] == [
        ("L1", 4, 100.0, 0),
        ("L2", 3, 75.0, 1),
        ("L3", 1, 25.0, 0),
        ("MGMT", 0, 0.0, 0),
    ]
    assert report.summary == {"tickets": 4, "bounce_backs": 1, "tickets_bounced": 1}


def test_time_at_level_medians_and_p90_without_pending(dataset):
    summary = time_at_level(march()).summary
    assert {k: summary["L1"][k] for k in ("stints", "business_median", "business_p90")} == {
        "stints": 5,
        "business_median": 3600,
        "business_p90": 9000,
    }
    assert (summary["L2"]["business_median"], summary["L2"]["business_p90"]) == (4500, 6660)
    assert (summary["L2"]["wall_median"], summary["L2"]["wall_p90"]) == (4800, 6720)
    assert (summary["L3"]["business_median"], summary["L3"]["business_p90"]) == (16200, 26280)
    assert (summary["L3"]["wall_median"], summary["L3"]["wall_p90"]) == (18900, 31140)


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Warsaw"])
def test_time_to_resolve_counts_the_reopened_ticket_to_its_last_resolution(dataset, time_zone):
    # In UTC from the daily histograms on PostgreSQL; elsewhere every value sorted.
    summary = resolution_time(march(time_zone=time_zone)).summary
    assert summary == {
        "tickets": 3,
        "business_median": 13800,
        "business_p90": 40200,
        "wall_median": 14400,
        "wall_p90": 77760,
    }


def test_sla_attainment_breaches_and_now(dataset):
    rows = by(sla(march(), now=NOW).rows, "metric")
    assert [
        (m, rows[m]["targets"], rows[m]["breaches"], rows[m]["attainment"])
        for m in ("first_response", "next_update", "resolution")
    ] == [
        ("first_response", 4, 1, 75.0),
        ("next_update", 4, 1, 75.0),
        ("resolution", 3, 1, 66.7),
    ]
    assert rows["resolution"]["at_risk"] == 1
    assert rows["next_update"]["breached_now"] == 1


def test_sla_report_stays_true_after_the_policy_is_edited(dataset):
    before = sla(march(), now=NOW).as_dict()
    policies.sla_policy_save(policy=dataset["policy"], data={"resolution_minutes": 200})
    assert sla(march(), now=NOW).as_dict() == before


def test_repeat_escalations(dataset):
    report = repeats(march())
    assert [
        (r["organization_name"], r["category_name"], r["tickets"], r["repeated"])
        for r in report.rows
    ] == [("Acme", "VPN", 3, 2)]  # t2 8 days after t1, t4 10 days after t2
    assert report.summary == {"tickets_escalated_more_than_once": 1}


def test_review_quality_by_receiving_level(dataset):
    report = quality(march(), now=NOW)
    rows = by(report.rows, "level")
    assert (rows["L2"]["handoff_quality"], rows["L2"]["effectiveness"]) == (4.0, 5.0)
    assert (rows["L3"]["handoff_quality"], rows["L3"]["completion"]) == (2.0, 100.0)
    assert (rows["MGMT"]["submitted"], rows["MGMT"]["overdue"]) == (0, 1)
    assert report.summary == {"requested": 3, "completion": 66.7, "overdue": 1}


def test_root_causes_and_what_to_train_on(dataset):
    assert [(r["cause"], r["reviews"], r["share"]) for r in root_causes(march()).rows] == [
        ("configuration", 1, 50.0),
        ("network", 1, 50.0),
    ]
    top = train_on(march()).rows
    assert (top[0]["category_name"], top[0]["level"], top[0]["cause"], top[0]["escalations"]) == (
        "VPN",
        "L1",
        "",
        2,
    )
    assert sum(r["escalations"] for r in top) == 6


def test_approvals_and_time_to_decide(dataset):
    assert approvals(march()).summary == {
        "requested": 2,
        "approved": 1,
        "rejected": 1,
        "withdrawn": 0,
        "waiting": 0,
        "decide_median": 4500,
        "decide_p90": 6660,
    }
    rows = approvals(march(group="week")).rows
    assert [row["bucket"].date() for row in rows] == [
        date(2026, 2, 23) + timedelta(weeks=n) for n in range(6)
    ]
    assert sum(row["requested"] for row in rows) == 2
    empty = next(row for row in rows if not row["requested"])
    assert (empty["approved"], empty["decide_median"]) == (0, None)


def test_time_to_resolve_lists_weeks_without_resolutions_with_no_times(dataset):
    rows = resolution_time(march(group="week")).rows
    assert len(rows) == 6
    assert all(row["business_median"] is None for row in rows if not row["tickets"])
    assert any(row["tickets"] for row in rows)


def test_customer_satisfaction_by_team_and_level(dataset):
    report = csat(march())
    rows = by(report.rows, "team_name")
    assert (rows["Service Desk"]["score"], rows["Service Desk"]["response_rate"]) == (3.5, 100.0)
    assert rows["Service Desk"]["satisfied_share"] == 50.0
    assert (rows["Senior Architects"]["answered"], rows["Senior Architects"]["score"]) == (0, None)
    assert (report.summary["sent"], report.summary["response_rate"]) == (3, 66.7)


QUERIES = {
    "volume": 1,
    "funnel": 1,
    "time_at_level": 2,
    "resolution_time": 2,
    "sla": 2,
    "repeats": 2,
    "quality": 1,
    "csat": 2,
    "root_causes": 1,
    "train_on": 2,
    "approvals": 2,
}


# On PostgreSQL the percentiles per bucket and overall come from one query
# (grouping sets); SQLite runs two. Time at level and time to resolve read the
# daily histograms there (the bin counts, then the values of the bins holding
# the ranks) when they can answer, else they sort in one query.
ON_POSTGRESQL = {"time_at_level": 2, "resolution_time": 2, "approvals": 1}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_query_count_is_fixed(dataset, django_assert_num_queries, name):
    from reports.metrics.percentiles import grouping_sets_supported

    expected = QUERIES[name]
    if grouping_sets_supported():
        expected = ON_POSTGRESQL.get(name, expected)
    with django_assert_num_queries(expected):
        REPORTS[name](march())


def test_times_without_histograms_take_one_query_on_postgresql(dataset, django_assert_num_queries):
    from reports.metrics.percentiles import grouping_sets_supported

    if not grouping_sets_supported():
        pytest.skip("PostgreSQL")
    with django_assert_num_queries(1):
        resolution_time(march(time_zone="Asia/Tokyo"))
    with django_assert_num_queries(1):
        time_at_level(march(category=dataset["tickets"][0].category_id))


def test_reports_can_be_limited_to_a_data_region(dataset, client):
    from tickets.models import Organization

    beta = dataset["tickets"][2].organization
    Organization.objects.filter(pk=beta.pk).update(data_region="us")
    Organization.objects.exclude(pk=beta.pk).update(data_region="eu")
    assert volume(march(region="us")).summary["total"] == 1
    assert volume(march(region="eu")).summary["total"] == volume(march()).summary["total"] - 1
    from tickets.models import User

    client.force_login(User.objects.get(username="manager"))
    answer = client.get("/api/v1/reports/volume/", {"region": "mars"})
    assert answer.status_code == 400
    assert "region" in answer.json()


def test_time_at_level_counts_follow_the_sun_hand_overs(dataset):
    from reports.models import LevelStint
    from reports.services.rollups import facts_refresh

    t3 = dataset["tickets"][2]
    stint = LevelStint.objects.get(ticket=t3)
    LevelStint.objects.filter(pk=stint.pk).update(how_left="transferred")
    facts_refresh(ticket_ids=[t3.pk])  # written straight to the table: its facts follow
    rows = time_at_level(march()).rows
    assert sum(r["handed_over"] for r in rows) == 1
    assert sum(r["resolved"] for r in rows) == 3  # t1's L1, t2's two L3 stints


@pytest.mark.parametrize(
    ("group", "zone", "first", "count"),
    [
        ("day", "UTC", date(2026, 3, 1), 31),
        # March in UTC ends at 02:00 on 1 April in Warsaw; 29 March has 23 hours there
        ("day", "Europe/Warsaw", date(2026, 3, 1), 32),
        ("week", "America/New_York", date(2026, 2, 23), 6),  # from 28 February, 19:00
        ("month", "Australia/Sydney", date(2026, 3, 1), 2),
    ],
)
def test_time_series_list_every_day_week_or_month_of_the_period(dataset, group, zone, first, count):
    report = volume(march(group=group, time_zone=zone))
    rows = report.rows
    starts = [row["bucket"] for row in rows]
    assert len(rows) == count
    assert starts[0].astimezone(ZoneInfo(zone)).date() == first
    assert starts == sorted(starts)
    assert all(start.astimezone(ZoneInfo(zone)).time() == datetime.min.time() for start in starts)
    assert len({start.astimezone(ZoneInfo(zone)).date() for start in starts}) == count
    assert sum(row["total"] for row in rows) == report.summary["total"] == 6


def test_an_empty_period_is_a_row_of_zeros_per_bucket(db):
    start = datetime(2026, 3, 1, tzinfo=UTC)
    f = ReportFilter(start=start, end=start + timedelta(days=3), group="day")
    assert [(r["bucket"].date(), r["total"], r["functional"]) for r in volume(f).rows] == [
        (date(2026, 3, 1), 0, 0),
        (date(2026, 3, 2), 0, 0),
        (date(2026, 3, 3), 0, 0),
    ]
