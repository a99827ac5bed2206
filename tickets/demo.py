"""Demo data: an organization of each tier, the seeds' teams and users, and a few
dozen tickets in varied states, all made through the services. Idempotent."""

import random
from collections.abc import Callable

from django.db import transaction

from tickets import services
from tickets.demo_translations import CATEGORY_TRANSLATIONS
from tickets.models import Category, Organization, Status, Team, Ticket, Tier, User

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins

CATEGORIES = {
    "Network": "LAN, WAN, VPN and Wi-Fi connectivity.",
    "E-commerce checkout": "The web shop's basket, payment and order confirmation.",
    "Account access": "Log-in, passwords, single sign-on and permissions.",
    "Security": "Suspected breaches, phishing, vulnerabilities.",
}
TEAMS = [
    ("Service Desk", Tier.L1, "agent1"),
    ("Network Engineering", Tier.L2, "agent2"),
    ("Senior Architects", Tier.L3, "agent3"),
    ("IT Management", Tier.MGMT, "manager"),
]
USERS = [
    # username, first, last, email, organization, time zone
    ("agent1", "Alice", "Novak", "agent1@escalade.example", None, "Europe/Warsaw"),
    ("agent2", "Bruno", "Lefort", "agent2@escalade.example", None, "Europe/Paris"),
    ("agent3", "Chen", "Visser", "agent3@escalade.example", None, "Europe/Amsterdam"),
    ("manager", "Maria", "Kowalska", "manager@escalade.example", None, "Europe/Warsaw"),
    ("customer", "Carl", "Client", "customer@acme.example", "Acme Retail", "America/New_York"),
]
TICKETS = [
    # title, category, impact, urgency, flags, requester
    (
        "Checkout fails with payment error for all customers",
        "E-commerce checkout",
        1,
        1,
        {"is_major_outage": True},
        "customer",
    ),
    ("VPN drops every 10 minutes in the Warsaw office", "Network", 2, 2, {}, "customer"),
    ("Suspicious login attempts on admin accounts", "Security", 2, 1, {"is_security": True}, "ops"),
    ("Password reset e-mail never arrives", "Account access", 3, 2, {}, "customer"),
    ("Wi-Fi slow on the second floor", "Network", 3, 3, {}, "ops"),
    ("Typo on the order confirmation page", "E-commerce checkout", 4, 4, {}, "customer"),
    ("Cannot add items to the basket on mobile", "E-commerce checkout", 2, 2, {}, "buyer"),
    ("New starter needs access to the CRM", "Account access", 4, 3, {}, "buyer"),
    ("Packet loss on the link to the data centre", "Network", 2, 3, {}, "ops"),
    ("Phishing e-mail reported by finance", "Security", 3, 2, {"is_security": True}, "buyer"),
    ("Discount codes are not applied", "E-commerce checkout", 3, 2, {}, "customer"),
    ("Single sign-on loops back to the login page", "Account access", 2, 2, {}, "buyer"),
]
EXTERNAL_REQUESTERS = {
    "ops": ("Olga Petrova", "olga.petrova@globex.example", "ru", "Globex Corporation"),
    "buyer": ("Jan de Vries", "jan.devries@globex.example", "nl", "Globex Corporation"),
}
STATUS_PLAN = [Status.NEW, Status.OPEN, Status.PENDING, Status.RESOLVED, Status.CLOSED]


def _user(username: str, **fields) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


@transaction.atomic
def seed_demo(
    *, tickets_per_title: int = 3, before_tickets: Callable[[], None] | None = None
) -> dict[str, int]:
    """Create the demo world; running it again adds nothing. ``before_tickets`` lets
    apps built on the core add their setup (SLA policies...) before tickets exist."""
    acme, _ = Organization.objects.get_or_create(name="Acme Retail")
    globex, _ = Organization.objects.get_or_create(
        name="Globex Corporation", defaults={"tier": Organization.Tier.VIP}
    )
    orgs = {org.name: org for org in (acme, globex)}
    categories = {
        name: Category.objects.get_or_create(
            name=name,
            defaults={"description": text, "translations": CATEGORY_TRANSLATIONS.get(name, {})},
        )[0]
        for name, text in CATEGORIES.items()
    }
    admin = _user(
        "admin",
        email="admin@escalade.example",
        is_staff=True,
        is_superuser=True,
        first_name="Ada",
        last_name="Admin",
    )
    users = {"admin": admin}
    for username, first, last, email, org, tz in USERS:
        users[username] = _user(
            username,
            first_name=first,
            last_name=last,
            email=email,
            organization=orgs.get(org),
            time_zone=tz,
        )
    teams = {}
    for name, tier, member in TEAMS:
        team, _ = Team.objects.get_or_create(
            name=name, defaults={"tier": tier, "manager": users["manager"]}
        )
        team.members.add(users[member])
        teams[tier] = team
    acme.contacts.add(users["customer"])
    if before_tickets is not None:
        before_tickets()

    created = 0
    rng = random.Random(42)  # noqa: S311 - demo data, not security
    agents = {Tier.L1: users["agent1"], Tier.L2: users["agent2"], Tier.L3: users["agent3"]}
    for round_no in range(tickets_per_title):
        for index, (title, category, impact, urgency, flags, who) in enumerate(TICKETS):
            full_title = title if round_no == 0 else f"{title} (#{round_no + 1})"
            if who == "customer":
                requester = users["customer"]
                name, email, lang, org = str(requester), requester.email, "en", acme
            else:
                name, email, lang, org_name = EXTERNAL_REQUESTERS[who]
                org = orgs[org_name]
            if Ticket.objects.filter(title=full_title, requester_email=email).exists():
                continue
            tier = [Tier.L1, Tier.L1, Tier.L2, Tier.L3][(index + round_no) % 4]
            actor = users["customer"] if who == "customer" and tier == Tier.L1 else agents[tier]
            extra = {}
            if actor != users["customer"]:
                extra = {
                    "requester_name": name,
                    "requester_email": email,
                    "requester_language": lang,
                    "organization": org,
                    "team": teams[tier],
                    "assignee": agents[tier] if rng.random() < 0.6 else None,
                    **flags,
                }
            ticket = services.ticket_create(
                actor=actor,
                title=full_title,
                description=f"{title}.\n\nReported by {name}. Steps to reproduce attached.",
                category=categories[category],
                impact=impact,
                urgency=urgency,
                **extra,
            )
            created += 1
            _advance(
                ticket,
                STATUS_PLAN[(index * 7 + round_no) % len(STATUS_PLAN)],
                agent=agents[tier],
                requester=users["customer"],
            )
    return {"tickets_created": created, "tickets_total": Ticket.objects.count()}


def _advance(ticket: Ticket, target: str, *, agent: User, requester: User) -> None:
    """Walk a new ticket to ``target`` the way people would: reply, wait, resolve."""
    if target == Status.NEW:
        return
    services.comment_add(ticket=ticket, actor=agent, body="Thanks, we are looking into it.")
    ticket.refresh_from_db()
    if target == Status.OPEN:
        services.comment_add(
            ticket=ticket,
            actor=agent,
            is_public=False,
            body="Checked the monitoring dashboards; nothing obvious yet.",
        )
        return
    if target == Status.PENDING:
        services.ticket_transition(
            ticket=ticket, actor=agent, status=Status.PENDING, note="Asked the requester for logs."
        )
        return
    services.ticket_transition(
        ticket=ticket, actor=agent, status=Status.RESOLVED, note="Fixed and verified."
    )
    if target == Status.CLOSED:
        services.ticket_transition(
            ticket=ticket.__class__.objects.get(pk=ticket.pk), actor=agent, status=Status.CLOSED
        )
