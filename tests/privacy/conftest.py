"""A requester whose name and address are spread over every holder on main:
tickets, comments, the audit trail, escalations (hand-off, team, action plan,
review), status updates, the inbox, e-mail and webhook deliveries with their
attempt logs, the admin's history, an API token and sign-in records, attachments
(a file named after her, one an agent uploaded), CC addresses (a colleague's on
her ticket, hers on another's), her satisfaction survey and her survey opt-out."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import UserFactory, create_ticket
from tickets.models import Organization, Ticket, User

NAME = "Zofia Wiśniewska"
EMAIL = "zofia.wisniewska@acme-retail.example"
HANDOFF = {
    "summary": f"{NAME} cannot reach the VPN",
    "steps_taken": "Rebooted the access switch",
    "impact_assessment": "Warsaw office offline",
    "customer_context": f"Call {NAME} on her mobile, or write to {EMAIL}",
    "time_constraints": "Payroll at 16:00",
    "assistance_requested": "Check the core switch",
}


@pytest.fixture(autouse=True)
def _private_folders(settings, tmp_path):
    settings.PRIVACY_EXPORT_DIR = str(tmp_path / "exports")
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def person(network_path, policy):
    """The requester, with three tickets (one closed), and another requester."""
    from axes.models import AccessAttempt
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.authtoken.models import Token

    from escalations.models import ActionItem, EscalationReview, EscalationTeamMember
    from escalations.services import escalate
    from notifications.models import Delivery, DeliveryAttempt, WebhookEndpoint
    from notifications.services.status_updates import status_update_send
    from reports.models import SurveyOptOut, SurveyResponse
    from tickets import services
    from tickets.services.attachments import attachments_add
    from tickets.services.followers import cc_add

    org = Organization.objects.create(name="Acme Retail", data_region="eu")
    user = UserFactory(
        username="zofia", email=EMAIL, first_name="Zofia", last_name="Wiśniewska", organization=org
    )
    org.contacts.add(user)
    WebhookEndpoint.objects.create(name="Ops", url="https://hooks.example.com/in")
    agent1 = User.objects.get(username="agent1")
    tickets = []
    for number in range(3):
        ticket = create_ticket(
            agent1,
            title=f"{NAME} cannot log in ({number})",
            description=f"Reported by {NAME} <{EMAIL}>.",
            requester_name=NAME,
            requester_email=EMAIL,
            organization=org,
            impact=2,
            urgency=2,
        )
        Ticket.objects.filter(pk=ticket.pk).update(requester=user)
        services.comment_add(ticket=ticket, actor=agent1, body=f"Dear {NAME}, we are on it.")
        services.comment_add(ticket=ticket, actor=user, body="Thanks, still broken.")
        tickets.append(ticket)
    escalation = escalate.escalation_request(
        ticket=tickets[0], actor=agent1, to_tier="L2", reason=f"{NAME} waits", **HANDOFF
    )
    EscalationTeamMember.objects.create(
        escalation=escalation, role="customer_contact", name=NAME, contact=EMAIL
    )
    ActionItem.objects.create(escalation=escalation, description=f"Phone {NAME} back")
    EscalationReview.objects.create(
        escalation=escalation,
        root_cause=f"{NAME}'s laptop had an old VPN client",
        customer_satisfaction=4,
    )
    status_update_send(
        ticket=tickets[1], actor=agent1, body=f"{NAME}: fixed soon.", audiences=["requester"]
    )
    closed = tickets[2]
    services.ticket_transition(ticket=closed, actor=agent1, status="resolved")
    services.ticket_transition(ticket=closed, actor=agent1, status="closed")
    delivery = Delivery.objects.filter(address__iexact=EMAIL).first()
    DeliveryAttempt.objects.create(
        delivery=delivery, number=9, started_at=timezone.now(), error=f"550 <{EMAIL}> rejected"
    )
    LogEntry.objects.create(
        user=agent1,
        content_type=ContentType.objects.get_for_model(Ticket),
        object_id=str(tickets[1].pk),
        object_repr=str(tickets[1]),
        action_flag=CHANGE,
        change_message=f"Changed requester to {NAME}",
    )
    Token.objects.create(user=user)
    AccessAttempt.objects.create(
        username="zofia", ip_address="10.0.0.1", user_agent="x", failures_since_start=1
    )
    other = create_ticket(
        agent1, title="Printer jam", requester_name="Jan Kowalski", requester_email="jan@x.example"
    )
    pdf = SimpleUploadedFile(f"{NAME} passport.pdf", b"%PDF-1.4 her passport")
    png = SimpleUploadedFile("screenshot.png", b"\x89PNG\r\n\x1a\n the VPN error")
    attachments_add(ticket=tickets[0], actor=user, files=[pdf])
    attachments_add(ticket=tickets[1], actor=agent1, files=[png])
    cc_add(ticket=tickets[0], actor=user, email="marek.nowak@acme-retail.example")
    cc_add(ticket=other, actor=agent1, email=EMAIL)
    now = timezone.now()
    SurveyResponse.objects.update_or_create(
        ticket=closed,
        defaults={
            "nonce": "0" * 16,
            "sent_at": now,
            "expires_at": now,
            "rating": 2,
            "comment": f"{NAME} here: it took a week.",
            "answered_at": now,
        },
    )
    SurveyOptOut.objects.create(email="Zofia.Wisniewska@ACME-retail.example")
    return SimpleNamespace(user=user, org=org, tickets=tickets, other=other, agent=agent1)


def traces(*needles: str) -> dict[str, int]:
    """Every table and column holding one of ``needles`` (any case, raw or as JSON
    escapes it, once or within a JSON string), found by reading every row of every table."""
    import json

    forms = set()
    for needle in needles:
        once = json.dumps(needle)[1:-1]
        forms |= {needle.lower(), once.lower(), json.dumps(once)[1:-1].lower()}
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    text = str(value).lower() if value is not None else ""
                    if isinstance(value, bytes | memoryview):
                        text = bytes(value).decode("utf-8", "replace").lower()
                    if any(form in text for form in forms):
                        key = f"{table}.{column}"
                        found[key] = found.get(key, 0) + 1
    return found


def report_figures() -> dict:
    """What reports count: tickets, escalations, clocks, reviews and requesters."""
    from django.db.models import Count

    from escalations.models import Escalation, EscalationReview, SlaClock

    def grouped(query, *fields):
        return sorted(tuple(r.values()) for r in query.values(*fields).annotate(n=Count("pk")))

    return {
        "tickets": grouped(Ticket.objects.all(), "status", "priority", "level", "organization"),
        "escalations": grouped(Escalation.objects.all(), "kind", "trigger", "to_tier", "status"),
        "clocks": grouped(SlaClock.objects.all(), "metric", "state"),
        "satisfaction": grouped(EscalationReview.objects.all(), "customer_satisfaction"),
        "requesters": Ticket.objects.values("requester_email").distinct().count(),
        "per_requester": sorted(
            Ticket.objects.values("requester_email")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
        ),
        "comments": Ticket.objects.aggregate(n=Count("comments"))["n"],
    }
