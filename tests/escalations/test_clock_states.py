"""The SLA clock state table, its groups, and the migration that introduced it."""

import importlib
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from escalations import clockstates
from escalations.clockstates import ClockEvent, ClockMoveError, ClockState, clock_move
from escalations.models import SlaClock

S, E = ClockState, ClockEvent

# The moves a clock may make, written out independently of the table.
EXPECTED = {
    (None, E.START): S.RUNNING,
    (None, E.START_PAUSED): S.PAUSED,
    (S.RUNNING, E.PAUSE): S.PAUSED,
    (S.RUNNING, E.WARN): S.RUNNING,
    (S.RUNNING, E.BREACH): S.BREACHED_RUNNING,
    (S.RUNNING, E.MEET): S.MET,
    (S.RUNNING, E.RETARGET): S.RUNNING,
    (S.PAUSED, E.RESUME): S.RUNNING,
    (S.PAUSED, E.MEET): S.MET,
    (S.PAUSED, E.RETARGET): S.PAUSED,
    (S.MET, E.REOPEN): S.RUNNING,
    (S.BREACHED_RUNNING, E.PAUSE): S.BREACHED_PAUSED,
    (S.BREACHED_RUNNING, E.MEET): S.BREACHED_MET,
    (S.BREACHED_PAUSED, E.RESUME): S.BREACHED_RUNNING,
    (S.BREACHED_PAUSED, E.MEET): S.BREACHED_MET,
    (S.BREACHED_MET, E.REOPEN): S.BREACHED_RUNNING,
    # A new cycle starts from any state.
    **{(state, E.START): S.RUNNING for state in S},
    **{(state, E.START_PAUSED): S.PAUSED for state in S},
}
ALL_MOVES = list(product([None, *S], E))


@pytest.mark.parametrize(("state", "event"), [m for m in ALL_MOVES if m in EXPECTED])
def test_declared_moves_lead_where_expected(state, event):
    assert clock_move(state, event) == EXPECTED[(state, event)]
    assert clockstates.can_move(state, event)


@pytest.mark.parametrize(("state", "event"), [m for m in ALL_MOVES if m not in EXPECTED])
def test_undeclared_moves_are_refused(state, event):
    assert not clockstates.can_move(state, event)
    with pytest.raises(ClockMoveError):
        clock_move(state, event)


def test_an_unknown_state_is_refused():
    with pytest.raises(ClockMoveError):
        clock_move("breached", E.MEET)


def test_groups_agree_with_the_table():
    assert clockstates.states_allowing(E.PAUSE) == clockstates.COUNTING
    assert clockstates.states_allowing(E.RETARGET) == clockstates.OPEN
    assert clockstates.states_allowing(E.REOPEN) == clockstates.ENDED
    assert clockstates.states_allowing(E.MEET) == set(S) - clockstates.ENDED
    assert clockstates.states_allowing(E.BREACH) == {S.RUNNING}
    assert {s for s in S if clockstates.public_status(s) == "breached"} == clockstates.BREACHED


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (S.RUNNING, "running"),
        (S.PAUSED, "paused"),
        (S.MET, "met"),
        (S.BREACHED_RUNNING, "breached"),
        (S.BREACHED_PAUSED, "breached"),
        (S.BREACHED_MET, "breached"),
    ],
)
def test_clients_see_the_four_statuses(state, status):
    assert SlaClock(state=state).status == status


# --- the migration from status and timestamps -------------------------------------------

migration = importlib.import_module("escalations.migrations.0005_clock_state")


# (met_at, paused_at, resumed_at) set -> state, for a clock stored as breached.
BREACHED_AS = {
    (False, False, False): "breached_paused",  # not counting: paused
    (False, False, True): "breached_running",
    (False, True, False): "breached_paused",
    (False, True, True): "breached_running",  # the old arithmetic counted it
    (True, False, False): "breached_met",
    (True, False, True): "breached_met",
    (True, True, False): "breached_met",
    (True, True, True): "breached_met",
}


@pytest.mark.parametrize(
    ("status", "met", "paused", "resumed", "state"),
    [
        (status, met, paused, resumed, status)
        for status in ("running", "paused", "met")
        for met, paused, resumed in BREACHED_AS
    ]
    + [("breached", *columns, state) for columns, state in BREACHED_AS.items()],
)
def test_migration_maps_every_old_combination(status, met, paused, resumed, state):
    assert migration.state_for(status, met=met, paused=paused, resumed=resumed) == state


def test_migration_reads_what_the_old_code_wrote():
    # The combinations the old services produced, as they produced them.
    cases = {
        ("running", False, False, True): "running",
        ("paused", False, True, False): "paused",
        ("met", True, False, False): "met",
        ("breached", False, False, True): "breached_running",  # overrun counting
        ("breached", False, True, False): "breached_paused",  # pending after a breach
        ("breached", True, False, False): "breached_met",  # met late
        ("breached", True, True, False): "breached_met",  # resolved while pending
    }
    for (status, met, paused, resumed), state in cases.items():
        assert migration.state_for(status, met=met, paused=paused, resumed=resumed) == state


@pytest.mark.django_db(transaction=True)
def test_migration_fills_the_state_of_stored_clocks_and_back(agent):
    from tests.factories import TicketFactory

    before, after = (
        ("escalations", "0004_targets_at_most_a_year"),
        ("escalations", "0005_clock_state"),
    )
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    rows = {
        "first_response": ("breached", now, None, None),
        "resolution": ("breached", None, now, None),
        "next_update": ("breached", None, None, now),
        "level": ("paused", None, now, None),
    }
    ticket = TicketFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps.get_model("escalations", "SlaClock")
        for metric, (status, met_at, paused_at, resumed_at) in rows.items():
            old.objects.create(
                ticket_id=ticket.pk,
                metric=metric,
                status=status,
                target=timedelta(hours=1),
                started_at=now,
                met_at=met_at,
                paused_at=paused_at,
                resumed_at=resumed_at,
            )
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        states = dict(SlaClock.objects.values_list("metric", "state"))
        assert states == {
            "first_response": "breached_met",
            "resolution": "breached_paused",
            "next_update": "breached_running",
            "level": "paused",
        }
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps.get_model("escalations", "SlaClock")
        assert set(old.objects.values_list("status", flat=True)) == {"breached", "paused"}
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- arithmetic by state (escalations.clocks, pure) ----------------------------------------


@pytest.mark.parametrize(
    ("state", "counts"),
    [
        (S.RUNNING, True),
        (S.BREACHED_RUNNING, True),
        (S.PAUSED, False),
        (S.BREACHED_PAUSED, False),
        (S.MET, False),
        (S.BREACHED_MET, False),
    ],
)
def test_only_counting_states_consume_business_time(state, counts):
    from escalations import businesstime, clocks

    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    clock = SlaClock(state=state, target=timedelta(hours=1), business_used=timedelta(minutes=50))
    clock.resumed_at = start
    used = clocks.used(clock, start + timedelta(minutes=30), businesstime.ALWAYS_OPEN)
    assert used == timedelta(minutes=80 if counts else 50)
    left = clocks.remaining(clock, start + timedelta(minutes=30), businesstime.ALWAYS_OPEN)
    assert left == timedelta(minutes=-20 if counts else 10)
