"""System notes are stored as a message id and values, and read in the reader's
language and time zone: pages, the API, messages; an older free-text note shows
as it was written."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from escalations.models import Escalation, SlaClock
from escalations.services import escalate, managed
from notifications.models import Notification
from notifications.rendering import render_message
from tests.escalations.data import HANDOFF, user
from tests.factories import create_ticket
from tickets import notes
from tickets.models import TicketEvent
from tickets.notes import duration_text


def _as(name: str, language: str, zone: str):
    person = user(name)
    person.language, person.time_zone = language, zone
    person.save(update_fields=["language", "time_zone"])
    return person


@pytest.fixture
def written_under_beat(network_path, policy):
    """A ticket whose clocks were started with English active, as under beat."""
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    clock = SlaClock.objects.get(ticket=ticket, metric=SlaClock.Metric.FIRST_RESPONSE)
    event = TicketEvent.objects.get(ticket=ticket, field="sla:first_response", note_key="sla.due")
    return ticket, clock, event


def test_the_note_is_stored_as_a_key_and_values_with_an_english_text(written_under_beat):
    _ticket, clock, event = written_under_beat
    due = clock.due_at.astimezone(UTC).isoformat(timespec="seconds")
    assert event.note_params == {"metric": "first_response", "due": due, "target": 3600}
    assert event.note == f"First response due {due} (target 1 hour of business time)"


@pytest.mark.parametrize(
    ("language", "zone", "words", "zone_name"),
    [
        ("pl", "Europe/Warsaw", "Pierwsza odpowiedź: termin", "CET"),
        ("ru", "Europe/Moscow", "Первый ответ: срок", "MSK"),
    ],
)
def test_agents_read_a_beat_note_in_their_language_and_time_zone(
    client, written_under_beat, language, zone, words, zone_name
):
    ticket, clock, _event = written_under_beat
    client.force_login(_as("agent1", language, zone))
    page = client.get(ticket.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"') :]
    assert words in timeline
    assert "First response due" not in timeline
    local = clock.due_at.astimezone(ZoneInfo(zone))
    # The due time as a <time> in the reader's zone, the exact time on hover.
    stamp = local.isoformat(timespec="seconds")
    found = re.search(rf'<time datetime="{re.escape(stamp)}" title="([^"]+)"', timeline)
    assert found is not None
    assert found.group(1).endswith(zone_name)
    assert f"{local.hour}:{local:%M}" in found.group(1)  # "00:06" or "0:06"


def test_the_api_renders_the_note_in_the_profile_or_accept_language(api_as, written_under_beat):
    ticket, clock, _event = written_under_beat
    url = f"/api/v1/tickets/{ticket.pk}/events/"
    agent = user("agent1")
    agent.language, agent.time_zone = "", "Europe/Warsaw"
    agent.save(update_fields=["language", "time_zone"])

    def due_row(response):
        assert response.status_code == 200, response.content
        return next(r for r in response.json()["results"] if r["note_key"] == "sla.due")

    row = due_row(api_as(agent).get(url, HTTP_ACCEPT_LANGUAGE="pl"))
    assert row["note"].startswith("Pierwsza odpowiedź: termin")
    assert "1 godzina" in row["note"]
    assert row["note"].endswith("czasu roboczego)")
    assert row["note_params"]["metric"] == "first_response"
    assert row["note_params"]["target"] == 3600
    with timezone.override(ZoneInfo("Europe/Warsaw")):
        local = timezone.localtime(clock.due_at)
    assert f"{local:%H:%M} CET" in row["note"]

    agent.language = "ru"
    agent.save(update_fields=["language"])
    row = due_row(api_as(agent).get(url, HTTP_ACCEPT_LANGUAGE="pl"))
    assert row["note"].startswith("Первый ответ: срок")


@pytest.mark.parametrize(
    ("language", "seconds", "expected"),
    [
        ("pl", 3600, "1 godzina"),
        ("pl", 2 * 3600 + 60, "2 godziny 1 minuta"),
        ("pl", 5 * 3600 + 120, "5 godzin 2 minuty"),
        ("pl", 22 * 3600 + 25 * 60, "22 godziny 25 minut"),
        ("ru", 3600 + 21 * 60, "1 час 21 минута"),
        ("ru", 3 * 3600 + 3 * 60, "3 часа 3 минуты"),
        ("ru", 11 * 3600, "11 часов"),
        ("en", 90, "1 minute"),
        ("en", 0, "0 minutes"),
    ],
)
def test_durations_take_the_plural_forms_of_the_language(language, seconds, expected):
    with translation.override(language):
        assert duration_text(seconds) == expected


def test_choice_values_and_nested_notes_are_translated():
    why = notes.note("escalation.level_time", level="L2")
    stored = notes.note("escalation.automatic", why=why)
    assert stored.params == {"why": {"key": "escalation.level_time", "params": {"level": "L2"}}}
    with translation.override("en"):
        assert str(stored) == "Escalated automatically: Level 2 time limit ran out."
    with translation.override("pl"):
        assert "Poziom 2" in str(stored)
    with translation.override("ru"):
        assert "Уровень 2" in str(stored)
    member = notes.note("escalation.team", role="customer_contact", who="Rita")
    with translation.override("pl"):
        assert str(member) == "Zespół eskalacyjny: Kontakt po stronie klienta Rita"


def test_texts_read_again_in_another_language_are_not_mixed_up(settings):
    stored = notes.note("escalation.automatic", why=notes.note("escalation.level_time", level="L2"))
    english = notes.render_stored(stored.key, stored.params)
    for _ in range(2):  # the second time from what was kept of the first
        with translation.override("pl"):
            polish = str(stored)
            assert notes.render_stored(stored.key, stored.params) == english
        assert "Poziom 2" in polish
        assert "Level 2" not in polish
        with translation.override("en"):
            assert str(stored) == english == "Escalated automatically: Level 2 time limit ran out."
    notes._TRANSLATED[("pl", "text", "escalation.automatic")] = "stale %(why)s"
    settings.LANGUAGES = [*settings.LANGUAGES]  # a change of the language settings
    with translation.override("pl"):
        assert str(stored) == polish


def test_an_older_free_text_note_still_shows(client, network_path, policy):
    ticket = create_ticket(user("agent1"), impact=2, urgency=2)
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.SLA,
        field="sla:resolution",
        note="Resolution due 2026-01-05T09:00:00+00:00 (target 8h 00m of business time)",
    )
    client.force_login(_as("agent1", "pl", "Europe/Warsaw"))
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "Resolution due" in page
    assert "(target 8h 00m of business time)" in page
    assert '<time datetime="2026-01-05T10:00:00+01:00"' in page


def test_the_escalation_history_reads_in_the_viewers_language(client, network_path, policy):
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=2, urgency=2)
        escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    until = timezone.now().replace(microsecond=0) + timedelta(days=2)
    with translation.override("en"):
        managed.managed_escalation_monitor(
            escalation=escalation, actor=user("manager"), until=until
        )
    client.force_login(_as("manager", "ru", "Asia/Tokyo"))
    page = client.get(reverse("escalations:detail", args=[escalation.pk])).content.decode()
    history = page[page.index('id="escalation-history"') :]
    assert "Период наблюдения назначен: он заканчивается <time" in history
    assert "Monitoring period" not in history
    stamp = until.astimezone(ZoneInfo("Asia/Tokyo")).isoformat(timespec="seconds")
    assert f'<time datetime="{stamp}"' in history


def test_a_message_quoting_a_note_reads_in_the_recipients_language(network_path, policy):
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=2, urgency=2)
        escalate.escalation_request(ticket=ticket, actor=user("agent1"), to_tier="MGMT", **HANDOFF)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    _as("manager", "pl", "Europe/Warsaw")
    with translation.override("en"):
        until = timezone.now() + timedelta(days=1)
        managed.managed_escalation_monitor(
            escalation=escalation, actor=user("manager"), until=until
        )
        # The system reopens it (the problem recurred during monitoring): the manager is told.
        managed.managed_escalation_reopen(
            escalation=escalation, actor=None, reason="It failed again."
        )
    body = Notification.objects.get(kind="escalation.reopened", recipient=user("manager")).body
    assert "Eskalacja znów aktywna: It failed again." in body

    # Instants inside a quoted note: the recipient's zone and locale.
    until = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    quoted = notes.event_fields(notes.note("escalation.monitoring", until=until))
    context = {"extra": {"note": quoted["note"], **quoted}, "ticket": {}, "escalation": {}}
    message = render_message(
        kind="escalation.closed", context=context, language="pl", time_zone="Europe/Warsaw"
    )
    assert "Okres monitorowania wyznaczony: kończy się 1 lipca" in message.text
    assert "14:00 CEST" in message.text


def test_a_stored_value_of_the_wrong_shape_shows_as_it_is():
    with translation.override("pl"):
        text = notes.render("sla.used", {"used": "soon"})
        assert text == notes.render("sla.used", {"used": "soon"}, html=True)
        assert "soon" in text
        assert notes.render("gone.key", {"a": 1}) == "gone.key {'a': 1}"


@pytest.mark.parametrize("language", ["en", "pl", "fr", "nl", "ru"])
def test_every_registered_message_renders_in_every_language(language):
    samples = {
        notes.WHEN: datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        notes.DURATION: 5400,
        notes.NUMBER: 2,
        notes.TEXT: "Rita",
        notes.NOTE: notes.note("sla.left_level"),
        notes.LINES: [notes.note("sla.left_level"), "Rita"],
    }
    with translation.override(language), timezone.override(ZoneInfo("Europe/Warsaw")):
        for key, message in notes.MESSAGES.items():
            values = {name: samples.get(kind, "L2") for name, kind in message.kinds.items()}
            stored = notes.note(key, **values)
            assert "%(" not in str(stored), key
            assert "%(" not in notes.render(key, stored.params, html=True), key
            english = notes.event_fields(stored)["note"]  # the same whatever is active
            with translation.override("en"):
                assert notes.event_fields(stored)["note"] == english, key
