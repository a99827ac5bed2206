"""A small helpdesk for whole-API tests: the seeds' network path, tickets of two
organizations, a managed escalation with a team member and an action, a
calendar, a communication plan, and one user of every role with a token."""

from __future__ import annotations

from dataclasses import dataclass, field

from rest_framework.authtoken.models import Token

from escalations.models import (
    ActionItem,
    BusinessCalendar,
    Escalation,
    PriorityCriterion,
    SlaPolicy,
    WorkingInterval,
)
from escalations.services import reviews
from tests.factories import (
    AdminFactory,
    CategoryFactory,
    CommunicationPlanFactory,
    OrganizationFactory,
    TeamFactory,
    UserFactory,
    create_ticket,
)
from tickets.models import CannedReply, Tier, User

ROLES = (
    "anonymous",
    "requester",
    "other_requester",
    "other_agent",
    "agent",
    "manager",
    "admin",
)


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, object] = field(default_factory=dict)

    def token(self, role: str) -> dict[str, str]:
        """The headers a role's client sends (none for the anonymous)."""
        if role == "anonymous":
            return {}
        token, _ = Token.objects.get_or_create(user=self.users[role])
        return {"Authorization": f"Token {token.key}"}


def build_world(network_path) -> World:
    """The data of ``network_path`` (conftest) and the rest. The manager manages
    every team; agent1 works L1 (the ticket's team), agent3 works L3 only."""
    acme = OrganizationFactory(name="Acme Retail")
    globex = OrganizationFactory(name="Globex")
    requester = UserFactory(username="customer", email="customer@acme.example", organization=acme)
    other_requester = UserFactory(
        username="globex", email="someone@globex.example", organization=globex
    )
    acme.contacts.add(requester)
    admin = AdminFactory(username="root")
    agent = User.objects.get(username="agent1")
    other_agent = User.objects.get(username="agent3")
    manager = User.objects.get(username="manager")
    calendar = BusinessCalendar.objects.create(name="Office", time_zone="Europe/Warsaw")
    WorkingInterval.objects.create(calendar=calendar, weekday=0, start="09:00", end="17:00")
    SlaPolicy.objects.create(
        name="Fallback",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        calendar=calendar,
    )
    category = CategoryFactory(name="Network")
    CommunicationPlanFactory(priority="P1")
    PriorityCriterion.objects.create(
        name="Outage", keywords="outage", minimum_priority="P1", notify_management=True
    )
    ticket = create_ticket(
        agent,
        title="Total outage",
        requester_email=requester.email,
        requester_name="Customer",
        organization=acme,
        category=category,
    )
    other_ticket = create_ticket(agent, requester_email=other_requester.email, organization=globex)
    escalation = Escalation.objects.get(ticket=ticket, kind="hierarchical")
    item = ActionItem.objects.create(escalation=escalation, description="Swap the switch")
    reviews.review_request(escalation=escalation, actor=None)
    TeamFactory(name="Elsewhere", tier=Tier.L1)
    canned = CannedReply.objects.create(
        title="Need logs", body="Hello {requester_name}", team=network_path.teams[Tier.L1]
    )
    return World(
        users={
            "requester": requester,
            "other_requester": other_requester,
            "other_agent": other_agent,
            "agent": agent,
            "manager": manager,
            "admin": admin,
        },
        ids={
            "tickets": ticket.pk,
            "canned-replies": canned.pk,
            "other_ticket": other_ticket.pk,
            "escalations": escalation.pk,
            "item_id": item.pk,
            "calendars": calendar.pk,
            "sla-policies": SlaPolicy.objects.get().pk,
            "escalation-paths": network_path.pk,
            "teams": network_path.teams[Tier.L1].pk,
            "categories": category.pk,
            "organizations": acme.pk,
            "users": requester.pk,
            "priority-criteria": PriorityCriterion.objects.get().pk,
            "notifications": _first_notification(manager),
            "deliveries": _first_delivery(),
            "impact": 1,
            "priority": "P1",
        },
    )


def _first_notification(user: User) -> int:
    """One of ``user``'s inbox messages (an inbox is its owner's alone)."""
    from notifications.models import Notification

    found = Notification.objects.filter(recipient=user).order_by("pk").first()
    return found.pk if found else 1


def _first_delivery() -> int:
    """One of the outbox's deliveries (the ticket's e-mails)."""
    from notifications.models import Delivery

    found = Delivery.objects.order_by("pk").first()
    return found.pk if found else 1


def path_parameters(path: str, world: World) -> dict[str, object]:
    """Real ids for the parameters of ``path`` (``/api/v1/<resource>/{id}/...``)."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    values: dict[str, object] = {}
    if "{id}" in path:
        values["id"] = world.ids.get(resource, 1)
    for name in ("item_id", "impact", "priority"):
        if "{" + name + "}" in path:
            values[name] = world.ids[name]
    if "{name}" in path:  # reports/{name}/
        values["name"] = "volume"
    return values
