"""The one-sort percentiles of the reports (``percentile_cont`` over an
array of fractions, per bucket and for the whole period with grouping sets)
against plain ``percentile_cont(0.5)`` and ``percentile_cont(0.9)`` per group,
on random data, on PostgreSQL (SQLite runs plain ``percentile_cont``)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.metrics.percentiles import grouped_sql, grouping_sets_supported
from tests.reports.conftest import tickets_inserted

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not grouping_sets_supported(), reason="grouping sets: PostgreSQL"),
]

seconds = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=400_000).map(float),
    st.floats(min_value=0, max_value=3e7, allow_nan=False, allow_infinity=False),
)
rows = st.lists(
    st.tuples(st.integers(0, 4), st.sampled_from(["L1", "L2", "L3"]), seconds, seconds),
    min_size=1,
    max_size=60,
)


def _values(data):
    sql = ", ".join("(%s::int, %s::varchar, %s::float8, %s::float8)" for _ in data)
    params = [value for row in data for value in row]
    return f"SELECT * FROM (VALUES {sql}) v(bucket, level, business, wall)", params  # noqa: S608


def _plain(data, keys):
    inner, params = _values(data)
    group = f"GROUP BY {', '.join(keys)}" if keys else ""
    pct = ", ".join(
        f"percentile_cont({fraction}) WITHIN GROUP (ORDER BY {value}) AS {value}_{suffix}"
        for value in ("business", "wall")
        for suffix, fraction in (("median", 0.5), ("p90", 0.9))
    )
    select = ", ".join([*keys, "COUNT(*) AS n", pct])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM ({inner}) x {group}", params)  # noqa: S608
        names = [column.name for column in cursor.description]
        return {
            tuple(row[: len(keys)]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()
        }


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=rows)
def test_one_sort_percentiles_equal_plain_percentile_cont(data):
    inner, params = _values(data)
    found = grouped_sql(inner, params, sets=[("bucket", "level"), ("level",)])
    by_set = {
        ("bucket", "level"): _plain(data, ["bucket", "level"]),
        ("level",): _plain(data, ["level"]),
    }
    assert len(found) == sum(len(groups) for groups in by_set.values())
    for row in found:
        keys = ("bucket", "level") if row["bucket"] is not None else ("level",)
        expected = by_set[keys][tuple(row[key] for key in keys)]
        assert {k: row[k] for k in expected} == expected


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=rows)
def test_one_sort_percentiles_for_the_whole_period(data):
    inner, params = _values(data)
    found = grouped_sql(inner, params, sets=[("bucket",), ()])
    overall = next(row for row in found if row["bucket"] is None)
    expected = _plain(data, [])[()]
    assert {k: overall[k] for k in expected} == expected
    assert len(found) == 1 + len(_plain(data, ["bucket"]))


# Time to resolve from the daily histograms (``reports.metrics.histograms``)
# against the sort of every value, on random resolution clocks: whole and
# fractional seconds, ties, values in one bin or many, clocks not met, tickets
# without a team, periods that start and end inside a day, every bucket size
# and team scope. The rollups are rebuilt as ``manage.py rebuild_rollups`` does.

CLOCKS = 24
BASE = datetime(2026, 3, 2, tzinfo=UTC)

resolutions = st.lists(
    st.tuples(
        st.sampled_from(["met", "breached_met", "running"]),
        st.floats(min_value=0, max_value=30 * 86400, allow_nan=False),  # started after BASE
        st.one_of(  # to resolve, wall
            st.integers(min_value=0, max_value=20).map(float),
            st.integers(min_value=0, max_value=400_000).map(float),
            st.floats(min_value=0, max_value=3e6, allow_nan=False),
        ),
        st.one_of(  # business
            st.integers(min_value=0, max_value=3).map(lambda n: n * 3600.0),
            st.floats(min_value=0, max_value=2e6, allow_nan=False),
        ),
        st.sampled_from([0, 1, None]),  # team
    ),
    min_size=CLOCKS,
    max_size=CLOCKS,
)
periods = st.tuples(
    st.floats(min_value=-5 * 86400, max_value=40 * 86400, allow_nan=False),  # start after BASE
    st.floats(min_value=3600, max_value=90 * 86400, allow_nan=False),  # length
    st.sampled_from(["day", "week", "month"]),
    st.sampled_from(["all", "teams", "team"]),
)


@pytest.fixture
def resolution_clocks(network_path):
    from escalations.models import SlaPolicy
    from tickets.models import Team

    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True)[:2])
    policy = SlaPolicy.objects.create(
        name="Hypothesis", first_response_minutes=60, resolution_minutes=480
    )
    with connection.cursor() as cursor:
        tickets = tickets_inserted(
            cursor, title="Percentiles", status="resolved", at=BASE, count=CLOCKS
        )
        cursor.execute(
            """
            INSERT INTO escalations_slaclock (ticket_id, metric, state, policy_id, target,
                warning_percent, business_used, cycle, started_at, applied)
            SELECT t, 'resolution', 'running', %s, interval '8 hours', 75, interval '0', 1, %s,
                   '{}'::jsonb
            FROM unnest(%s::int[]) t RETURNING id
            """,
            [policy.pk, BASE, tickets],
        )
        clocks = [row[0] for row in cursor.fetchall()]
    return {"teams": teams, "tickets": tickets, "clocks": clocks}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=resolutions, period=periods)
def test_time_to_resolve_from_histograms_equals_the_sort(resolution_clocks, data, period):
    from reports.metrics import histograms
    from reports.metrics.base import ReportFilter
    from reports.metrics.times import _resolution_sorted
    from reports.services.rollups import rollups_rebuild

    teams = resolution_clocks["teams"]
    with connection.cursor() as cursor:
        for clock, ticket, (state, start, wall, business, team) in zip(
            resolution_clocks["clocks"], resolution_clocks["tickets"], data, strict=True
        ):
            started = BASE + timedelta(seconds=start)
            met = started + timedelta(seconds=wall) if state != "running" else None
            cursor.execute(
                "UPDATE escalations_slaclock SET state = %s, started_at = %s, met_at = %s, "
                "business_used = %s WHERE id = %s",
                [state, started, met, timedelta(seconds=business), clock],
            )
            cursor.execute(
                "UPDATE tickets_ticket SET team_id = %s WHERE id = %s",
                [None if team is None else teams[team], ticket],
            )
    list(rollups_rebuild(from_scratch=True))
    offset, length, group, scope = period
    start = BASE + timedelta(seconds=offset)
    f = ReportFilter(
        start=start,
        end=start + timedelta(seconds=length),
        group=group,
        teams=tuple(teams[:1]) if scope == "teams" else None,
        team=teams[1] if scope == "team" else None,
    )
    assert histograms.answers(f)
    assert histograms.resolution_percentiles(f) == _resolution_sorted(f)


def test_time_to_resolve_from_histograms_over_an_empty_period(resolution_clocks):
    from reports.metrics import histograms
    from reports.metrics.base import ReportFilter
    from reports.metrics.times import _resolution_sorted

    for start, end in ((BASE, BASE), (BASE + timedelta(hours=1), BASE)):
        f = ReportFilter(start=start, end=end)
        assert histograms.resolution_percentiles(f) == _resolution_sorted(f)
