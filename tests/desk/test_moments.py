"""Times: one way on every page, in the viewer's zone and language."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from tickets.templatetags import moments

NOW = datetime(2026, 11, 30, 0, 20, tzinfo=UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def test_a_past_due_time_reads_overdue_by(frozen):
    html = moments.due(NOW - timedelta(hours=2, minutes=5))
    assert "overdue by 2" in html
    assert 'datetime="2026-11-29T22:15:00+00:00"' in html


def test_a_future_due_time_reads_due_in(frozen):
    assert "due in 20" in moments.due(NOW + timedelta(minutes=20))


def test_the_exact_time_is_in_the_viewer_zone(frozen):
    import zoneinfo

    with timezone.override(zoneinfo.ZoneInfo("Europe/Warsaw")), translation.override("en"):
        html = moments.moment(NOW - timedelta(minutes=3))
    assert "3\xa0minutes ago" in html
    assert "CET" in html
    assert "1:17" in html


def test_timestamps_inside_text_are_shown_the_one_way(frozen):
    html = moments.moments_in_text("First response due 2026-11-29T21:16:35+00:00 (target 1h)")
    assert "2026-11-29T21:16:35" in html  # only as the machine-readable attribute
    assert html.count("2026-11-29T21:16:35") == 1
    assert "<time" in html
    older = moments.moments_in_text("due 2026-11-29 23:50 UTC <b>")
    assert "<time" in older
    assert "&lt;b&gt;" in older


def test_pages_show_no_raw_iso_time(client, agent, policy, frozen):
    from tests.factories import create_ticket

    ticket = create_ticket(agent)
    client.force_login(agent)
    body = client.get(ticket.get_absolute_url()).content.decode()
    import re

    visible = re.sub(r'(datetime|title)="[^"]*"', "", body)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", visible)
    assert " UTC" not in visible
    assert "just now" in visible


def test_a_late_warning_message_says_overdue(network_path, policy):
    from notifications.rendering import render_message

    context = {
        "ticket": {"reference": "ESC-1", "priority": "P2", "title": "x"},
        "extra": {"metric": "Resolution", "due_at": NOW, "overdue": True},
        "for_agent": True,
    }
    message = render_message(kind="sla.warning", context=context, language="en", time_zone="UTC")
    assert "overdue" in message.subject
    assert "due soon" not in message.subject
    assert ".." not in message.text


SPAN_ZONES = ["UTC", "Europe/Warsaw", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)),
    seconds=st.one_of(
        st.floats(min_value=60, max_value=400 * 86400),
        # About a month, where calendar months start to count.
        st.floats(min_value=26 * 86400, max_value=32 * 86400),
    ),
    zone=st.sampled_from(SPAN_ZONES),
    language=st.sampled_from(["en", "pl", "ru"]),
)
def test_a_span_reads_as_timesince_counts_it(start, seconds, zone, language):
    """The spans worked out without ``timesince`` (under 27 days) are the ones it
    gives, across time zones, DST changes and month ends."""
    import zoneinfo

    from django.utils.timesince import timesince

    earlier = start.replace(tzinfo=zoneinfo.ZoneInfo(zone))
    later = (earlier.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(earlier.tzinfo)
    with translation.override(language), timezone.override(zone):
        expected = timesince(earlier, later, depth=1, time_strings=moments.SPANS)
        assert moments.Moments().span(earlier, later) == expected
        # as the database gives them: in UTC, counted in the viewer's calendar
        assert moments.Moments().span(earlier.astimezone(UTC), later.astimezone(UTC)) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Europe/Warsaw", "1 month ago"), ("UTC", "4 weeks ago"), ("Asia/Tokyo", "1 month ago")],
)
def test_months_are_the_viewers_calendar_months(zone, expected):
    """31 October 23:30 UTC is 1 November in Warsaw: a month to 1 December there."""
    found = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)
    with timezone.override(zone), translation.override("en"):
        shown = moments.Moments()
        shown.now = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
        assert shown.span(found, shown.now).replace("\xa0", " ") + " ago" == expected


@pytest.mark.parametrize(
    ("language", "shift", "due", "words"),
    [
        ("pl", timedelta(minutes=65), True, "termin za 1\xa0godzinę"),
        ("pl", -timedelta(minutes=65), True, "po terminie o 1\xa0godzinę"),
        ("pl", -timedelta(minutes=1, seconds=30), False, "1\xa0minutę temu"),
        ("ru", timedelta(minutes=1, seconds=30), False, "через 1\xa0минуту"),  # noqa: RUF001
        ("ru", -timedelta(days=8), False, "1\xa0неделю назад"),  # noqa: RUF001
        ("ru", -timedelta(minutes=65), True, "просрочено на 1\xa0час"),  # noqa: RUF001
    ],
)
def test_a_span_takes_the_case_its_words_ask_for(frozen, language, shift, due, words):
    with translation.override(language):
        html = (moments.due if due else moments.moment)(NOW + shift)
    assert words in html


def test_an_exact_time_kept_for_later_is_the_zone_and_language_of_its_reader(frozen):
    """Kept exact times are told apart by zone and language, and a time in the
    same minute (for formats without seconds) reads the same."""
    import zoneinfo

    at = NOW - timedelta(hours=3)
    shown = {}
    for zone in ("Europe/Warsaw", "Asia/Kolkata"):
        for language in ("en", "ru"):
            with timezone.override(zoneinfo.ZoneInfo(zone)), translation.override(language):
                shown[zone, language] = moments.moment(at)
                assert (
                    moments.moment(at + timedelta(seconds=40)).split('title="')[1].split('"')[0]
                    == shown[zone, language].split('title="')[1].split('"')[0]
                )
    assert len(set(shown.values())) == 4
    assert "10:20 p.m." in shown["Europe/Warsaw", "en"]  # 21:20 UTC, UTC+1
    assert "2:50 a.m." in shown["Asia/Kolkata", "en"]  # UTC+5:30
    assert "ноября" in shown["Europe/Warsaw", "ru"]


def test_an_exact_time_with_seconds_is_kept_to_the_second(frozen, monkeypatch):
    monkeypatch.setattr(moments, "get_format", lambda name: "Y-m-d H:i:s")
    write = moments.Moments()
    at = NOW.replace(second=5)
    assert write.exact(at) == "2026-11-30 00:20:05 UTC"
    assert write.exact(at.replace(second=40)) == "2026-11-30 00:20:40 UTC"


FORMATS = [
    "N j, Y, P",  # English
    "j E Y H:i",  # Polish
    "j E Y г. G:i",  # Russian  # noqa: RUF001
    "j F Y H:i",  # French, Dutch
    r"l jS \o\f F Y h:i:s.u A a f g G I L m M n o O r S t T U w W y z Z e c b D \\ \P",
]


@given(
    when=st.datetimes(min_value=datetime(1999, 1, 1), max_value=datetime(2040, 12, 31)),
    shifts=st.lists(
        st.sampled_from(
            [
                *(timedelta(0), timedelta(seconds=7), timedelta(microseconds=1)),
                *(timedelta(hours=12), timedelta(days=1), timedelta(days=365)),
                -timedelta(minutes=30),
            ]
        ),
        max_size=3,
    ),
    zone=st.sampled_from(SPAN_ZONES),
    language=st.sampled_from(["en", "pl", "fr", "nl", "ru"]),
    fmt=st.sampled_from(FORMATS),
)
def test_exact_times_are_written_as_dateformat_writes_them(when, shifts, zone, language, fmt):
    """Each letter's text is kept by what it reads (the date, the minute): the
    same text as Django's ``dateformat.format`` for times that share some of it
    (the same minute, another second; the same date, another hour ...)."""
    import zoneinfo

    from django.utils import dateformat

    moments._LETTERS.clear()
    local = when.replace(tzinfo=UTC).astimezone(zoneinfo.ZoneInfo(zone))
    with translation.override(language):
        for shift in [timedelta(0), *shifts]:
            shifted = (local.astimezone(UTC) + shift).astimezone(local.tzinfo)
            assert moments.date_text(shifted, fmt, language) == dateformat.format(shifted, fmt)
