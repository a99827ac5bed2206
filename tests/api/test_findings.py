"""Findings of the API review: capped review texts, who joins an escalation team,
and who-may-act before what-is-missing."""

import pytest

from escalations.models import Escalation, EscalationTeamMember, PriorityCriterion
from escalations.services import reviews
from tests.escalations.data import HANDOFF, REVIEW, user
from tests.factories import OrganizationFactory, UserFactory, create_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return OrganizationFactory(name="Acme Retail")


@pytest.fixture
def managed(network_path, policy, acme):
    """A managed escalation of an Acme ticket (an outage brings management in)."""
    PriorityCriterion.objects.create(
        name="Outage", keywords="outage", minimum_priority="P1", notify_management=True
    )
    create_ticket(user("agent1"), title="Total outage", organization=acme)
    return Escalation.objects.get(kind="hierarchical")


def members_url(escalation):
    return f"/api/v1/escalations/{escalation.pk}/members/"


# --- review texts are capped like every other text --------------------------------------


def test_a_review_text_of_megabytes_is_refused_by_the_api(managed, api_as):
    body = {**REVIEW, "root_cause": "x" * 2_000_000}

    response = api_as(user("manager")).post(
        f"/api/v1/escalations/{managed.pk}/review/", body, format="json"
    )

    assert response.status_code == 400
    assert "root_cause" in response.json()
    assert not managed.__class__.objects.filter(review__submitted_at__isnull=False).exists()


@pytest.mark.parametrize(
    "field", ["root_cause", "what_helped", "what_hindered", "lessons_learned", "preventive_actions"]
)
def test_the_review_service_refuses_texts_over_the_cap(managed, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        reviews.review_submit(
            escalation=managed, actor=user("manager"), data={**REVIEW, field: "x" * 5001}
        )

    assert field in error.value.message_dict


# --- the escalation team: agents, or the ticket's own organization's contacts ------------


def test_a_requester_of_another_organization_cannot_join(managed, api_as):
    outsider = UserFactory(username="eve", organization=OrganizationFactory(name="Globex"))

    response = api_as(user("manager")).post(
        members_url(managed), {"role": "customer_contact", "user": outsider.pk}, format="json"
    )

    assert response.status_code == 400
    assert "user" in response.json()
    assert not EscalationTeamMember.objects.exists()


def test_a_contact_of_another_organization_cannot_join(managed, api_as):
    outsider = UserFactory(username="eve")
    OrganizationFactory(name="Globex").contacts.add(outsider)

    response = api_as(user("manager")).post(
        members_url(managed), {"role": "customer_contact", "user": outsider.pk}, format="json"
    )

    assert response.status_code == 400
    assert "user" in response.json()


def test_a_contact_of_the_tickets_organization_joins_as_customer_contact(managed, acme, api_as):
    contact = UserFactory(username="carla")
    acme.contacts.add(contact)
    client = api_as(user("manager"))

    as_expert = client.post(
        members_url(managed), {"role": "expert", "user": contact.pk}, format="json"
    )
    as_contact = client.post(
        members_url(managed), {"role": "customer_contact", "user": contact.pk}, format="json"
    )

    assert as_expert.status_code == 400
    assert "role" in as_expert.json()
    assert as_contact.status_code == 201, as_contact.json()
    assert list(managed.members.values_list("user__username", "role")) == [
        ("carla", "customer_contact")
    ]


def test_an_agent_joins_in_any_role(managed, api_as):
    response = api_as(user("manager")).post(
        members_url(managed), {"role": "expert", "user": user("agent3").pk}, format="json"
    )

    assert response.status_code == 201


def test_the_page_form_offers_agents_and_the_organizations_contacts_only(managed, acme, client):
    from escalations.forms import MemberForm

    contact, outsider = UserFactory(username="carla"), UserFactory(username="eve")
    acme.contacts.add(contact)

    offered = MemberForm(escalation=managed).fields["user"].queryset

    assert contact in offered
    assert user("agent3") in offered
    assert outsider not in offered


def test_the_page_refuses_an_outsider_with_a_field_message(managed, client):
    outsider = UserFactory(username="eve")
    client.force_login(user("manager"))

    response = client.post(
        f"/escalations/{managed.pk}/members/", {"role": "expert", "user": outsider.pk}
    )

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert not EscalationTeamMember.objects.exists()


# --- permission before the body ------------------------------------------------------------


@pytest.mark.parametrize(
    "step", ["reject", "monitor", "close", "reopen", "manager", "members", "action-items", "review"]
)
def test_a_user_who_may_not_act_gets_403_before_any_400(managed, api_as, step):
    """agent1 sees the escalation (the ticket is in their team) but does not manage it."""
    response = api_as(user("agent1")).post(
        f"/api/v1/escalations/{managed.pk}/{step}/", {}, format="json"
    )

    assert response.status_code == 403


def test_marking_an_action_item_is_403_before_any_400(managed, api_as):
    from escalations.models import ActionItem

    item = ActionItem.objects.create(escalation=managed, description="Swap the switch")

    response = api_as(user("agent1")).patch(
        f"/api/v1/escalations/{managed.pk}/action-items/{item.pk}/", {}, format="json"
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "method"),
    [("escalate/", "post"), ("priority/", "post"), ("", "patch")],
)
def test_a_requester_gets_403_before_any_400_on_agent_steps(
    network_path, policy, api_as, path, method
):
    requester = UserFactory(username="rita", email="rita@example.com")
    ticket = create_ticket(user("agent1"))

    response = getattr(api_as(requester), method)(
        f"/api/v1/tickets/{ticket.pk}/{path}", {"title": ""}, format="json"
    )

    assert response.status_code == 403
    assert not Escalation.objects.exists()


def test_the_manager_still_gets_field_messages(managed, api_as):
    response = api_as(user("manager")).post(
        f"/api/v1/escalations/{managed.pk}/close/", {}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"closure_note", "customer_agreed"}


def test_handoff_body_is_still_checked_for_agents(network_path, policy, api_as):
    ticket = create_ticket(user("agent1"))

    response = api_as(user("agent1")).post(
        f"/api/v1/tickets/{ticket.pk}/escalate/", {"to_tier": "L2"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == set(HANDOFF)
