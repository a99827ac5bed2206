"""The timeline in a real browser, for a Polish agent in Warsaw: notes the system
wrote in English under beat read in Polish, with times in the agent's zone."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from playwright.sync_api import expect

from escalations.models import SlaClock
from tests.factories import create_ticket
from tickets.models import User

pytestmark = pytest.mark.e2e


def test_a_polish_agent_reads_system_notes_in_polish(new_page, log_in, network_path, policy):
    agent = User.objects.get(username="agent1")
    with translation.override("en"):
        ticket = create_ticket(agent, title="VPN drops every hour", impact=2, urgency=2)
    agent.language, agent.time_zone = "pl", "Europe/Warsaw"
    agent.save(update_fields=["language", "time_zone"])
    due = SlaClock.objects.get(ticket=ticket, metric="first_response").due_at

    page = log_in(new_page(), "agent1")
    page.goto(ticket.get_absolute_url())

    timeline = page.locator("#timeline")
    note = timeline.locator("li.event", has_text="Pierwsza odpowiedź: termin").first
    expect(note).to_be_visible()
    expect(note).to_contain_text("cel: 1 godzina czasu roboczego")
    expect(timeline).not_to_contain_text("First response due")
    stamp = note.locator("div.small.text-muted time").first  # the due time inside the note
    local = due.astimezone(ZoneInfo("Europe/Warsaw"))
    expect(stamp).to_have_attribute("datetime", local.isoformat(timespec="seconds"))
    title = stamp.get_attribute("title")
    assert title.endswith("CET")
    assert f"{local:%H:%M}" in title
    expect(stamp).to_contain_text("za ")  # relative, in Polish: "za 59 minut"
