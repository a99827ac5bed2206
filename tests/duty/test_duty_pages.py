"""Duty pages: the escalation directory, a team's schedule, assign next and the
calendar feed; query counts pinned."""

import re
from datetime import date, time

import pytest
from django.urls import reverse
from django.utils import timezone

from escalations.models import DutyProfile, Rotation, RotationMember, Shift, TeamSchedule
from tests.duty.helpers import H, on_duty, second_l1_team
from tests.factories import TicketFactory
from tickets.models import Team, User


@pytest.fixture
def scheduled(network_path):
    now = timezone.now()
    emea = Team.objects.get(name="Service Desk")
    apac = second_l1_team(network_path)
    on_duty(emea, (now - H, now + H))
    on_duty(apac, (now + H, now + 3 * H))
    management = Team.objects.get(name="IT Management")
    schedule = TeamSchedule.objects.create(team=management, time_zone="Europe/Warsaw")
    rotation = Rotation.objects.create(
        schedule=schedule, name="Managers", shift_hours=168, starts_on=date(2026, 1, 5)
    )
    boss = User.objects.get(username="manager")
    RotationMember.objects.create(rotation=rotation, user=boss)
    DutyProfile.objects.create(user=boss, phone="+48 600 000 000")
    return emea, apac


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_directory_shows_who_is_on_duty_now_and_next(client, scheduled):
    response = login(client, "agent1").get(reverse("escalations:duty_directory"))
    assert response.status_code == 200
    rows = {row.team.name: row for row in response.context["rows"]}
    assert rows["Service Desk"].on_duty
    assert not rows["Service Desk APAC"].on_duty
    assert [p.user.username for p in rows["Service Desk APAC"].next] == ["agent_apac"]
    assert "+48 600 000 000" in response.content.decode()


def test_directory_shows_shift_times_like_every_other_time(client, scheduled):
    """The end of the current shift and the next one: relative, exact on hover."""
    html = login(client, "agent1").get(reverse("escalations:duty_directory")).content.decode()
    emea, apac = scheduled
    rows = html.split("</tbody>")[0].split("<tr ")
    emea_row = next(row for row in rows if f'data-team="{emea.pk}"' in row and "ends <time" in row)
    assert re.search(r'ends <time datetime="[^"]+" title="[^"]+">in \d+\sminutes</time>', emea_row)
    apac_row = next(row for row in rows if f'data-team="{apac.pk}"' in row)
    assert '<time datetime="' in apac_row.split('data-label="Next"')[1]


def test_directory_is_searchable(client, scheduled):
    response = login(client, "agent1").get(reverse("escalations:duty_directory"), {"q": "apac"})
    assert [row.team.name for row in response.context["rows"]] == ["Service Desk APAC"]


def test_directory_queries_do_not_grow_with_teams(client, scheduled, django_assert_max_num_queries):
    login(client, "agent1")
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("escalations:duty_directory"))
    for i in range(5):
        team = second_l1_team(
            Team.objects.get(name="Service Desk").escalation_levels.first().path,
            name=f"Desk {i}",
            member=f"desk{i}",
        )
        on_duty(team, (timezone.now(), timezone.now() + H))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("escalations:duty_directory"))


def test_requesters_do_not_see_the_directory(client, scheduled, requester):
    client.force_login(requester)
    assert client.get(reverse("escalations:duty_directory")).status_code == 403


def test_schedule_page_shows_two_weeks(client, scheduled, django_assert_max_num_queries):
    emea, _apac = scheduled
    Shift.objects.filter(schedule__team=emea).delete()
    Shift.objects.create(schedule=emea.schedule, weekday=0, start=time(9), end=time(17))
    login(client, "agent1")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("escalations:duty_schedule", args=[emea.pk]))
    assert response.status_code == 200
    assert len(response.context["grid"]) == 14
    assert sum(c["state"] == "on" for d in response.context["grid"] for c in d["cells"]) >= 16


def test_assign_next_button(client, scheduled):
    emea, _apac = scheduled
    ticket = TicketFactory(team=emea, impact=1, urgency=1)
    response = login(client, "agent1").post(reverse("escalations:duty_assign_next"))
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee.username == "agent1"


def test_calendar_feed_lists_duties_behind_a_token(client, scheduled):
    boss = User.objects.get(username="manager")
    token = DutyProfile.objects.get(user=boss).feed_token
    response = client.get(reverse("escalations:duty_feed", args=[token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:On call: IT Management" in body
    assert client.get(reverse("escalations:duty_feed", args=["wrong"])).status_code == 404


def test_agent_writes_the_hand_over_note_on_the_ticket_page(client, scheduled, policy):
    from escalations.models import HandoverNote
    from tests.factories import create_ticket

    ticket = create_ticket(User.objects.get(username="agent1"))
    login(client, "agent1")
    page = client.get(ticket.get_absolute_url())
    assert 'id="handover-panel"' in page.content.decode()
    url = reverse("escalations:duty_handover_note", args=[ticket.pk])
    assert client.post(url, {"text": "Waiting for the ISP."}).status_code == 302
    assert HandoverNote.objects.get(ticket=ticket).text == "Waiting for the ISP."


def test_the_ticket_page_shows_hand_over_times_like_every_other_time(client, scheduled, policy):
    from datetime import timedelta

    from django.utils import timezone

    from escalations.models import Handover
    from tests.factories import create_ticket

    ticket = create_ticket(User.objects.get(username="agent1"))
    Handover.objects.create(
        ticket=ticket,
        number=1,
        from_team=ticket.team,
        to_team=ticket.team,
        draft="",
        handed_at=timezone.now() - timedelta(hours=2),
    )
    login(client, "agent1")
    panel = client.get(ticket.get_absolute_url()).content.decode().split('id="handover-panel"')[1]
    assert "<time datetime=" in panel.split("</ul>")[0]
    assert "2\xa0hours ago" in panel


def test_demo_data_has_two_regional_service_desks(db, settings):
    from django.core.management import call_command

    from escalations.models import TeamSchedule

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    zones = dict(TeamSchedule.objects.values_list("team__name", "time_zone"))
    assert zones["Service Desk"] == "Europe/Warsaw"
    assert zones["Service Desk APAC"] == "Asia/Singapore"
    levels = Team.objects.get(name="Service Desk APAC").escalation_levels.all()
    assert levels.count() == 2
    call_command("seed_demo", verbosity=0)  # idempotent
    assert TeamSchedule.objects.count() == 3
