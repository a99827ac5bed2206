"""Why a ticket escalated, why it has its priority, and the shift-end hand-over's
draft are stored as a message id and values (``tickets.notes``) beside an English
text, and read in the reader's language and time zone: the escalation page, the
API, messages. An older free-text row shows its text as written."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from escalations.models import Escalation, Handover
from escalations.services import escalate
from escalations.services.automatic import ticket_escalate_automatically
from escalations.services.duty.handover import ticket_hand_over
from notifications.models import Notification
from tests.duty.helpers import second_l1_team
from tests.escalations.data import HANDOFF, user
from tests.factories import create_ticket
from tickets import notes
from tickets.models import TicketEvent

POLISH = "Upłynął limit czasu na poziomie"
RUSSIAN = "Истёк лимит времени на уровне"


def _as(name: str, language: str, zone: str = "UTC"):
    person = user(name)
    person.language, person.time_zone = language, zone
    person.save(update_fields=["language", "time_zone"])
    return person


@pytest.fixture
def escalated_under_beat(network_path, policy):
    """A ticket the sweep escalated from L1 to L2 (its time limit ran out) with
    English active, as under beat; L2's agent reads Polish."""
    _as("agent2", "pl", "Europe/Warsaw")
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=2, urgency=2)
        escalation = ticket_escalate_automatically(
            ticket=ticket,
            trigger=Escalation.Trigger.TIME_LIMIT,
            key="clock:test:1",
            why=notes.note("escalation.level_time", level="L1"),
        )
    escalation.refresh_from_db()
    return escalation


def test_the_reason_is_stored_as_a_key_and_values_with_an_english_text(escalated_under_beat):
    escalation = escalated_under_beat
    assert escalation.reason_key == "escalation.level_time"
    assert escalation.reason_params == {"level": "L1"}
    assert escalation.reason == "Level 1 time limit ran out."
    # Its hand-off: English texts, and the notes they were written from.
    assert escalation.time_constraints == "Level 1 time limit ran out."
    assert escalation.assistance_requested == "Take over at the next level."
    assert escalation.handoff_notes["summary"] == {
        "key": "handoff.summary",
        "params": {
            "ref": escalation.ticket.reference,
            "title": escalation.ticket.title,
            "why": {"key": "escalation.level_time", "params": {"level": "L1"}},
        },
    }
    # The trail's "Escalated: ..." quotes the reason as a note, not as its English text.
    quoted = TicketEvent.objects.filter(ticket=escalation.ticket, note_key="escalation.escalated")
    assert quoted.exists()
    for event in quoted:
        assert event.note_params["reason"] == {
            "key": "escalation.level_time",
            "params": {"level": "L1"},
        }


@pytest.mark.parametrize(("language", "words"), [("pl", POLISH), ("ru", RUSSIAN)])
def test_the_escalation_page_shows_the_reason_in_the_readers_language(
    client, escalated_under_beat, language, words
):
    client.force_login(_as("agent2", language))
    url = reverse("escalations:detail", args=[escalated_under_beat.pk])
    page = client.get(url).content.decode()
    handoff = page[page.index('class="handoff') :]
    assert f'comment-body">{words}' in handoff  # the reason's row
    # The hand-off texts the escalation wrote for itself, in the reader's language too.
    assert "time limit ran out" not in handoff
    assert "Take over at the next level." not in handoff
    assert "Rita &lt;rita@example.com&gt;" in handoff  # names as they are


def test_the_api_renders_the_reason_and_exposes_its_key_and_values(api_as, escalated_under_beat):
    url = f"/api/v1/escalations/{escalated_under_beat.pk}/"
    agent = _as("agent2", "")
    row = api_as(agent).get(url, HTTP_ACCEPT_LANGUAGE="pl").json()
    assert row["reason"].startswith(POLISH)
    assert (row["reason_key"], row["reason_params"]) == ("escalation.level_time", {"level": "L1"})
    assert set(row["handoff_notes"]) == {
        "summary",
        "steps_taken",
        "impact_assessment",
        "time_constraints",
        "assistance_requested",
    }
    assert row["time_constraints"].startswith(POLISH)
    assert row["handoff_notes"]["steps_taken"] == {"key": "handoff.comments", "params": {"n": 0}}
    _as("agent2", "ru")
    assert api_as(agent).get(url).json()["reason"].startswith(RUSSIAN)
    schema = api_as(agent).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documented = schema["components"]["schemas"]["Escalation"]["properties"]
    assert {"reason", "reason_key", "reason_params"} <= set(documented)
    assert "Message id" in documented["reason_key"]["description"]


def test_the_message_to_the_next_level_reads_the_reason_in_its_language(escalated_under_beat):
    message = Notification.objects.get(
        kind="escalation.escalated", recipient=user("agent2"), ticket=escalated_under_beat.ticket
    )
    assert f": {POLISH}" in message.body


def test_a_persons_reason_and_an_older_free_text_reason_show_as_written(
    client, api_as, network_path, policy
):
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=2, urgency=2)
        manual = escalate.escalation_request(
            ticket=ticket, actor=user("agent1"), to_tier="L2", reason="Needs routing", **HANDOFF
        )
    assert (manual.reason, manual.reason_key, manual.reason_params) == ("Needs routing", "", {})
    assert manual.handoff_notes == {}  # a person's hand-off: their words
    # A row written before reasons were kept language-neutral.
    Escalation.objects.filter(pk=manual.pk).update(reason="L1 time limit ran out")
    agent = _as("agent2", "pl")
    client.force_login(agent)
    page = client.get(reverse("escalations:detail", args=[manual.pk])).content.decode()
    assert "L1 time limit ran out" in page
    row = api_as(agent).get(f"/api/v1/escalations/{manual.pk}/").json()
    assert (row["reason"], row["reason_key"], row["reason_params"]) == (
        "L1 time limit ran out",
        "",
        {},
    )


def test_a_priority_decided_by_the_rules_reads_in_the_readers_language(client, network_path):
    from escalations.models import PriorityCriterion

    PriorityCriterion.objects.create(name="VIP", minimum_priority="P1", if_security=True)
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=3, urgency=3, is_security=True)
    event = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.CREATED)
    assert event.note_key == "priority.criteria"
    assert event.note == "P1 by criteria: VIP (P3 from impact 3 x urgency 3)"
    with translation.override("pl"):
        polish = notes.render_event(event)
    assert polish != event.note
    assert "VIP" in polish
    assert "P3" in polish


@pytest.fixture
def handed_over(network_path, policy):
    """A P1 ticket with an SLA note on its timeline and a comment, handed over from
    the Service Desk to APAC with English active."""
    from tickets import services

    agent = user("agent1")
    with translation.override("en"):
        ticket = create_ticket(agent, impact=1, urgency=1, title="Checkout down")
    apac = second_l1_team(network_path)
    with translation.override("en"):
        services.comment_add(ticket=ticket, actor=agent, body="Rebooted the gateway.")
        ticket.refresh_from_db()
        handover = ticket_hand_over(
            ticket=ticket, level=None, to_team=apac, now=timezone.now(), tell=True
        )
    return Handover.objects.get(pk=handover.pk)


def test_the_handover_draft_is_stored_as_lines_of_notes(handed_over):
    assert handed_over.draft_key == "handover.draft"
    lines = handed_over.draft_params["lines"]
    assert lines[0]["key"] == "handover.head"
    assert lines[0]["params"]["status"] == handed_over.ticket.status  # a code, read as a label
    changes = [line for line in lines if line.get("key") == "handover.change"]
    # The timeline's system notes are quoted as notes (read in the reader's language).
    assert any(isinstance(c["params"]["what"], dict) for c in changes)
    said = [line["params"] for line in lines if line.get("key") == "handover.comment"]
    assert [p["body"] for p in said] == ["Rebooted the gateway."]
    assert "Checkout down" in handed_over.draft
    assert "Recent changes:" in handed_over.draft


def test_the_handover_draft_reads_in_the_readers_language_and_zone(api_as, handed_over):
    reader = _as("agent_apac", "pl", "Europe/Warsaw")  # the team taking over
    rows = api_as(reader).get(f"/api/v1/duty/handovers/?ticket={handed_over.ticket_id}").json()
    row = rows["results"][0] if isinstance(rows, dict) else rows[0]
    assert row["draft_key"] == "handover.draft"
    assert "Ostatnie zmiany:" in row["draft"]
    assert "Recent changes:" not in row["draft"]
    assert "Rebooted the gateway." in row["draft"]  # people's words as written
    created = TicketEvent.objects.filter(ticket=handed_over.ticket).earliest("created_at")
    local = timezone.localtime(created.created_at, ZoneInfo("Europe/Warsaw"))
    assert re.search(rf"{local:%H:%M} CES?T", row["draft"])


def test_the_handover_message_quotes_the_draft_in_the_recipients_language(network_path, policy):
    _as("agent1", "ru")
    with translation.override("en"):
        ticket = create_ticket(user("agent1"), impact=1, urgency=1)
    apac = second_l1_team(network_path)
    ticket.refresh_from_db()
    with translation.override("en"):
        ticket_hand_over(ticket=ticket, level=None, to_team=apac, now=timezone.now())
    body = Notification.objects.get(kind="duty.handed_over", recipient=user("agent1")).body
    assert "Последние изменения:" in body
    assert "Recent changes:" not in body


def test_an_older_free_text_draft_still_shows(api_as, handed_over):
    Handover.objects.filter(pk=handed_over.pk).update(
        draft="ESC-1 old draft", draft_key="", draft_params={}
    )
    rows = api_as(_as("agent_apac", "pl")).get("/api/v1/duty/handovers/").json()
    row = rows["results"][0] if isinstance(rows, dict) else rows[0]
    assert (row["draft"], row["draft_key"], row["draft_params"]) == ("ESC-1 old draft", "", {})
