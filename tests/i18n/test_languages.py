"""Who reads what: pages and API in the person's language (else the browser's),
e-mails in the recipient's language and time zone, values inside them too."""

import json
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Delivery, WebhookEndpoint
from notifications.recipients import Recipient
from notifications.rendering import render_message
from notifications.services import outbox
from notifications.services.dispatch import event_emit
from tests.factories import TicketFactory, UserFactory, create_ticket

pytestmark = pytest.mark.django_db

# What the queue page, a ticket status and an API error read in each language.
QUEUE = {"en": "Queue", "pl": "Kolejka", "fr": "File d'attente", "nl": "Wachtrij", "ru": "Очередь"}
NEW_TICKET = {
    "en": "New ticket",
    "pl": "Nowe zgłoszenie",
    "fr": "Nouveau ticket",
    "nl": "Nieuw ticket",
    "ru": "Новая заявка",
}
CANNOT_CLOSE = {
    "en": "A ticket cannot go from New to Closed.",
    "pl": "Zgłoszenie nie może przejść ze statusu Nowe do Zamknięte.",
    "fr": "Un ticket ne peut pas passer de Nouveau à Clos.",
    "nl": "Een ticket kan niet van Nieuw naar Gesloten gaan.",
    "ru": "Заявка не может перейти из статуса Новая в Закрыта.",
}
ADMINS_ONLY = {
    "en": "Only administrators may use this endpoint.",
    "pl": "Z tego punktu końcowego mogą korzystać tylko administratorzy.",
    "fr": "Seuls les administrateurs peuvent utiliser ce point d'accès.",
    "nl": "Alleen beheerders mogen dit endpoint gebruiken.",
    "ru": "Этот адрес API доступен только администраторам.",
}
LANGUAGES = list(QUEUE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_follow_the_signed_in_users_language(client, agent, language):
    agent.language = language
    agent.save()
    client.force_login(agent)

    page = client.get(reverse("tickets:queue"), HTTP_ACCEPT_LANGUAGE="de")

    body = page.content.decode()
    assert f'<html lang="{language}">' in body
    assert QUEUE[language] in body
    assert NEW_TICKET[language] in body


def test_a_user_without_a_language_gets_the_browsers(client, agent):
    agent.language = ""
    agent.save()
    client.force_login(agent)

    page = client.get(reverse("tickets:queue"), HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9,en;q=0.5")

    assert QUEUE["nl"] in page.content.decode()


def test_login_page_follows_the_browser_and_offers_every_language(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")

    body = page.content.decode()
    assert "Connexion à Escalade" in body
    assert 'id="language-switcher"' in body
    for name in ("English", "Polski", "Français", "Nederlands", "Русский"):
        assert name in body
    assert "<script>" not in body  # the switcher is a plain form: the CSP forbids inline script


def test_the_language_switcher_sets_the_language_of_anonymous_pages(client):
    answer = client.post(
        reverse("set_language"), {"language": "ru", "next": reverse("login")}, follow=True
    )

    assert answer.redirect_chain[-1][0] == reverse("login")
    assert "Вход в Escalade" in answer.content.decode()
    again = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Вход в Escalade" in again.content.decode()


def test_the_profile_language_wins_over_the_switchers_cookie(client, agent):
    agent.language = "pl"
    agent.save()
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    client.force_login(agent)

    assert QUEUE["pl"] in client.get(reverse("tickets:queue")).content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_api_errors_are_in_the_token_owners_language(api_as, agent, l1_team, language):
    agent.language = language
    agent.save()
    ticket = create_ticket(agent)
    client = api_as(agent)

    refused = client.post(
        f"/api/v1/tickets/{ticket.pk}/transition/",
        {"status": "closed"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    forbidden = client.get("/api/v1/priority-matrix/")

    assert refused.status_code == 400
    assert refused.json()["status"][0].startswith(CANNOT_CLOSE[language])
    assert refused["Content-Language"] == language
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == ADMINS_ONLY[language]


def send_all():
    for pk in Delivery.objects.filter(status="pending").values_list("pk", flat=True):
        outbox.delivery_send(delivery_id=pk)


SUBJECT = {
    "en": "New ticket: Printer on fire",
    "pl": "Nowe zgłoszenie: Printer on fire",
    "fr": "Nouveau ticket : Printer on fire",
    "nl": "Nieuw ticket: Printer on fire",
    "ru": "Новая заявка: Printer on fire",
}
# A requester reads the status in their language, and no level (routing is internal).
STATUS_LINE = {
    "en": ("status New", "level"),
    "pl": ("status Nowe", "poziom"),
    "fr": ("statut Nouveau", "niveau"),
    "nl": ("status Nieuw", "niveau"),
    "ru": ("статус Новая", "уровень"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_requester_emails_are_in_the_language_on_the_ticket(language):
    ticket = TicketFactory(title="Printer on fire", requester_language=language)

    event_emit(
        kind="ticket.created",
        ticket=ticket,
        recipients=[Recipient(email="rita@acme.example", language=language)],
    )
    send_all()

    (message,) = mail.outbox
    assert message.subject == f"[{ticket.reference}] {SUBJECT[language]}"
    status, level = STATUS_LINE[language]
    assert status in message.body
    assert level not in message.body


BREACH = {
    "pl": ("Pierwsza odpowiedź", "1 lipca 2026 14:00"),
    "fr": ("Première réponse", "1 juillet 2026 14:00"),
    "nl": ("Eerste reactie", "1 juli 2026 14:00"),
    "ru": ("Первый ответ", "1 июля 2026 г. 14:00"),  # noqa: RUF001
}


@pytest.mark.parametrize("language", list(BREACH))
def test_values_in_messages_are_in_the_readers_language_and_time_zone(language):
    """The metric arrives as a code and English words; the reader sees their own
    words, and the due time in their zone and their language's date format."""
    ticket = TicketFactory()
    context = {
        "ticket": {"reference": ticket.reference, "priority": "P1", "status": "pending"},
        "extra": {
            "metric": "First response",
            "metric_code": "first_response",
            "due_at": datetime(2026, 7, 1, 12, 0, tzinfo=UTC),
        },
    }

    message = render_message(
        kind="sla.breach", context=context, language=language, time_zone="Europe/Warsaw"
    )

    metric, due = BREACH[language]
    assert metric in message.subject
    assert due in message.text


def test_webhooks_keep_the_codes_while_people_read_labels():
    WebhookEndpoint.objects.create(name="ops", url="https://hooks.example.com/escalade")
    ticket = TicketFactory(requester_language="pl")

    event_emit(
        kind="ticket.created",
        ticket=ticket,
        recipients=[Recipient(email="a@b.example", language="pl")],
    )

    hook = Delivery.objects.get(channel="webhook")
    assert json.loads(hook.context["body"])["ticket"]["status"] == "new"
    send_all()
    assert "status Nowe" in mail.outbox[0].body


def test_inbox_messages_use_the_recipients_language():
    reader = UserFactory(username="olga", language="ru")
    ticket = TicketFactory(title="Printer on fire")

    event_emit(kind="ticket.created", ticket=ticket, recipients=[Recipient(user=reader)])

    assert reader.notifications.get().subject == f"[{ticket.reference}] {SUBJECT['ru']}"


def test_a_requester_following_the_browser_files_tickets_in_the_page_language(client, requester):
    requester.language = ""
    requester.save()
    client.force_login(requester)

    client.post(
        reverse("tickets:create"),
        {"title": "Brak internetu", "description": "Od rana.", "impact": 3, "urgency": 3},
        HTTP_ACCEPT_LANGUAGE="pl",
    )

    from tickets.models import Ticket

    assert Ticket.objects.get(title="Brak internetu").requester_language == "pl"


def test_people_choose_their_language_and_time_zone_on_their_profile_page(client, requester):
    client.force_login(requester)

    page = client.get(reverse("notifications:profile"))
    answer = client.post(
        reverse("notifications:profile"),
        {"language": "nl", "time_zone": "Europe/Amsterdam"},
        follow=True,
    )

    assert page.status_code == 200
    requester.refresh_from_db()
    assert (requester.language, requester.time_zone) == ("nl", "Europe/Amsterdam")
    body = answer.content.decode()
    assert "Je taal en tijdzone zijn opgeslagen." in body
    assert 'id="account-link"' in body
    assert '<span class="text-muted">NL</span></a>' in body


def test_an_unknown_time_zone_is_refused_with_a_field_message(client, requester):
    client.force_login(requester)

    answer = client.post(
        reverse("notifications:profile"), {"language": "xx", "time_zone": "Mars/Base"}
    )

    assert answer.status_code == 400
    assert answer.context["profile_form"].errors.keys() == {"language", "time_zone"}
    requester.refresh_from_db()
    assert requester.time_zone != "Mars/Base"


def test_the_timeline_shows_values_in_the_readers_language(client, agent, l1_team):
    from tickets import services

    agent.language = "pl"
    agent.save()
    ticket = create_ticket(agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="pending")
    services.ticket_update(ticket=ticket, actor=agent, data={"urgency": 1})
    client.force_login(agent)

    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "Nowe → <strong>Oczekuje (na odpowiedź klienta)</strong>" in body
    assert "Pilność" in body
    assert "<strong>1 - krytyczna</strong>" in body
