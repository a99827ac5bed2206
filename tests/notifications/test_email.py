"""E-mail content: the recipient's language and time zone, admin templates, safety."""

import re
import smtplib
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, EmailMultiAlternatives

from notifications.forms import MessageTemplateForm
from notifications.models import Delivery, MessageTemplate
from notifications.recipients import Recipient
from notifications.rendering import render_message, validate_template
from notifications.services import outbox
from notifications.services.dispatch import event_emit
from tests.factories import TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def send_all():
    for pk in Delivery.objects.filter(status="pending").values_list("pk", flat=True):
        outbox.delivery_send(delivery_id=pk)


def test_email_has_text_and_html_parts_with_a_link_to_the_ticket(settings):
    settings.SITE_URL = "https://desk.example.com"
    ticket = TicketFactory(title="VPN down")
    event_emit(
        kind="ticket.created", ticket=ticket, recipients=[Recipient(email="rita@acme.example")]
    )
    send_all()
    (message,) = mail.outbox
    assert message.to == ["rita@acme.example"]
    assert message.subject == f"[{ticket.reference}] New ticket: VPN down"
    assert f"https://desk.example.com/tickets/{ticket.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "VPN down" in html
    assert message.extra_headers["X-Escalade-Event"] == "ticket.created"


def test_email_is_rendered_in_the_recipients_language_and_time_zone():
    MessageTemplate.objects.create(
        kind="sla.breach",
        language="pl",
        subject="[{{ ticket.reference }}] Naruszenie SLA",
        body_text="Termin: {{ extra.due_at|date:'Y-m-d H:i T' }}",
    )
    ticket = TicketFactory()
    polish = UserFactory(username="ola", language="pl", time_zone="Europe/Warsaw")
    english = UserFactory(username="sam", language="en", time_zone="America/New_York")
    due = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    event_emit(
        kind="sla.breach",
        ticket=ticket,
        recipients=[Recipient(user=polish), Recipient(user=english)],
        extra={"metric": "First response", "due_at": due},
    )
    send_all()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["ola@example.com"].subject == f"[{ticket.reference}] Naruszenie SLA"
    assert by_address["ola@example.com"].body == "Termin: 2026-07-01 14:00 CEST"
    assert "breached" in by_address["sam@example.com"].subject
    assert "July 1, 2026, 8 a.m." in by_address["sam@example.com"].body


def test_inbox_message_is_written_in_the_recipients_language():
    MessageTemplate.objects.create(
        kind="ticket.assigned", language="fr", subject="Ticket attribué", body_text="À vous."
    )
    user = UserFactory(username="luc", language="fr")
    event_emit(kind="ticket.assigned", ticket=TicketFactory(), recipients=[Recipient(user=user)])
    assert user.notifications.get().subject == "Ticket attribué"


def test_a_template_for_every_language_applies_when_none_is_specific():
    MessageTemplate.objects.create(
        kind="ticket.created", subject="Hello {{ recipient }}", body_text="x"
    )
    message = render_message(
        kind="ticket.created", context={"recipient": "Ann"}, language="nl", time_zone="UTC"
    )
    assert message.subject == "Hello Ann"


@pytest.mark.parametrize(
    "source",
    [
        "{% debug %}",
        "{% load static %}{% static 'x' %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{{ ticket|pprint }}",
        "{% if %}",
        "{{ x|no_such_filter }}",
        "Hello {{ ticket.title }",  # printed as braces to every reader
        "Hello ticket.title }}",
        "{% if ticket.title %}x{% endif",
    ],
)
def test_unsafe_or_broken_templates_are_refused_at_save_time(source):
    with pytest.raises(ValidationError):
        validate_template(source)
    form = MessageTemplateForm(
        data={"kind": "ticket.created", "language": "", "subject": "ok", "body_text": source}
    )
    assert not form.is_valid()
    assert "body_text" in form.errors


def test_a_half_tag_is_named_in_the_message():
    with pytest.raises(ValidationError, match=re.escape("“{{” is not closed or not opened")):
        validate_template("Dear {{ recipient }}, about {{ ticket.title } ...")
    validate_template("Dear {{ recipient }}: {ticket} in single braces is text.")


def test_templates_see_plain_values_only(settings):
    # Nothing in the context leads to settings or to a model instance.
    message = render_message(
        kind="ticket.created",
        context={"ticket": {"title": "t"}, "settings": None},
        language="en",
        time_zone="UTC",
    )
    assert settings.SECRET_KEY not in message.text
    MessageTemplate.objects.create(
        kind="ticket.replied", subject="Reply", body_text="{{ ticket.save }}{{ actor.password }}"
    )
    ticket = TicketFactory(title="Plain")
    event_emit(kind="ticket.replied", ticket=ticket, recipients=[Recipient(email="a@example.com")])
    send_all()
    assert mail.outbox[0].subject == "Reply"
    assert mail.outbox[0].body == ""


def test_a_stored_template_that_no_longer_compiles_falls_back_to_the_default():
    MessageTemplate.objects.create(kind="ticket.created", subject="{% if %}", body_text="x")
    ticket = TicketFactory(title="VPN down")
    event_emit(kind="ticket.created", ticket=ticket, recipients=[Recipient(email="a@example.com")])
    send_all()
    assert mail.outbox[0].subject == f"[{ticket.reference}] New ticket: VPN down"


def test_html_body_escapes_what_people_typed():
    ticket = TicketFactory(title="<script>alert(1)</script>")
    event_emit(kind="ticket.created", ticket=ticket, recipients=[Recipient(email="a@example.com")])
    send_all()
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


# --- time-outs and the claim lease ---------------------------------------------------------


def test_the_default_settings_bound_smtp_well_below_the_claim_lease(settings):
    from notifications.checks import timeouts_below_lease

    assert settings.EMAIL_TIMEOUT == 30
    assert timeouts_below_lease() == []


@pytest.mark.parametrize(
    ("name", "value", "check_id"),
    [
        ("EMAIL_TIMEOUT", None, "notifications.E001"),  # SMTP would block for ever
        ("EMAIL_TIMEOUT", 120, "notifications.E001"),
        ("EMAIL_TIMEOUT", 31, "notifications.E001"),
        ("WEBHOOK_TIMEOUT", 60, "notifications.E002"),
        ("WEBHOOK_TIMEOUT", 0, "notifications.E002"),
    ],
)
def test_a_time_out_near_the_claim_lease_is_a_system_check_error(settings, name, value, check_id):
    from django.core import checks

    settings.NOTIFY_LEASE_SECONDS = 120
    setattr(settings, name, value)
    errors = [e for e in checks.run_checks() if e.id.startswith("notifications.")]
    assert [(e.id, e.level) for e in errors] == [(check_id, checks.ERROR)]
    assert name in errors[0].msg


# --- errors a retry cannot fix -------------------------------------------------------------


def refused(code):
    return smtplib.SMTPRecipientsRefused({"rita@acme.example": (code, b"5.1.1 No such user")})


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (BadHeaderError("Header values can't contain newlines"), False),
        (refused(550), False),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "escalade@x"), False),
        (refused(450), True),  # greylisting: try again later
        (smtplib.SMTPSenderRefused(451, b"4.3.0 Try again", "escalade@x"), True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
        (TimeoutError("timed out"), True),
    ],
)
def test_only_errors_a_retry_may_fix_are_retried(settings, error, retryable):
    settings.NOTIFY_MAX_ATTEMPTS = 8
    ticket = TicketFactory()
    event_emit(
        kind="ticket.created", ticket=ticket, recipients=[Recipient(email="rita@acme.example")]
    )
    delivery = Delivery.objects.get()
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=error):
        sent = outbox.delivery_send(delivery_id=delivery.pk)
    assert (sent.status, sent.attempts) == ("retry" if retryable else "failed", 1)
    assert sent.last_error.startswith(type(error).__name__)


def test_a_date_ending_in_an_abbreviation_gets_no_second_full_stop():
    # English times end in "a.m." / "p.m.": a sentence closing on one read "10 a.m..".
    message = render_message(
        kind="escalation.monitoring",
        context={"escalation": {"monitoring_until": datetime(2026, 12, 5, 10, tzinfo=UTC)}},
        language="en",
        time_zone="UTC",
    )
    assert "10 a.m." in message.text
    assert ".." not in message.text


@pytest.mark.parametrize(
    ("source", "named"),
    [
        ("Hello {{ recipeint }}", "recipeint"),
        ("About {{ ticket.titel|upper }}", "ticket.titel"),
        ("{% if for_agent %}{{ escalation.sumary }}{% endif %}", "escalation.sumary"),
        ("{% for item in ticket.items %}{{ item }}{% endfor %}", "ticket.items"),
    ],
)
def test_a_misspelt_value_is_refused_by_name(source, named):
    with pytest.raises(ValidationError, match=re.escape(f"“{{{{ {named} }}}}”")) as refused:
        validate_template(source, kind="ticket.created")
    assert ("ticket.title" in str(refused.value)) == named.startswith("ticket.")


@pytest.mark.parametrize(
    "source",
    [
        "{{ recipient }} {{ ticket.title }} {{ escalation.summary }} {{ site }} {{ actor }}",
        "{{ extra.anything }} {{ escalation.handoff_notes.customer_impact }}",
        "{% for key, value in escalation.handoff_notes.items %}{{ key }}: {{ value }}{% endfor %}",
        "{% with who=ticket.requester %}{{ who }}{% endwith %} {{ 'text' }} {{ 3 }}",
    ],
)
def test_every_value_there_is_and_local_names_pass(source):
    validate_template(source, kind="ticket.created")


def test_the_default_templates_use_known_values_only():
    from notifications.defaults import TEMPLATES

    assert len(TEMPLATES) > 10
    for kind, texts in TEMPLATES.items():
        for text in texts:
            validate_template(str(text), kind=kind)
    validate_template("{{ ticket.status_code }} {{ ticket.level_label }}", kind="ticket.created")
