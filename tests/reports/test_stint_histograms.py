"""Time at level from the daily histograms of the stints
(``reports.metrics.histograms``, ``StintFact`` and ``StintDay``) against the
sort of every value, on random stints, on PostgreSQL; and the stint backfill
keeps the facts and histograms as a rebuild from scratch builds them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.metrics import histograms
from reports.metrics.base import ReportFilter
from reports.metrics.times import _HOW, _stint_figures, _stints_sorted
from reports.models import LevelStint, StintDay, StintFact
from reports.services.rollups import rollups_rebuild
from tests.reports.conftest import tickets_inserted
from tests.reports.test_stints import clock, journey  # noqa: F401  (fixtures)
from tickets.models import Team

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the histograms are kept on PostgreSQL"
    ),
]
TICKETS, STINTS = 12, 30
BASE = datetime(2026, 3, 2, tzinfo=UTC)
COUNTS = {name: str(how) for name, how in _HOW.items()}

seconds = st.one_of(
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=400_000),
    st.sampled_from([3600, 7200]),  # ties
)
stints = st.lists(
    st.tuples(
        st.floats(min_value=0, max_value=30 * 86400, allow_nan=False),  # left, after BASE
        seconds,  # wall
        st.one_of(st.none(), seconds),  # business
        st.sampled_from(["L1", "L2", "L3"]),
        st.sampled_from([0, 1, None]),  # team
        st.sampled_from(["escalated", "resolved", "transferred", "de_escalated", ""]),
        st.booleans(),  # still open (the ticket's first stint only)
    ),
    min_size=STINTS,
    max_size=STINTS,
)
periods = st.tuples(
    st.floats(min_value=-5 * 86400, max_value=40 * 86400, allow_nan=False),  # start after BASE
    st.floats(min_value=3600, max_value=90 * 86400, allow_nan=False),  # length
    st.sampled_from(["day", "week", "month"]),
    st.sampled_from(["all", "teams", "team"]),
    st.sampled_from(["", "L2"]),
)


@pytest.fixture
def stint_tickets(network_path):
    teams = list(Team.objects.order_by("pk").values_list("pk", flat=True)[:2])
    with connection.cursor() as cursor:
        tickets = tickets_inserted(cursor, title="Stints", status="open", at=BASE, count=TICKETS)
    return {"teams": teams, "tickets": tickets}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=stints, period=periods)
def test_time_at_level_from_histograms_equals_the_sort(stint_tickets, data, period):
    teams, tickets = stint_tickets["teams"], stint_tickets["tickets"]
    LevelStint.objects.all().delete()
    rows = []
    for index, (left, wall, business, level, team, how, still_open) in enumerate(data):
        left_at = BASE + timedelta(seconds=left)
        is_open = still_open and index < TICKETS
        rows.append(
            LevelStint(
                ticket_id=tickets[index % TICKETS],
                level=level,
                team_id=None if team is None else teams[team],
                entered_at=left_at - timedelta(seconds=wall),
                left_at=None if is_open else left_at,
                how_left="" if is_open else how,
                wall_seconds=None if is_open else wall,
                business_seconds=None if is_open else business,
                ticket_created_at=BASE,
            )
        )
    LevelStint.objects.bulk_create(rows)
    list(rollups_rebuild(from_scratch=True))
    offset, length, group, scope, level = period
    start = BASE + timedelta(seconds=offset)
    f = ReportFilter(
        start=start,
        end=start + timedelta(seconds=length),
        group=group,
        teams=tuple(teams[:1]) if scope == "teams" else None,
        team=teams[1] if scope == "team" else None,
        level=level,
    )
    assert histograms.answers(f, histograms.STINTS_ENDED)
    assert histograms.stint_percentiles(f, COUNTS) == _stints_sorted(f)


def test_time_at_level_from_histograms_over_an_empty_period(stint_tickets):
    for start, end in ((BASE, BASE), (BASE + timedelta(hours=1), BASE)):
        f = ReportFilter(start=start, end=end)
        assert histograms.stint_percentiles(f, COUNTS) == _stints_sorted(f) == ([], [])


def stint_rows() -> set[tuple]:
    return set(
        StintDay.objects.exclude(n=0).values_list("day", "team_id", "level", "kind", "bin", "n")
    )


def test_the_backfill_keeps_the_stint_facts_and_histograms(journey):  # noqa: F811
    kept, facts = stint_rows(), StintFact.objects.count()
    assert facts == LevelStint.objects.filter(left_at__isnull=False).count() == 4
    assert {row[3] for row in kept} >= {"n", "escalated", "de_escalated", "business", "wall"}
    StintDay.objects.all().delete()
    LevelStint.objects.all().delete()  # and their facts
    call_command("backfill_stints", "--batch-size", "1")
    backfilled = stint_rows()
    assert backfilled == kept
    list(rollups_rebuild(from_scratch=True))
    assert stint_rows() == backfilled
    whole = ReportFilter(start=BASE, end=BASE + timedelta(days=7))
    assert histograms.answers(whole, histograms.STINTS_ENDED)
    assert _stint_figures(whole) == _stints_sorted(whole)
    assert _stint_figures(whole)[1][0]["stints"] == 3  # L1: three stints ended
