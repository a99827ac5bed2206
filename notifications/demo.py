"""Demo data of the notification layer."""

from notifications.models import Audience, CommunicationPlan
from notifications.services.plans import audiences_clean, cadences_resync

DEMO_PLANS = {
    "P1": (
        30,
        [Audience.REQUESTER, Audience.ORGANIZATION, Audience.ESCALATION_TEAM, Audience.MANAGEMENT],
    ),
    "P2": (120, [Audience.REQUESTER, Audience.ESCALATION_TEAM, Audience.MANAGEMENT]),
    "P3": (480, [Audience.REQUESTER]),
}


def seed_plans() -> list[CommunicationPlan]:
    """Plans for P1 (every 30 min, everyone), P2 (every 2 h) and P3 (every 8 h),
    and cadences for the open tickets they cover. Plans already there are kept
    as they are, so running it again changes nothing."""
    plans = []
    for priority, (minutes, audiences) in DEMO_PLANS.items():
        plan, _created = CommunicationPlan.objects.get_or_create(
            priority=priority,
            defaults={
                "cadence_minutes": minutes,
                "audiences": audiences_clean(audiences=audiences),
            },
        )
        plans.append(plan)
        cadences_resync(priority=priority)
    return plans
