"""Demo configuration: calendars, SLA policies and priority criteria. Idempotent."""

import random
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import F

from escalations import clocks
from escalations.models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPath,
    Holiday,
    PriorityCriterion,
    SlaClock,
    SlaPolicy,
    TeamCalendar,
    TicketRoute,
    WorkingInterval,
)
from escalations.services.escalate import escalation_request
from escalations.services.sla.governing import calendar_spec
from escalations.services.sla.urgency import clock_save
from tickets.models import (
    Attachment,
    Category,
    Comment,
    Organization,
    Team,
    Ticket,
    TicketEvent,
    Tier,
    User,
)

# priority: (first response, next update, resolution) in business minutes
POLICIES = {
    "P1": (15, 30, 4 * 60),
    "P2": (60, 120, 8 * 60),
    "P3": (4 * 60, 8 * 60, 3 * 8 * 60),
    "P4": (8 * 60, None, 10 * 8 * 60),
}
HOLIDAYS = [
    (date(2026, 1, 1), "New Year", True),
    (date(2026, 12, 25), "Christmas", True),
    (date(2026, 12, 26), "Second day of Christmas", True),
    (date(2026, 5, 1), "Labour Day", True),
    (date(2026, 4, 6), "Easter Monday", False),
]


@transaction.atomic
def seed_sla() -> None:
    office, created = BusinessCalendar.objects.get_or_create(
        name="Warsaw office hours", defaults={"time_zone": "Europe/Warsaw"}
    )
    if created:
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=office, weekday=day, start=time(8), end=time(18))
            for day in range(5)
        )
        Holiday.objects.bulk_create(
            Holiday(calendar=office, date=d, name=n, recurring=r) for d, n, r in HOLIDAYS
        )
    always, _ = BusinessCalendar.objects.get_or_create(name="24x7", defaults={"is_24x7": True})
    for team in Team.objects.filter(tier__in=[Tier.L1, Tier.L2]):
        TeamCalendar.objects.get_or_create(team=team, defaults={"calendar": office})
    for team in Team.objects.filter(tier__in=[Tier.L3, Tier.MGMT]):
        TeamCalendar.objects.get_or_create(team=team, defaults={"calendar": always})
    for priority, (first, update, resolution) in POLICIES.items():
        SlaPolicy.objects.get_or_create(
            name=f"Standard {priority}",
            defaults={
                "priority": priority,
                "first_response_minutes": first,
                "next_update_minutes": update,
                "resolution_minutes": resolution,
                "calendar": always if priority == "P1" else None,
            },
        )
    SlaPolicy.objects.get_or_create(
        name="VIP P2",
        defaults={
            "priority": "P2",
            "organization_tier": Organization.Tier.VIP,
            "first_response_minutes": 30,
            "next_update_minutes": 60,
            "resolution_minutes": 4 * 60,
            "calendar": always,
        },
    )
    SlaPolicy.objects.get_or_create(
        name="Fallback",
        defaults={"first_response_minutes": 8 * 60, "resolution_minutes": 10 * 8 * 60},
    )
    _seed_paths(
        security=Category.objects.filter(name="Security").first(),
        network=Category.objects.filter(name="Network").first(),
    )
    security = Category.objects.filter(name="Security").first()
    criteria = [
        (
            "Security incidents",
            {
                "if_security": True,
                "minimum_priority": "P1",
                "jump_to_level": Tier.L3,
                "notify_management": True,
            },
        ),
        ("Safety issues", {"if_safety": True, "minimum_priority": "P1", "notify_management": True}),
        ("Legal / compliance", {"if_legal": True, "minimum_priority": "P2"}),
        ("VIP customers", {"organization_tier": Organization.Tier.VIP, "minimum_priority": "P2"}),
        (
            "Outage keywords",
            {"keywords": "outage, down for everyone, data loss", "minimum_priority": "P2"},
        ),
        ("Security category", {"category": security, "minimum_priority": "P2"}),
    ]
    for position, (name, fields) in enumerate(criteria):
        PriorityCriterion.objects.get_or_create(
            name=name, defaults={"position": position, **fields}
        )


def age_some_clocks(*, seed: int = 7) -> int:
    """Move the clocks of a few open tickets back in time, as if they had waited a
    while, so the demo shows tickets at risk and the sweep breaching on start-up.

    Each clock's running stretch starts earlier and its warning and due times are
    laid out again on its calendar (so the business time left agrees with the due
    time), and the ticket's queue sort key follows, as the SLA services keep them.
    The ticket was opened as much earlier, with what its timeline holds (tickets
    already escalated are left as they are: their escalations happened now)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    ticket_ids = sorted(
        set(
            SlaClock.objects.filter(
                state="running", warned_at__isnull=True, breached_at__isnull=True
            )
            .exclude(ticket__escalations__isnull=False)
            .values_list("ticket_id", flat=True)
        )
    )
    aged = 0
    for ticket_id in ticket_ids[::3]:
        delta = timedelta(minutes=rng.randint(30, 600))
        running = SlaClock.objects.filter(ticket_id=ticket_id, state="running")
        for clock in running.select_related("calendar"):
            clock.started_at -= delta
            clock.resumed_at -= delta
            clocks.schedule(clock, calendar_spec(clock.calendar))
            clock_save(clock)
            aged += 1
        earlier = F("created_at") - delta
        Ticket.objects.filter(pk=ticket_id).update(created_at=earlier)
        for model in (Comment, TicketEvent, Attachment):
            model.objects.filter(ticket_id=ticket_id).update(created_at=earlier)
        TicketRoute.objects.filter(ticket_id=ticket_id).update(entered_at=F("entered_at") - delta)
    return aged


def _seed_paths(*, security, network) -> None:
    teams = {team.tier: team for team in Team.objects.order_by("-name")}
    paths = [
        # the seeds' network-outage path: L1 -> L2 -> L3 (and the vendor) -> management
        (
            "Network outage",
            network,
            False,
            [
                (Tier.L1, 30, False, ""),
                (Tier.L2, 60, True, ""),
                (Tier.L3, 120, True, "Vendor: Acme Networks NOC, +48 22 000 00 00"),
                (Tier.MGMT, None, False, ""),
            ],
        ),
        (
            "Standard",
            None,
            True,
            [
                (Tier.L1, 4 * 60, False, ""),
                (Tier.L2, 8 * 60, True, ""),
                (Tier.L3, 16 * 60, True, ""),
                (Tier.MGMT, None, False, ""),
            ],
        ),
    ]
    for name, category, default, levels in paths:
        path, created = EscalationPath.objects.get_or_create(
            name=name, defaults={"category": category, "is_default": default}
        )
        if not created:
            continue
        for position, (tier, limit, approval, note) in enumerate(levels, start=1):
            level = EscalationLevel.objects.create(
                path=path,
                position=position,
                tier=tier,
                time_limit_minutes=limit,
                approval_required=approval,
                notify_manager=True,
                note=note,
            )
            if tier in teams:
                level.teams.add(teams[tier])


HANDOFF = {
    "summary": "Customer-facing problem not solved at the service desk.",
    "steps_taken": "Checked the knowledge base, reproduced the problem, restarted the service.",
    "impact_assessment": "Several users blocked; workaround is slow.",
    "customer_context": "The requester needs it fixed before the end of the week.",
    "time_constraints": "Resolution target in two business days.",
    "assistance_requested": "Diagnose the root cause at the next tier.",
}


def escalate_some() -> int:
    """Escalate a few open L1 tickets by hand, as an agent would (some then await
    approval), so the escalation pages have something to show."""
    agent = User.objects.filter(username="agent1").first()
    if agent is None:
        return 0
    done = 0
    for ticket in Ticket.objects.filter(level=Tier.L1, status__in=["new", "open"]).order_by("id")[
        ::4
    ]:
        escalation_request(
            ticket=ticket, actor=agent, to_tier=Tier.L2, reason="Needs the network team.", **HANDOFF
        )
        done += 1
    return done
