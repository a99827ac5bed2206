import pytest
from django.urls import reverse

from tests.factories import CategoryFactory, OrganizationFactory, TicketFactory
from tickets import services
from tickets.models import Ticket, TicketEvent


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize(
    "model", ["user", "organization", "category", "team", "ticket", "ticketevent"]
)
def test_admin_changelists_and_add_forms_render(admin_client_, model, l1_team, agent):
    TicketFactory(
        team=l1_team, assignee=agent, organization=OrganizationFactory(), category=CategoryFactory()
    )
    listing = admin_client_.get(reverse(f"admin:tickets_{model}_changelist"))
    assert listing.status_code == 200
    changelist = listing.context["cl"]
    assert changelist.model._meta.model_name == model
    assert changelist.result_count == changelist.model.objects.count()
    add = admin_client_.get(reverse(f"admin:tickets_{model}_add"))
    assert add.status_code == (403 if model == "ticketevent" else 200)
    if model != "ticketevent":
        assert add.context["adminform"].form._meta.model is changelist.model


def ticket_form(**overrides):
    data = {
        "title": "From admin",
        "description": "Made in admin.",
        "status": "new",
        "requester_name": "Rita",
        "requester_email": "rita@example.com",
        "requester_language": "en",
        "impact": 2,
        "urgency": 2,
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_admin_add_goes_through_the_service(admin_client_, l1_team):
    response = admin_client_.post(reverse("admin:tickets_ticket_add"), ticket_form())
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.priority, ticket.team) == ("P2", l1_team)
    assert ticket.events.filter(kind="created").exists()


def test_admin_change_audits_and_refuses_invalid_transitions(admin_client_, admin_user, l1_team):
    ticket = services.ticket_create(
        actor=admin_user,
        title="t",
        description="d",
        requester_name="R",
        requester_email="r@example.com",
    )
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    refused = admin_client_.post(url, ticket_form(status="closed", team=l1_team.pk))
    assert refused.status_code == 200
    assert "cannot go from" in refused.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"

    done = admin_client_.post(url, ticket_form(status="open", impact=1, urgency=1, team=l1_team.pk))
    assert done.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == ("open", "P1")
    fields = set(ticket.events.values_list("field", flat=True))
    assert {"status", "impact", "urgency", "priority", "title"} <= fields


def test_tickets_and_events_cannot_be_deleted_in_admin(admin_client_, l1_team):
    ticket = TicketFactory(team=l1_team)
    assert (
        admin_client_.get(reverse("admin:tickets_ticket_delete", args=[ticket.pk])).status_code
        == 403
    )
    services.ticket_update(
        ticket=ticket, actor=ticket.team.members.first() or _admin(), data={"title": "new"}
    )
    event = TicketEvent.objects.first()
    assert (
        admin_client_.get(reverse("admin:tickets_ticketevent_delete", args=[event.pk])).status_code
        == 403
    )


def _admin():
    from tickets.models import User

    return User.objects.get(is_superuser=True)
