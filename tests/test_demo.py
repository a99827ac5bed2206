from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.utils import timezone

from escalations.clockstates import COUNTING
from escalations.models import PriorityCriterion, SlaClock, SlaPolicy
from escalations.services.sla import governing
from escalations.services.sweep import sla_sweep
from tickets.models import Status, Team, Ticket, TicketEvent, User


def test_seed_demo_builds_the_demo_world_once(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    tickets = Ticket.objects.count()
    assert tickets >= 24
    assert set(Team.objects.values_list("name", "tier")) == {
        ("Service Desk", "L1"),
        ("Network Engineering", "L2"),
        ("Senior Architects", "L3"),
        ("IT Management", "MGMT"),
        ("Service Desk APAC", "L1"),  # duty: the second regional service desk
    }
    for username in ("admin", "agent1", "agent2", "agent3", "agent4", "manager", "customer"):
        assert User.objects.get(username=username).check_password("demo")
    assert User.objects.get(username="admin").is_superuser
    manager = User.objects.get(username="manager")
    assert Team.objects.filter(manager=manager).count() == 5
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert SlaPolicy.objects.filter(is_active=True).count() >= 5
    assert PriorityCriterion.objects.filter(is_active=True).exists()
    assert SlaClock.objects.filter(state="running").exists()
    # Aged clocks are laid out again on their calendars, and the queue's kept sort
    # key follows them: what the queue shows agrees with the ticket's clocks.
    now = timezone.now()
    for clock in SlaClock.objects.filter(state="running").select_related("calendar"):
        left = governing.remaining(clock, now)
        assert (left <= timedelta(0)) == (clock.due_at <= now), clock
    for ticket in Ticket.objects.filter(sla_clocks__state="running").distinct():
        counting = ticket.sla_clocks.filter(state__in=COUNTING)
        assert ticket.sla_due_at == min(c.due_at for c in counting), ticket
    # An aged ticket was opened as long ago as its clocks started, its timeline too.
    for ticket in Ticket.objects.filter(sla_clocks__isnull=False).distinct():
        started = min(c.started_at for c in ticket.sla_clocks.all())
        assert abs(started - ticket.created_at) < timedelta(minutes=1), ticket
        first = ticket.events.order_by("created_at").first()
        assert first is None or first.created_at >= ticket.created_at - timedelta(seconds=1)
    assert Ticket.objects.filter(created_at__lt=now - timedelta(minutes=30)).exists()
    # Some clocks were aged, so the first sweep has warnings and breaches to record.
    swept = sla_sweep()
    assert swept.warnings + swept.breaches > 0
    events = TicketEvent.objects.count()

    call_command("seed_demo", verbosity=0)
    assert Ticket.objects.count() == tickets
    assert TicketEvent.objects.count() == events


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not Ticket.objects.exists()
    call_command("seed_demo", "--force", verbosity=0)
    assert Ticket.objects.exists()


def test_seed_demo_belongs_to_the_app_that_may_import_every_other():
    assert get_commands()["seed_demo"] == "reports"
