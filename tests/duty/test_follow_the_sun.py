"""Follow-the-sun: a ticket goes to the level's team on duty, and at the end of a
team's duty its open P1/P2 tickets are handed over to the team taking over."""

import pytest
from django.utils import timezone

from escalations.models import Handover, HandoverNote, LevelHandover, SlaClock, TicketRoute
from escalations.services.duty.handover import handover_sweep
from notifications.models import Notification
from tests.duty.helpers import H, on_duty, second_l1_team
from tests.factories import create_ticket
from tickets.models import Team, TicketEvent, User


@pytest.fixture
def two_regions(network_path, policy):
    """Service Desk (EMEA) on duty for the next hour, APAC for the hour after."""
    now = timezone.now()
    emea = Team.objects.get(name="Service Desk")
    apac = second_l1_team(network_path)
    on_duty(emea, (now - H, now + H))
    on_duty(apac, (now + H, now + 3 * H))
    return emea, apac, now


def test_new_ticket_goes_to_the_team_on_duty(two_regions):
    emea, apac, now = two_regions
    on_duty(emea)  # keep EMEA as it is
    TicketRoute.objects.all().delete()
    apac.schedule.overrides.update(starts_at=now - 2 * H)
    emea.schedule.overrides.update(starts_at=now - 3 * H, ends_at=now - 2 * H)
    ticket = create_ticket(User.objects.get(username="agent1"), impact=1, urgency=1)
    ticket.refresh_from_db()
    assert ticket.team == apac


def test_level_with_nobody_on_duty_takes_the_soonest_team_and_tells_its_managers(two_regions):
    emea, apac, now = two_regions
    emea.schedule.overrides.update(starts_at=now + 5 * H, ends_at=now + 6 * H)
    ticket = create_ticket(User.objects.get(username="agent1"))
    ticket.refresh_from_db()
    assert ticket.team == apac  # on duty from now + 1 h, EMEA only from now + 5 h
    told = Notification.objects.filter(kind="duty.level_off_duty", ticket=ticket)
    assert {n.recipient.username for n in told} == {"manager", "agent_apac_lead"}


def test_shift_end_hands_open_p1_and_p2_tickets_over_once(two_regions):
    emea, apac, now = two_regions
    agent = User.objects.get(username="agent1")
    urgent = create_ticket(agent, impact=1, urgency=1)
    low = create_ticket(agent, impact=4, urgency=4)
    urgent.refresh_from_db()
    assert urgent.team == emea
    services_assign(urgent, agent)
    HandoverNote.objects.create(ticket=urgent, text="Router rebooted; waiting for ISP.")
    clock = SlaClock.objects.get(ticket=urgent, metric="resolution")
    level_clock = SlaClock.objects.get(ticket=urgent, metric="level")

    assert handover_sweep(now=now + H / 2).handed_over == 0  # EMEA still on duty
    result = handover_sweep(now=now + H + H / 60)
    assert result.handed_over == 1
    assert handover_sweep(now=now + H + H / 30).handed_over == 0

    urgent.refresh_from_db()
    low.refresh_from_db()
    assert urgent.team == apac
    assert urgent.assignee is None
    assert low.team == emea
    handover = Handover.objects.get(ticket=urgent)
    assert handover.number == 1
    assert (handover.from_team, handover.to_team, handover.from_assignee) == (emea, apac, agent)
    assert handover.note == "Router rebooted; waiting for ISP."
    assert urgent.reference in handover.draft
    assert not HandoverNote.objects.filter(ticket=urgent).exists()
    assert urgent.events.filter(kind=TicketEvent.Kind.CHANGED, field="handover").count() == 1
    told = {n.recipient.username for n in Notification.objects.filter(kind="duty.handed_over")}
    assert {"agent1", "agent_apac", "agent_apac_lead"} <= told
    # The clocks keep running: same start, time used kept; the level clock is untouched.
    clock_after = SlaClock.objects.get(pk=clock.pk)
    assert clock_after.state == "running"
    assert clock_after.started_at == clock.started_at
    level_after = SlaClock.objects.get(pk=level_clock.pk)
    assert (level_after.cycle, level_after.started_at) == (
        level_clock.cycle,
        level_clock.started_at,
    )


def test_level_decides_which_priorities_are_handed_over(two_regions, network_path):
    emea, apac, now = two_regions
    level = network_path.levels.get(position=1)
    LevelHandover.objects.create(level=level, priorities="P1")
    agent = User.objects.get(username="agent1")
    p1 = create_ticket(agent, impact=1, urgency=1)
    p2 = create_ticket(agent, impact=1, urgency=3)
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.priority, p2.priority) == ("P1", "P2")
    handover_sweep(now=now + H + H / 60)
    p1.refresh_from_db()
    p2.refresh_from_db()
    assert (p1.team, p2.team) == (apac, emea)


def test_levels_whose_teams_are_all_off_duty_keep_their_tickets(two_regions):
    emea, _apac, now = two_regions
    ticket = create_ticket(User.objects.get(username="agent1"), impact=1, urgency=1)
    assert handover_sweep(now=now + 4 * H).handed_over == 0
    ticket.refresh_from_db()
    assert ticket.team == emea


def services_assign(ticket, agent):
    from tickets import services

    services.ticket_update(ticket=ticket, actor=agent, data={"assignee": agent})
