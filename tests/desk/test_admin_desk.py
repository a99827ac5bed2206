"""Admin: no status on a new ticket; a narrow path page; message templates that
start from the default wording and know the recipient's name."""

from escalations.admin_config import EscalationLevelInline
from notifications.models import MessageTemplate


def test_adding_a_ticket_offers_no_status(admin_client):
    body = admin_client.get("/admin/tickets/ticket/add/").content.decode()
    assert 'name="title"' in body
    assert 'name="status"' not in body


def test_the_ticket_change_page_still_offers_the_status(admin_client, agent):
    from tests.factories import create_ticket

    ticket = create_ticket(agent)
    body = admin_client.get(f"/admin/tickets/ticket/{ticket.pk}/change/").content.decode()
    assert 'name="status"' in body


def test_path_levels_are_stacked_not_one_wide_row():
    from django.contrib.admin import StackedInline

    assert issubclass(EscalationLevelInline, StackedInline)


def test_a_new_template_starts_from_the_default_wording(admin_client):
    body = admin_client.get("/admin/notifications/messagetemplate/add/").content.decode()
    assert "?kind=ticket.created" in body
    body = admin_client.get(
        "/admin/notifications/messagetemplate/add/?kind=ticket.replied"
    ).content.decode()
    assert "replied:" in body
    assert "{{ recipient }}" in body


def test_a_template_with_the_recipients_name_saves_and_renders(admin_client, db):
    response = admin_client.post(
        "/admin/notifications/messagetemplate/add/",
        {
            "kind": "ticket.created",
            "language": "",
            "subject": "Hello {{ recipient }}",
            "body_text": "Dear {{ recipient }}, {{ ticket.reference }} is open.",
            "body_html": "",
        },
    )
    assert response.status_code == 302
    assert MessageTemplate.objects.get().subject == "Hello {{ recipient }}"
