"""The inbox shows one line per item with a link; e-mails are laid out in HTML
with clickable links and a plain-text part."""

from django.core import mail

from notifications.models import Notification
from notifications.rendering import render_message
from notifications.templatetags.inbox_tags import summary
from tests.factories import UserFactory, create_ticket


def test_the_inbox_summary_is_one_line_without_addresses():
    text = "Ticket ESC-000001: VPN\nPriority P3, status new.\nhttp://127.0.0.1:8000/tickets/1/"
    assert summary(text) == "Ticket ESC-000001: VPN"
    assert summary("http://x.example/a\n\nHello there") == "Hello there"
    assert len(summary("word " * 100)) <= 140


def test_the_inbox_links_each_item(client, network_path, policy):
    dispatcher = UserFactory(username="dispatcher", is_superuser=True)
    ticket = create_ticket(dispatcher)
    agent1 = Notification.objects.get(kind="ticket.created").recipient
    client.force_login(agent1)
    body = client.get("/notifications/").content.decode()
    assert f'href="/tickets/{ticket.pk}/"' in body
    assert "inbox-summary" in body
    assert "http://" not in body.split('id="notifications"')[1].split("</div>\n{%")[0]


def test_emails_have_a_responsive_html_layout_with_clickable_links(db):
    context = {
        "ticket": {
            "reference": "ESC-000001",
            "title": "VPN",
            "priority": "P3",
            "status": "new",
            "url": "https://desk.example.com/tickets/1/",
        },
        "actor": "Ann",
        "extra": {"body": "See https://status.example.com/x <b>now</b>"},
        "for_agent": False,
        "site": "https://desk.example.com",
    }
    message = render_message(kind="ticket.replied", context=context, language="en", time_zone="UTC")
    assert '<meta name="viewport"' in message.html
    assert 'href="https://status.example.com/x"' in message.html
    assert "&lt;b&gt;now&lt;/b&gt;" in message.html
    assert 'style="' in message.html
    assert "<style" not in message.html
    assert 'href="https://desk.example.com/tickets/1/"' in message.html
    assert "https://status.example.com/x" in message.text


def test_a_sent_email_carries_both_parts(network_path, policy, settings):
    from notifications.models import Delivery
    from notifications.services.outbox import delivery_send

    dispatcher = UserFactory(username="dispatcher", is_superuser=True)
    create_ticket(dispatcher, requester_email="rita@acme.example")
    delivery = Delivery.objects.get(kind="ticket.created", address="rita@acme.example")
    delivery_send(delivery_id=delivery.pk)
    sent = next(m for m in mail.outbox if m.to == ["rita@acme.example"])
    assert sent.body
    assert sent.alternatives[0][1] == "text/html"
