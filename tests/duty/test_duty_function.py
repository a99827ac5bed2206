"""Who is on duty (``escalations.duty``): pure, no database.

Worked examples first (DST days in Europe and America, night shifts, hand-offs),
then properties on random schedules: the answer holds unchanged until the
instant it says it changes, at most one person is on call per layer and that
person is a member of the layer, overrides win, absent people are never on duty,
and a rotation hands off exactly at its local hand-off time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from escalations import businesstime as bt
from escalations.duty import (
    PERSON,
    TEAM_OFF,
    TEAM_ON,
    Absence,
    Override,
    Rotation,
    Schedule,
    duty_at,
    duty_end,
    next_duty_start,
    timeline,
)
from escalations.duty.wallclock import instant

BERLIN, NEW_YORK, SYDNEY, KOLKATA = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
)
H = timedelta(hours=1)


def local(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold)


def office(zone: str) -> bt.Calendar:
    return bt.Calendar(zone, tuple(bt.Interval(d, time(9), time(17)) for d in range(5)))


# --- worked examples ---------------------------------------------------------------


def test_office_hours_end_at_five_local_on_a_dst_day():
    # 30 March 2026 is the Monday after Europe's spring change.
    schedule = Schedule(BERLIN, office(BERLIN), frozenset({1, 2}))
    duty = duty_at(schedule, local(BERLIN, 2026, 3, 30, 10))
    assert duty.on_duty
    assert duty.people == {1, 2}
    assert duty.until == local(BERLIN, 2026, 3, 30, 17)
    assert duty_end(schedule, local(BERLIN, 2026, 3, 30, 10)) == local(BERLIN, 2026, 3, 30, 17)


def test_off_duty_team_says_when_it_starts_again():
    schedule = Schedule(NEW_YORK, office(NEW_YORK), frozenset({1}))
    friday_night = local(NEW_YORK, 2026, 3, 6, 20)
    duty = duty_at(schedule, friday_night)
    assert not duty.on_duty
    assert duty.people == frozenset()
    # The Monday after the US spring change (8 March 2026).
    assert next_duty_start(schedule, friday_night) == local(NEW_YORK, 2026, 3, 9, 9)
    assert duty_end(schedule, friday_night) is None


def test_night_shift_runs_past_midnight():
    hours = bt.Calendar(SYDNEY, (bt.Interval(5, time(22), time(6)),))
    schedule = Schedule(SYDNEY, hours, frozenset({7}))
    duty = duty_at(schedule, local(SYDNEY, 2026, 4, 5, 1))  # Sunday 01:00, DST ends at 03:00
    assert duty.on_duty
    assert duty.until == local(SYDNEY, 2026, 4, 5, 6)


def test_daily_rotation_hands_off_at_nine_local_across_the_autumn_change():
    rotation = Rotation(1, (1, 2, 3), timedelta(days=1), time(9), date(2026, 10, 23))
    schedule = Schedule(BERLIN, rotations=(rotation,))
    saturday = duty_at(schedule, local(BERLIN, 2026, 10, 24, 12))
    assert saturday.primary == 2
    assert saturday.changes_at == local(BERLIN, 2026, 10, 25, 9)
    sunday = duty_at(schedule, saturday.changes_at)
    assert sunday.primary == 3
    # The shift spanning the change lasts 25 hours of real time.
    assert saturday.changes_at - local(BERLIN, 2026, 10, 24, 9) == 25 * H


def test_hand_off_in_the_skipped_hour_happens_when_the_clocks_jump():
    rotation = Rotation(1, (1, 2), timedelta(days=1), time(2, 30), date(2026, 3, 28))
    schedule = Schedule(BERLIN, rotations=(rotation,))
    before = duty_at(schedule, local(BERLIN, 2026, 3, 29, 1, 59))
    assert before.primary == 1
    assert before.changes_at == local(BERLIN, 2026, 3, 29, 3)
    assert duty_at(schedule, local(BERLIN, 2026, 3, 29, 3)).primary == 2


def test_higher_layer_is_on_top_within_its_windows():
    base = Rotation(1, (1, 2), timedelta(days=7), time(9), date(2026, 1, 5))
    nights = Rotation(
        2, (5,), timedelta(days=7), time(9), date(2026, 1, 5), (bt.Interval(0, time(20), time(8)),)
    )
    schedule = Schedule(KOLKATA, rotations=(base, nights))
    monday_night = duty_at(schedule, local(KOLKATA, 2026, 1, 12, 23))
    assert monday_night.layers == {1: 2, 2: 5}
    assert monday_night.primary == 5
    tuesday_noon = duty_at(schedule, local(KOLKATA, 2026, 1, 13, 12))
    assert tuesday_noon.layers == {1: 2}
    assert tuesday_noon.primary == 2


def test_absent_on_call_person_passes_the_turn_to_the_next_member():
    rotation = Rotation(1, (1, 2, 3), timedelta(days=1), time(9), date(2026, 6, 1))
    sick = Absence(1, local(BERLIN, 2026, 6, 1), local(BERLIN, 2026, 6, 2))
    schedule = Schedule(
        BERLIN, members=frozenset({1, 2, 3}), rotations=(rotation,), absences=(sick,)
    )
    duty = duty_at(schedule, local(BERLIN, 2026, 6, 1, 12))
    assert duty.primary == 2
    assert 1 not in duty.people


def test_team_overrides_put_a_team_on_or_off_duty():
    start, end = local(BERLIN, 2026, 6, 6, 10), local(BERLIN, 2026, 6, 6, 14)  # a Saturday
    extra = Override(start, end, TEAM_ON)
    schedule = Schedule(BERLIN, office(BERLIN), frozenset({1}), overrides=(extra,))
    duty = duty_at(schedule, local(BERLIN, 2026, 6, 6, 11))
    assert duty.on_duty
    assert duty.until == end
    closed = Override(
        local(BERLIN, 2026, 6, 8, 12), local(BERLIN, 2026, 6, 8, 13), TEAM_OFF, order=1
    )
    schedule = Schedule(BERLIN, office(BERLIN), frozenset({1}), overrides=(extra, closed))
    assert duty_at(schedule, local(BERLIN, 2026, 6, 8, 10)).until == local(BERLIN, 2026, 6, 8, 12)


def test_timeline_lays_duties_end_to_end():
    schedule = Schedule(BERLIN, office(BERLIN), frozenset({1}))
    pieces = timeline(schedule, local(BERLIN, 2026, 6, 1), local(BERLIN, 2026, 6, 8))
    on = [(a, b) for a, b, duty in pieces if duty.on_duty]
    assert len(on) == 5
    assert all(b - a == 8 * H for a, b in on)
    assert pieces[0][0] == local(BERLIN, 2026, 6, 1)
    assert pieces[-1][1] == local(BERLIN, 2026, 6, 8)


def test_naive_instants_are_refused():
    with pytest.raises(ValueError, match="aware"):
        duty_at(Schedule(), datetime(2026, 1, 1))


# --- properties --------------------------------------------------------------------

ZONES = st.sampled_from([BERLIN, NEW_YORK, SYDNEY, KOLKATA, "UTC", "America/Santiago"])
times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
USERS = st.integers(1, 6)


@st.composite
def intervals(draw, max_size=4):
    found = []
    for _ in range(draw(st.integers(0, max_size))):
        interval = bt.Interval(draw(st.integers(0, 6)), draw(times), draw(times))
        if interval.start != interval.end and not bt.overlapping_intervals([*found, interval]):
            found.append(interval)
    return tuple(found)


@st.composite
def rotations(draw, layer):
    members = tuple(draw(st.lists(USERS, min_size=1, max_size=4)))
    shift = timedelta(hours=draw(st.sampled_from([1, 4, 8, 12, 24, 48, 168])))
    starts_on = draw(st.dates(date(2024, 12, 1), date(2026, 6, 1)))
    windows = draw(intervals(max_size=3)) if draw(st.booleans()) else ()
    return Rotation(layer, members, shift, draw(times), starts_on, windows)


@st.composite
def periods(draw):
    start = draw(moments)
    return start, start + timedelta(minutes=draw(st.integers(1, 60 * 24 * 10)))


@st.composite
def schedules(draw):
    zone = draw(ZONES)
    hours = None
    if draw(st.booleans()):
        hours = bt.Calendar(zone, draw(intervals()) or (bt.Interval(0, time(9), time(17)),))
    layers = draw(st.lists(st.integers(1, 5), max_size=3, unique=True))
    overrides = []
    for order in range(draw(st.integers(0, 3))):
        start, end = draw(periods())
        kind = draw(st.sampled_from([PERSON, TEAM_ON, TEAM_OFF]))
        user = draw(USERS) if kind == PERSON else None
        layer = draw(st.sampled_from([None, *layers])) if kind == PERSON else None
        overrides.append(Override(start, end, kind, user, layer, order))
    absences = [Absence(draw(USERS), *draw(periods())) for _ in range(draw(st.integers(0, 3)))]
    return Schedule(
        zone,
        hours,
        frozenset(draw(st.lists(USERS, max_size=5))),
        tuple(draw(rotations(layer)) for layer in layers),
        tuple(overrides),
        tuple(absences),
    )


@given(schedules(), moments, st.floats(0, 1))
def test_duty_holds_until_it_says_it_changes(schedule, moment, fraction):
    duty = duty_at(schedule, moment)
    if duty.changes_at is None:
        return
    assert duty.changes_at > moment
    inside = moment + (duty.changes_at - moment) * fraction
    assume(inside < duty.changes_at)
    assert duty_at(schedule, inside).same_as(duty)


@given(schedules(), moments)
def test_working_flips_exactly_at_until(schedule, moment):
    duty = duty_at(schedule, moment)
    if duty.until is None:
        return
    assert duty.until > moment
    assert duty_at(schedule, duty.until).on_duty != duty.on_duty
    just_before = duty.until - timedelta(microseconds=1)
    assert duty_at(schedule, just_before).on_duty == duty.on_duty


@given(schedules(), moments)
def test_one_person_per_layer_from_that_layer_and_never_an_absent_one(schedule, moment):
    duty = duty_at(schedule, moment)
    absent = {a.user for a in schedule.absences if a.covers(moment)}
    overridden = {o.layer for o in schedule.overrides if o.kind == PERSON and o.covers(moment)}
    for rotation in schedule.rotations:
        person = duty.layers.get(rotation.layer)
        if person is not None and rotation.layer not in overridden:
            assert person in rotation.members
            assert person not in absent
    assert not (duty.people & absent)
    assert duty.people <= schedule.members
    if duty.layers and None not in overridden:
        assert duty.primary == duty.layers[max(duty.layers)]


@given(schedules(), moments, USERS, st.sampled_from([None, 1, 2]), st.integers(1, 600))
def test_person_override_wins(schedule, moment, user, layer, minutes):
    override = Override(moment - timedelta(minutes=minutes), moment + H, PERSON, user, layer, 99)
    with_it = Schedule(
        schedule.time_zone,
        schedule.hours,
        schedule.members,
        schedule.rotations,
        (*schedule.overrides, override),
        schedule.absences,
    )
    duty = duty_at(with_it, moment)
    if layer is None:
        assert duty.primary == user
    else:
        assert duty.layers[layer] == user


@given(schedules(), moments, st.sampled_from([TEAM_ON, TEAM_OFF]))
def test_team_override_wins(schedule, moment, kind):
    override = Override(moment - H, moment + H, kind, order=99)
    with_it = Schedule(
        schedule.time_zone,
        schedule.hours,
        schedule.members,
        schedule.rotations,
        (*schedule.overrides, override),
        schedule.absences,
    )
    duty = duty_at(with_it, moment)
    assert duty.on_duty == (kind == TEAM_ON)


@given(
    ZONES,
    st.sampled_from([timedelta(hours=h) for h in (8, 12, 24, 72, 168)]),
    times,
    st.dates(date(2025, 1, 1), date(2027, 6, 1)),
    st.integers(0, 800),
)
def test_rotation_hands_off_at_its_local_time(zone, shift, handoff, starts_on, k):
    rotation = Rotation(1, (1, 2, 3, 4), shift, handoff, starts_on)
    schedule = Schedule(zone, rotations=(rotation,))
    anchor = datetime.combine(starts_on, handoff)
    at = instant(anchor + k * shift, ZoneInfo(zone))
    before = duty_at(schedule, at - timedelta(microseconds=1))
    after = duty_at(schedule, at)
    assert after.primary == (1, 2, 3, 4)[k % 4]
    if k > 0:
        assert before.primary == (1, 2, 3, 4)[(k - 1) % 4]
        assert before.changes_at == at
    wall = at.astimezone(ZoneInfo(zone))
    expected = (anchor + k * shift).time()
    # The hand-off reads the hand-off time on the wall, unless the clocks skipped it.
    skipped = (
        instant(anchor + k * shift, ZoneInfo(zone)).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        != anchor + k * shift
    )
    assert skipped or wall.time() == expected


@given(ZONES, st.dates(date(2025, 1, 1), date(2027, 12, 1)))
def test_every_dst_day_has_office_hours_of_eight_real_hours(zone, day):
    schedule = Schedule(zone, bt.Calendar(zone, (bt.Interval(day.weekday(), time(9), time(17)),)))
    opening = instant(datetime.combine(day, time(9)), ZoneInfo(zone))
    duty = duty_at(schedule, opening)
    assert duty.on_duty
    assert duty.until - opening == 8 * H
