"""The duty API: directory, schedules and timelines, overrides and absences
(field errors for bad input, permissions on every object), hand-overs, notes,
assign next, the feed address."""

import pytest
from django.utils import timezone

from escalations.models import Absence, DutyOverride, Handover, HandoverNote
from escalations.services.duty.handover import handover_sweep
from tests.duty.helpers import H, on_duty, second_l1_team
from tests.factories import TicketFactory, UserFactory, create_ticket
from tickets.models import Team, User


@pytest.fixture
def regions(network_path, policy):
    now = timezone.now()
    emea = Team.objects.get(name="Service Desk")
    apac = second_l1_team(network_path)
    on_duty(emea, (now - H, now + H))
    on_duty(apac, (now + H, now + 3 * H))
    return emea, apac, now


def as_user(api_as, username):
    return api_as(User.objects.get(username=username))


def test_directory_lists_levels_and_teams(api_as, regions, django_assert_max_num_queries):
    client = as_user(api_as, "agent1")
    with django_assert_max_num_queries(20):
        response = client.get("/api/v1/duty/directory/", {"q": "service desk"})
    assert response.status_code == 200
    rows = {row["team"]: row for row in response.json()["results"]}
    assert rows["Service Desk"]["on_duty"] is True
    assert rows["Service Desk APAC"]["next"][0]["name"]


def test_requesters_get_no_duty_api(api_as, regions, requester):
    assert api_as(requester).get("/api/v1/duty/directory/").status_code == 403


def test_schedule_timeline(api_as, regions):
    emea, _apac, _now = regions
    client = as_user(api_as, "agent1")
    listed = client.get("/api/v1/duty/schedules/").json()["results"]
    schedule_id = next(row["id"] for row in listed if row["team"] == emea.pk)
    pieces = client.get(f"/api/v1/duty/schedules/{schedule_id}/timeline/", {"days": 2}).json()
    assert pieces[0]["on_duty"] is True
    bad = client.get(f"/api/v1/duty/schedules/{schedule_id}/timeline/", {"days": 99})
    assert bad.status_code == 400
    assert "days" in bad.json()


def test_override_ending_before_it_starts_is_a_field_error(api_as, regions):
    emea, _apac, now = regions
    client = as_user(api_as, "manager")  # manages every team of the path
    body = {
        "schedule": emea.schedule.pk,
        "kind": "person",
        "user": User.objects.get(username="agent1").pk,
        "starts_at": (now + H).isoformat(),
        "ends_at": now.isoformat(),
    }
    response = client.post("/api/v1/duty/overrides/", body, format="json")
    assert response.status_code == 400
    assert "ends_at" in response.json()
    body |= {"ends_at": (now + 2 * H).isoformat()}
    assert client.post("/api/v1/duty/overrides/", body, format="json").status_code == 201
    assert (
        client.post("/api/v1/duty/overrides/", body | {"kind": "on"}, format="json").status_code
        == 400
    )


def test_only_the_teams_manager_overrides_its_duty(api_as, regions):
    emea, _apac, now = regions
    body = {
        "schedule": emea.schedule.pk,
        "kind": "off",
        "starts_at": now.isoformat(),
        "ends_at": (now + H).isoformat(),
    }
    response = as_user(api_as, "agent1").post("/api/v1/duty/overrides/", body, format="json")
    assert response.status_code == 403
    assert DutyOverride.objects.filter(kind="off").count() == 0


def test_absences_are_ones_own_unless_managing(api_as, regions):
    _emea, _apac, now = regions
    body = {"kind": "sick", "starts_at": now.isoformat(), "ends_at": (now + H).isoformat()}
    client = as_user(api_as, "agent1")
    assert client.post("/api/v1/duty/absences/", body, format="json").status_code == 201
    other = {**body, "user": User.objects.get(username="agent2").pk}
    assert client.post("/api/v1/duty/absences/", other, format="json").status_code == 403
    late = {**body, "ends_at": (now - H).isoformat()}
    assert client.post("/api/v1/duty/absences/", late, format="json").status_code == 400
    assert Absence.objects.count() == 1
    assert len(client.get("/api/v1/duty/absences/").json()["results"]) == 1
    assert as_user(api_as, "agent2").get("/api/v1/duty/absences/").json()["results"] == []
    assert len(as_user(api_as, "manager").get("/api/v1/duty/absences/").json()["results"]) == 1


def test_handover_note_and_handovers(api_as, regions):
    _emea, apac, now = regions
    ticket = create_ticket(User.objects.get(username="agent1"), impact=1, urgency=1)
    client = as_user(api_as, "agent1")
    body = {"ticket": ticket.pk, "text": "Rebooted the router."}
    assert client.post("/api/v1/duty/handover-notes/", body, format="json").status_code == 200
    assert HandoverNote.objects.get(ticket=ticket).text == "Rebooted the router."
    handover_sweep(now=now + H + H / 60)
    assert Handover.objects.get(ticket=ticket).note == "Rebooted the router."
    listed = as_user(api_as, "agent_apac").get("/api/v1/duty/handovers/", {"ticket": ticket.pk})
    assert listed.json()["results"][0]["to_team"] == apac.pk
    counts = as_user(api_as, "agent_apac").get("/api/v1/duty/handovers/counts/").json()
    assert counts["results"] == [{"ticket": ticket.pk, "handovers": 1}]
    outsider = UserFactory(username="outsider")
    Team.objects.get(name="Network Engineering").members.add(outsider)
    assert api_as(outsider).get("/api/v1/duty/handovers/").json()["results"] == []
    hidden = api_as(outsider).post("/api/v1/duty/handover-notes/", body, format="json")
    assert hidden.status_code == 404


def test_assign_next_and_feed(api_as, regions):
    emea, _apac, _now = regions
    ticket = TicketFactory(team=emea, impact=1, urgency=1)
    client = as_user(api_as, "agent1")
    response = client.post("/api/v1/duty/assign-next/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["ticket"] == ticket.pk
    assert client.post("/api/v1/duty/assign-next/", {}, format="json").status_code == 204
    assert client.get("/api/v1/duty/feed/").json()["url"].endswith(".ics")
