"""Times: one way on every page, in the viewer's zone and language."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

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
