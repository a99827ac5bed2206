"""Message templates that compile but fail when rendered: refused when saved, and
never allowed to undo the change whose event they tell."""

import pytest
from django.core import mail

from notifications.forms import MessageTemplateForm
from notifications.models import MessageTemplate, Notification
from notifications.rendering import render_message
from tests.factories import UserFactory, create_ticket

pytestmark = pytest.mark.django_db

FAILING_WHEN_RENDERED = [
    "{% for a, b in ticket.title %}{% endfor %}",
    "{{ ticket.id|divisibleby:0 }}",
    "{{ ticket.title|center:'x' }}",
]


@pytest.mark.parametrize("source", FAILING_WHEN_RENDERED)
def test_a_template_failing_on_example_values_is_refused_with_the_reason(source):
    form = MessageTemplateForm(
        data={"kind": "ticket.created", "language": "", "subject": "ok", "body_text": source}
    )
    assert not form.is_valid()
    assert form.errors["body_text"][0].startswith("Template error when rendered:")


def test_the_example_values_carry_ticket_and_escalation():
    form = MessageTemplateForm(
        data={
            "kind": "escalation.escalated",
            "language": "",
            "subject": "{{ ticket.reference }} {{ escalation.to_tier }}",
            "body_text": "{{ escalation.monitoring_until|date:'Y' }} {{ ticket.created_at|date }}",
        }
    )
    assert form.is_valid(), form.errors


@pytest.mark.parametrize("source", FAILING_WHEN_RENDERED)
def test_a_stored_template_failing_when_rendered_does_not_block_the_ticket(
    source, network_path, policy, mailoutbox
):
    MessageTemplate.objects.create(kind="ticket.created", subject="New", body_text=source)
    desk = network_path.teams["L1"]
    agent1 = desk.members.get()
    desk.members.add(UserFactory(username="colleague"))
    ticket = create_ticket(agent1, requester_email="rita@example.com")
    assert ticket.pk
    told = Notification.objects.filter(ticket=ticket, kind="ticket.created")
    assert told.exists()
    assert all(n.subject.startswith(f"[{ticket.reference}] New ticket") for n in told)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{{ title|ljust:"999999999" }}', "VPN"),
        ('{{ title|center:"9999999" }}', "VPN"),
        ('{{ title|rjust:"5" }}', "  VPN"),
        ('{{ 3.14159|floatformat:"99999999" }}', "3.14159"),
        ('{{ 3.14159|floatformat:"2" }}', "3.14"),
    ],
)
def test_widths_and_precisions_are_capped(source, expected):
    MessageTemplate.objects.create(kind="ticket.created", subject="s", body_text=source)
    message = render_message(
        kind="ticket.created", context={"title": "VPN"}, language="en", time_zone="UTC"
    )
    assert message.text.strip() == expected.strip()
    assert len(message.text) < 300
    assert not mail.outbox


def test_stringformat_is_not_available():
    form = MessageTemplateForm(
        data={
            "kind": "ticket.created",
            "language": "",
            "subject": "ok",
            "body_text": '{{ ticket.id|stringformat:"0999999999d" }}',
        }
    )
    assert not form.is_valid()
    assert "stringformat" in form.errors["body_text"][0]
