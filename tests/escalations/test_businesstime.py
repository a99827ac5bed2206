"""Business-time arithmetic (``escalations.businesstime``): pure, no database.

Worked examples first, then properties checked with Hypothesis on random
calendars (random zones, interval sets, holidays and starts). Some of each are
cross-checked against ``reference_add`` / ``reference_elapsed`` below: a
deliberately naive implementation that walks real time in quarter-hour steps and
asks, for each step, what the local wall clock says. It shares no logic with the
module (no compiled tables, no wall-time to UTC conversion), so agreeing with it
is evidence, not a tautology.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from escalations.businesstime import (
    ALWAYS_OPEN,
    Calendar,
    Interval,
    add,
    elapsed,
    is_open,
    overlapping_intervals,
)

WARSAW = "Europe/Warsaw"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
H = timedelta(hours=1)
US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def local(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold)


def office(zone: str = WARSAW, **kwargs) -> Calendar:
    """Monday to Friday, 09:00-17:00."""
    return Calendar(zone, tuple(Interval(d, time(9), time(17)) for d in range(5)), **kwargs)


def later(moment: datetime, delta: timedelta) -> datetime:
    """``delta`` of real time after ``moment``, in the same zone (``+`` is wall-clock)."""
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def every_day(zone: str, start: time, end: time) -> Calendar:
    return Calendar(zone, tuple(Interval(d, start, end) for d in range(7)))


def night_shift(zone: str, **kwargs) -> Calendar:
    """Saturday 22:00 to Sunday 06:00."""
    return Calendar(zone, (Interval(SAT, time(22), time(6)),), **kwargs)


# Polish public holidays: fixed ones recur yearly, Easter-dependent ones are one-off.
POLISH_YEARLY = frozenset(
    {(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 24), (12, 25), (12, 26)}
)
POLISH_2026 = frozenset({date(2026, 4, 5), date(2026, 4, 6), date(2026, 5, 24), date(2026, 6, 4)})


# --- the reference implementation ----------------------------------------------------

STEP = timedelta(minutes=15)


def reference_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether the local wall clock at ``moment`` reads a working time on a working day."""
    if calendar.always_open:
        return True
    wall = moment.astimezone(calendar.zone)
    day, clock = wall.date(), wall.time()
    if calendar.is_holiday(day):
        return False
    yesterday = (day.weekday() - 1) % 7
    for interval in calendar.intervals:
        overnight = interval.end <= interval.start
        today = interval.weekday == day.weekday() and interval.start <= clock
        if today and (overnight or clock < interval.end):
            return True
        if interval.weekday == yesterday and overnight and clock < interval.end:
            return True
    return False


def _next_step(moment: datetime) -> datetime:
    # Every interval boundary used with the reference is on a quarter hour, and
    # every zone is a whole number of quarter hours off UTC, so openness cannot
    # change inside a quarter-hour step of real time.
    return moment - (moment - EPOCH) % STEP + STEP


def reference_add(
    calendar: Calendar, start: datetime, duration: timedelta, max_steps: int = 40_000
) -> datetime:
    moment, remaining = start.astimezone(UTC), duration
    if not remaining:
        return moment
    for _ in range(max_steps):
        step_end = _next_step(moment)
        if reference_open(calendar, moment):
            if remaining <= step_end - moment:
                return moment + remaining
            remaining -= step_end - moment
        moment = step_end
    raise AssertionError("the reference walked too far; keep its cases small")


def reference_elapsed(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    moment, end, total = start.astimezone(UTC), end.astimezone(UTC), timedelta(0)
    while moment < end:
        step_end = min(_next_step(moment), end)
        if reference_open(calendar, moment):
            total += step_end - moment
        moment = step_end
    return total


def nth_working_day(calendar: Calendar, first: date, n: int) -> date:
    """The ``n``-th weekday (1-based, counting ``first``) that is not a holiday."""
    day, seen = first, 0
    while True:
        if day.weekday() < 5 and not calendar.is_holiday(day):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


# --- a working week ------------------------------------------------------------------


def test_friday_afternoon_plus_two_hours_is_monday_morning():
    due = add(office(), local(WARSAW, 2026, 6, 12, 16), 2 * H)

    assert due == local(WARSAW, 2026, 6, 15, 10)


def test_result_is_an_aware_utc_datetime():
    due = add(office(), local(WARSAW, 2026, 6, 12, 16), 2 * H)

    assert due.tzinfo is UTC
    assert due == datetime(2026, 6, 15, 8, tzinfo=UTC)


def test_start_outside_hours_counts_from_next_opening():
    saturday = local(WARSAW, 2026, 6, 13, 11, 30)

    assert add(office(), saturday, 30 * timedelta(minutes=1)) == local(WARSAW, 2026, 6, 15, 9, 30)
    assert add(office(), local(WARSAW, 2026, 6, 15, 7), H) == local(WARSAW, 2026, 6, 15, 10)


def test_whole_day_ends_at_closing_time_not_next_opening():
    assert add(office(), local(WARSAW, 2026, 6, 15, 9), 8 * H) == local(WARSAW, 2026, 6, 15, 17)


def test_elapsed_skips_nights_and_weekends():
    calendar = office()
    friday, monday = local(WARSAW, 2026, 6, 12, 16), local(WARSAW, 2026, 6, 15, 10)

    assert elapsed(calendar, friday, monday) == 2 * H
    assert elapsed(calendar, local(WARSAW, 2026, 6, 15), local(WARSAW, 2026, 6, 22)) == 40 * H


def test_elapsed_is_zero_when_end_is_not_after_start():
    start = local(WARSAW, 2026, 6, 15, 10)

    assert elapsed(office(), start, start) == timedelta(0)
    assert elapsed(office(), start, start - H) == timedelta(0)


def test_elapsed_compares_instants_not_wall_clocks():
    # 02:30 the second time round (fold=1) is 45 minutes after 02:45 the first time.
    later = local(WARSAW, 2026, 10, 25, 2, 30, fold=1)
    earlier = local(WARSAW, 2026, 10, 25, 2, 45)
    whole_days = every_day(WARSAW, time(0), time(0))

    assert elapsed(whole_days, later, earlier) == timedelta(0)
    assert elapsed(ALWAYS_OPEN, later, earlier) == timedelta(0)
    assert elapsed(whole_days, earlier, later) == timedelta(minutes=45)
    assert elapsed(ALWAYS_OPEN, earlier, later) == timedelta(minutes=45)


def test_start_in_another_zone_is_the_same_instant():
    in_tokyo = local(WARSAW, 2026, 6, 12, 16).astimezone(ZoneInfo("Asia/Tokyo"))

    assert add(office(), in_tokyo, 2 * H) == local(WARSAW, 2026, 6, 15, 10)


def test_is_open_counts_interval_starts_but_not_ends():
    calendar = office()

    assert is_open(calendar, local(WARSAW, 2026, 6, 15, 9))
    assert is_open(calendar, local(WARSAW, 2026, 6, 15, 16, 59, 59, 999_999))
    assert not is_open(calendar, local(WARSAW, 2026, 6, 15, 17))
    assert not is_open(calendar, local(WARSAW, 2026, 6, 15, 8, 59, 59, 999_999))
    assert not is_open(calendar, local(WARSAW, 2026, 6, 13, 12))


def test_results_are_exact_to_the_microsecond():
    start = local(WARSAW, 2026, 6, 15, 16, 59, 59, 999_999)

    assert add(office(), start, US) == local(WARSAW, 2026, 6, 15, 17)
    assert add(office(), start, 2 * US) == local(WARSAW, 2026, 6, 16, 9, 0, 0, 1)
    assert elapsed(office(), start, local(WARSAW, 2026, 6, 16, 9, 0, 0, 1)) == 2 * US


def test_duration_in_whole_seconds_equals_the_timedelta():
    start = local(WARSAW, 2026, 6, 12, 16)

    assert add(office(), start, 7200) == add(office(), start, 2 * H)


# --- holidays ------------------------------------------------------------------------


def test_one_off_holiday_is_skipped():
    # Friday 1 May 2026 off: Thursday afternoon plus two hours lands on Monday.
    calendar = office(holidays=frozenset({date(2026, 5, 1)}))

    assert add(calendar, local(WARSAW, 2026, 4, 30, 16), 2 * H) == local(WARSAW, 2026, 5, 4, 10)
    assert not is_open(calendar, local(WARSAW, 2026, 5, 1, 12))


def test_yearly_holiday_recurs_every_year():
    calendar = office(yearly_holidays=frozenset({(12, 25)}))

    # 2026: Thursday 24th + 2h skips Friday 25th; 2030: Tuesday 24th + 2h lands on Thursday.
    assert add(calendar, local(WARSAW, 2026, 12, 24, 16), 2 * H) == local(WARSAW, 2026, 12, 28, 10)
    assert add(calendar, local(WARSAW, 2030, 12, 24, 16), 2 * H) == local(WARSAW, 2030, 12, 26, 10)


def test_29_february_yearly_holiday_only_in_leap_years():
    calendar = office(yearly_holidays=frozenset({(2, 29)}))

    # 2028 is a leap year and 29 February a Tuesday; in 2027 nothing moves to 1 March.
    assert add(calendar, local(WARSAW, 2028, 2, 28, 16), 2 * H) == local(WARSAW, 2028, 3, 1, 10)
    assert add(calendar, local(WARSAW, 2027, 2, 26, 16), 2 * H) == local(WARSAW, 2027, 3, 1, 10)
    assert is_open(calendar, local(WARSAW, 2027, 3, 1, 9))


def test_holiday_removes_the_part_of_a_night_shift_that_runs_into_it():
    calendar = night_shift(WARSAW, holidays=frozenset({date(2026, 6, 7)}))  # the Sunday
    saturday = local(WARSAW, 2026, 6, 6, 22)

    assert elapsed(calendar, saturday, saturday + 8 * H) == 2 * H
    assert add(calendar, saturday, 3 * H) == local(WARSAW, 2026, 6, 13, 23)


def test_holiday_on_the_first_day_keeps_the_night_after_it():
    calendar = night_shift(WARSAW, holidays=frozenset({date(2026, 6, 6)}))  # the Saturday
    saturday = local(WARSAW, 2026, 6, 6, 22)

    assert elapsed(calendar, saturday, saturday + 8 * H) == 6 * H


# --- several intervals a day, overnight shifts -------------------------------------------


def lunch_break() -> Calendar:
    return Calendar(
        WARSAW,
        tuple(
            Interval(d, start, end)
            for d in range(5)
            for start, end in ((time(9), time(12)), (time(13), time(17)))
        ),
    )


def test_lunch_break_is_not_working_time():
    calendar = lunch_break()

    assert add(calendar, local(WARSAW, 2026, 6, 15, 11), 2 * H) == local(WARSAW, 2026, 6, 15, 14)
    assert elapsed(calendar, local(WARSAW, 2026, 6, 15), local(WARSAW, 2026, 6, 16)) == 7 * H
    assert not is_open(calendar, local(WARSAW, 2026, 6, 15, 12, 30))


def test_running_out_at_lunch_returns_the_start_of_lunch():
    calendar = lunch_break()

    assert add(calendar, local(WARSAW, 2026, 6, 15, 11), H) == local(WARSAW, 2026, 6, 15, 12)


def test_overnight_shift_runs_past_midnight():
    calendar = night_shift(WARSAW)
    saturday = local(WARSAW, 2026, 6, 6, 23)

    assert add(calendar, saturday, 3 * H) == local(WARSAW, 2026, 6, 7, 2)
    assert add(calendar, saturday, 7 * H) == local(WARSAW, 2026, 6, 7, 6)
    assert add(calendar, saturday, 8 * H) == local(WARSAW, 2026, 6, 13, 23)
    assert is_open(calendar, local(WARSAW, 2026, 6, 7, 5, 59))
    assert not is_open(calendar, local(WARSAW, 2026, 6, 7, 6))
    assert not is_open(calendar, local(WARSAW, 2026, 6, 6, 5))


def test_midnight_to_midnight_is_the_whole_day():
    calendar = Calendar(WARSAW, (Interval(WED, time(0), time(0)),))

    assert elapsed(calendar, local(WARSAW, 2026, 6, 15), local(WARSAW, 2026, 6, 22)) == 24 * H


# --- daylight saving time ------------------------------------------------------------

# (zone, the Sunday the clocks go forward, the Sunday they go back) in 2026.
DST_ZONES = [
    pytest.param(WARSAW, date(2026, 3, 29), date(2026, 10, 25), id="warsaw"),
    pytest.param(NEW_YORK, date(2026, 3, 8), date(2026, 11, 1), id="new-york"),
    pytest.param(SYDNEY, date(2026, 10, 4), date(2026, 4, 5), id="sydney"),
]


def _day(zone: str, day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(("zone", "forward", "back"), DST_ZONES)
def test_the_dates_are_real_dst_changes(zone, forward, back):
    next_day = timedelta(days=1)

    assert _day(zone, forward + next_day) - _day(zone, forward) == timedelta(days=1)  # wall clock
    assert elapsed(ALWAYS_OPEN, _day(zone, forward), _day(zone, forward + next_day)) == 23 * H
    assert elapsed(ALWAYS_OPEN, _day(zone, back), _day(zone, back + next_day)) == 25 * H


@pytest.mark.parametrize(("zone", "forward", "back"), DST_ZONES)
def test_nine_to_five_is_eight_hours_on_the_day_the_clocks_change(zone, forward, back):
    calendar = every_day(zone, time(9), time(17))

    for day in (forward, back):
        whole_day = (_day(zone, day), _day(zone, day + timedelta(days=1)))
        assert elapsed(calendar, *whole_day) == 8 * H
        assert elapsed(calendar, *whole_day) == reference_elapsed(calendar, *whole_day)
        assert add(calendar, _day(zone, day, 9), 8 * H) == _day(zone, day, 17)
        assert add(calendar, _day(zone, day, 12), H) == _day(zone, day, 13)


@pytest.mark.parametrize(("zone", "forward", "back"), DST_ZONES)
def test_night_shift_across_the_change_lasts_the_real_time(zone, forward, back):
    calendar = night_shift(zone)

    for sunday, real in ((forward, 7 * H), (back, 9 * H)):
        saturday_night = _day(zone, sunday - timedelta(days=1), 22)
        sunday_morning = _day(zone, sunday, 6)
        assert elapsed(calendar, saturday_night, sunday_morning + H) == real
        assert add(calendar, saturday_night, real) == sunday_morning
        next_week = saturday_night + timedelta(days=7, hours=1)  # wall clock: 23:00 a week on
        assert add(calendar, saturday_night, real + H) == next_week
        assert add(calendar, saturday_night, real + H) == reference_add(
            calendar, saturday_night, real + H
        )


@pytest.mark.parametrize(("zone", "forward", "back"), DST_ZONES)
def test_whole_day_intervals_equal_real_time_across_the_change(zone, forward, back):
    calendar = every_day(zone, time(0), time(0))

    for day in (forward, back):
        start = _day(zone, day - timedelta(days=1), 12)
        assert add(calendar, start, 24 * H) == start.astimezone(UTC) + 24 * H
        assert elapsed(calendar, start, start + timedelta(days=2)) == (
            (start + timedelta(days=2)).astimezone(UTC) - start.astimezone(UTC)
        )


@pytest.mark.parametrize(("zone", "forward", "back"), DST_ZONES)
def test_24x7_is_plain_addition_across_the_change(zone, forward, back):
    for day in (forward, back):
        start = _day(zone, day - timedelta(days=1), 12)  # wall-clock + 24h would be off by 1h
        assert add(ALWAYS_OPEN, start, 24 * H) == start.astimezone(UTC) + 24 * H
        assert elapsed(ALWAYS_OPEN, start, start.astimezone(UTC) + 24 * H) == 24 * H


# --- edge cases and errors -----------------------------------------------------------


def test_zero_duration_returns_start_even_outside_hours():
    sunday = local(WARSAW, 2026, 6, 14, 3, 14, 15)

    assert add(office(), sunday, timedelta(0)) == sunday
    assert add(office(), sunday, 0) == sunday
    assert add(ALWAYS_OPEN, sunday, 0) == sunday


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 6, 15, 10)
    aware = local(WARSAW, 2026, 6, 15, 10)

    with pytest.raises(ValueError, match="aware"):
        add(office(), naive, H)
    with pytest.raises(ValueError, match="aware"):
        add(ALWAYS_OPEN, naive, 0)
    with pytest.raises(ValueError, match="aware"):
        elapsed(office(), naive, aware)
    with pytest.raises(ValueError, match="aware"):
        elapsed(office(), aware, naive)
    with pytest.raises(ValueError, match="aware"):
        is_open(office(), naive)


@pytest.mark.parametrize("duration", [-US, -H, -1])
def test_negative_durations_are_refused(duration):
    with pytest.raises(ValueError, match="negative"):
        add(office(), local(WARSAW, 2026, 6, 15, 10), duration)


def test_calendar_without_working_time_cannot_add():
    calendar = Calendar(WARSAW)
    start = local(WARSAW, 2026, 6, 15, 10)

    with pytest.raises(ValueError, match="no working time"):
        add(calendar, start, H)
    assert elapsed(calendar, start, start + timedelta(days=30)) == timedelta(0)
    assert not is_open(calendar, start)


def test_invalid_calendars_are_refused():
    with pytest.raises(ValueError, match="weekday"):
        Interval(7, time(9), time(17))
    with pytest.raises(ValueError, match="wall-clock"):
        Interval(MON, time(9, tzinfo=UTC), time(17))
    with pytest.raises(ValueError, match="time zone"):
        Calendar("Mars/Olympus_Mons")


def test_overlapping_intervals_are_found_across_midnight_and_the_week_end():
    sunday_night = Interval(SUN, time(22), time(6))
    monday_morning = Interval(MON, time(5), time(9))
    monday_day = Interval(MON, time(9), time(17))
    tuesday = Interval(TUE, time(8), time(12))

    assert overlapping_intervals([sunday_night, monday_morning, monday_day, tuesday]) == [
        (sunday_night, monday_morning)
    ]
    assert overlapping_intervals([monday_day, Interval(MON, time(16), time(18))]) != []
    assert overlapping_intervals([Interval(SAT, time(0), time(0)), sunday_night]) == []


def test_equal_calendars_give_the_same_answers_in_any_call_order():
    # Compiled tables are cached and extended on demand, backwards as well as forwards.
    late, early = local(WARSAW, 2030, 6, 14, 16), local(WARSAW, 2024, 6, 14, 16)
    first = add(office(holidays=POLISH_2026), late, 2 * H)

    assert add(office(holidays=POLISH_2026), early, 2 * H) == local(WARSAW, 2024, 6, 17, 10)
    assert add(office(holidays=POLISH_2026), late, 2 * H) == first == local(WARSAW, 2030, 6, 17, 10)
    weekdays = sum(
        (early.date() + timedelta(days=k)).weekday() < 5 for k in range((late - early).days)
    )
    assert elapsed(office(), early, late) == weekdays * 8 * H


# --- long durations ------------------------------------------------------------------


def polish_office() -> Calendar:
    return office(holidays=POLISH_2026, yearly_holidays=POLISH_YEARLY)


def test_thirty_business_days():
    calendar = polish_office()
    start = local(WARSAW, 2026, 3, 23, 9)  # Easter and the spring-forward weekend inside

    due = add(calendar, start, 30 * 8 * H)

    assert due == local(WARSAW, 2026, 5, 5, 17)  # Easter Monday and 1 May off
    assert due.astimezone(ZoneInfo(WARSAW)).date() == nth_working_day(calendar, start.date(), 30)
    assert due == reference_add(calendar, start, 30 * 8 * H)
    assert elapsed(calendar, start, due) == 30 * 8 * H


def test_thirty_business_days_from_a_mid_afternoon_start():
    calendar = polish_office()
    start = local(WARSAW, 2026, 10, 16, 15, 27, 41)  # fall-back weekend and 1 November inside

    due = add(calendar, start, 30 * 8 * H)

    assert due == reference_add(calendar, start, 30 * 8 * H)
    assert due == local(WARSAW, 2026, 11, 30, 15, 27, 41)


@pytest.mark.parametrize("years", [1, 3])
def test_years_of_business_days(years):
    calendar = office(yearly_holidays=POLISH_YEARLY)
    start = local(WARSAW, 2026, 1, 2, 9)
    days = 250 * years

    due = add(calendar, start, days * 8 * H)

    expected_day = nth_working_day(calendar, start.date(), days)
    assert due == datetime.combine(expected_day, time(17), tzinfo=ZoneInfo(WARSAW))
    assert elapsed(calendar, start, due) == days * 8 * H


def test_a_year_of_business_time_in_one_call():
    calendar = office(yearly_holidays=POLISH_YEARLY)
    start = local(WARSAW, 2026, 1, 2, 9)

    due = add(calendar, start, timedelta(days=365))  # 1,095 working days of 8 hours

    expected_day = nth_working_day(calendar, start.date(), 1095)
    assert due == datetime.combine(expected_day, time(17), tzinfo=ZoneInfo(WARSAW))
    assert elapsed(calendar, start, due) == timedelta(days=365)


# --- properties ----------------------------------------------------------------------

ZONES = (
    "UTC",
    WARSAW,
    "Europe/London",
    NEW_YORK,
    SYDNEY,
    "Pacific/Auckland",
    "Asia/Kolkata",
)
WEEK_MINUTES = 7 * 24 * 60
# The number of examples comes from the Hypothesis profile (tests/conftest.py).


@functools.cache
def dst_change_days(zone: str) -> tuple[date, ...]:
    """UTC dates between 2024 and 2030 on which ``zone`` changes its offset."""
    tz, day, days = ZoneInfo(zone), date(2024, 1, 1), []
    while day < date(2031, 1, 1):
        noon = datetime.combine(day, time(12), tzinfo=UTC)
        if noon.astimezone(tz).utcoffset() != (noon - timedelta(days=1)).astimezone(tz).utcoffset():
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


def _fine_on_dst_days(minute_of_day: int) -> bool:
    # Between 01:00 and 03:00 the wall clock skips or repeats an hour in these zones;
    # a boundary inside that hour means different things to the module (the first
    # occurrence) and to the reference (every occurrence), so properties that
    # compare the two keep their boundaries on whole hours there.
    return not (60 < minute_of_day < 180 and minute_of_day % 60)


@st.composite
def week_intervals(draw, grid: int, reference_safe: bool) -> tuple[Interval, ...]:
    """Random non-overlapping working intervals over the week, any length."""
    boundary = st.integers(0, WEEK_MINUTES // grid - 1).map(lambda k: k * grid)
    if reference_safe:
        boundary = boundary.filter(lambda m: _fine_on_dst_days(m % 1440))
    points = sorted(draw(st.lists(boundary, min_size=2, max_size=12, unique=True)))
    points = points[: len(points) // 2 * 2]
    if draw(st.booleans()):  # pair the other way round: one span wraps past Sunday
        points = [*points[1:], points[0] + WEEK_MINUTES]
    intervals = []
    for start, end in zip(points[::2], points[1::2], strict=True):
        while start < end:  # an Interval covers at most a day: split longer spans
            stop = min(end, start + 1440)
            intervals.append(
                Interval(
                    start // 1440 % 7,
                    time(start % 1440 // 60, start % 60),
                    time(stop % 1440 // 60, stop % 60),
                )
            )
            start = stop
    assert overlapping_intervals(intervals) == []
    return tuple(intervals)


@dataclass(frozen=True)
class Scenario:
    calendar: Calendar
    start: datetime
    weekly: timedelta  # nominal working time in a week

    def durations(self, weeks: float) -> st.SearchStrategy[timedelta]:
        most = int(self.weekly.total_seconds() * weeks)
        return st.integers(0, most).map(lambda s: timedelta(seconds=s))


@st.composite
def scenarios(draw, *, grid: int = 1, reference_safe: bool = False) -> Scenario:
    """A random calendar and a start near which its holidays fall."""
    zone = draw(st.sampled_from(ZONES))
    intervals = draw(week_intervals(grid, reference_safe))
    near_change = st.sampled_from(dst_change_days(zone) or (date(2026, 6, 1),)).map(
        lambda day: datetime.combine(day, time(0), tzinfo=UTC)
    )
    anywhere = st.datetimes(datetime(2024, 1, 1), datetime(2030, 12, 31)).map(
        lambda moment: moment.replace(tzinfo=UTC)
    )
    around = draw(st.one_of(anywhere, near_change))
    start = around + timedelta(seconds=draw(st.integers(-3 * 86_400, 86_400)))
    start = start.replace(microsecond=0).astimezone(ZoneInfo(draw(st.sampled_from(ZONES))))
    first_day = start.astimezone(ZoneInfo(zone)).date()
    near = st.integers(-1, 120).map(lambda k: first_day + timedelta(days=k))
    holidays = draw(st.frozensets(near, max_size=12))
    any_day = st.dates(date(2024, 1, 1), date(2024, 12, 31))  # a leap year: 29 Feb too
    yearly_day = st.one_of(near, any_day).map(lambda d: (d.month, d.day))
    yearly = draw(st.frozensets(yearly_day, max_size=6))
    weekly = timedelta(microseconds=sum(interval.length_us for interval in intervals))
    return Scenario(Calendar(zone, intervals, holidays, yearly), start, weekly)


@given(scenarios(), st.data())
def test_elapsed_undoes_add(scenario, data):
    duration = data.draw(scenario.durations(weeks=12))

    due = add(scenario.calendar, scenario.start, duration)

    assert elapsed(scenario.calendar, scenario.start, due) == duration
    assert due - scenario.start >= duration  # business time never runs faster than real time


@given(scenarios(), st.data())
def test_add_is_strictly_increasing_in_the_duration(scenario, data):
    durations = scenario.durations(weeks=12)
    shorter, longer = sorted((data.draw(durations), data.draw(durations)))

    first = add(scenario.calendar, scenario.start, shorter)
    second = add(scenario.calendar, scenario.start, longer)

    assert first < second if shorter < longer else first == second


@given(scenarios(), st.data())
def test_add_ends_in_working_time_never_on_a_holiday(scenario, data):
    duration = data.draw(scenario.durations(weeks=12).filter(bool))
    calendar = scenario.calendar

    last_instant = add(calendar, scenario.start, duration) - US

    assert is_open(calendar, last_instant)
    assert not calendar.is_holiday(last_instant.astimezone(calendar.zone).date())


@given(scenarios(), st.lists(st.integers(0, 40 * 86_400), min_size=2, max_size=2))
def test_elapsed_is_additive(scenario, gaps):
    start = scenario.start
    middle = later(start, timedelta(seconds=gaps[0]))
    end = later(middle, timedelta(seconds=gaps[1]))
    calendar = scenario.calendar

    whole = elapsed(calendar, start, end)

    assert elapsed(calendar, start, middle) + elapsed(calendar, middle, end) == whole
    assert whole <= end.astimezone(UTC) - start.astimezone(UTC)


@given(scenarios(), st.integers(0, 40 * 86_400), st.integers(0, 999_999))
def test_is_open_agrees_with_elapsed(scenario, offset, micro):
    moment = later(scenario.start, timedelta(seconds=offset, microseconds=micro))

    assert is_open(scenario.calendar, moment) == (
        elapsed(scenario.calendar, moment, later(moment, US)) == US
    )


@given(scenarios(), st.integers(0, 400 * 86_400))
def test_24x7_is_plain_addition(scenario, seconds):
    duration = timedelta(seconds=seconds)
    start, zone = scenario.start, scenario.calendar.time_zone
    real_end = start.astimezone(UTC) + duration

    assert add(ALWAYS_OPEN, start, duration) == real_end
    assert elapsed(ALWAYS_OPEN, start, real_end) == duration
    assert add(every_day(zone, time(0), time(0)), start, duration) == real_end


@given(scenarios(grid=15, reference_safe=True), st.data())
def test_add_agrees_with_the_reference(scenario, data):
    duration = data.draw(scenario.durations(weeks=1))

    expected = reference_add(scenario.calendar, scenario.start, duration)

    assert add(scenario.calendar, scenario.start, duration) == expected


@given(scenarios(grid=15, reference_safe=True), st.integers(0, 10 * 86_400))
def test_elapsed_and_is_open_agree_with_the_reference(scenario, seconds):
    calendar, start = scenario.calendar, scenario.start
    end = later(start, timedelta(seconds=seconds))

    assert elapsed(calendar, start, end) == reference_elapsed(calendar, start, end)
    assert is_open(calendar, end) == reference_open(calendar, end)
