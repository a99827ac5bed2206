"""The one-sort percentiles of the reports (``percentile_cont`` over an
array of fractions, per bucket and for the whole period with grouping sets)
against plain ``percentile_cont(0.5)`` and ``percentile_cont(0.9)`` per group,
on random data, on PostgreSQL (SQLite runs plain ``percentile_cont``)."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.metrics.percentiles import grouped_sql, grouping_sets_supported

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
