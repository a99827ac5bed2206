"""The escalation forms offer agents as the tickets forms do: a team's manager
who is not one of its members is offered as action owner, escalation manager and
escalation team member, and a public reply from them counts as the first response."""

import pytest

from escalations.forms import ActionItemForm, ManagerForm, MemberForm
from escalations.models import Escalation, SlaClock, SlaPolicy
from escalations.services.recompute import clocks_recompute
from tests.factories import TeamFactory, UserFactory, create_ticket
from tickets import services
from tickets.models import Ticket, Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    boss = UserFactory(username="boss")
    TeamFactory(name="IT Management", tier=Tier.MGMT, manager=boss)
    return boss


def test_escalation_forms_offer_a_manager_who_is_not_a_member(manager, agent):
    # The forms need the escalation's id for their URLs, and its ticket's organization.
    escalation = Escalation(pk=1, ticket=Ticket())
    requester = UserFactory(username="rita")
    choices = {
        "owner": ActionItemForm(escalation=escalation).fields["owner"].queryset,
        "manager": ManagerForm(escalation=escalation).fields["manager"].queryset,
        "member": MemberForm(escalation=escalation).fields["user"].queryset,
    }
    for field, offered in choices.items():
        assert manager in offered, field
        assert agent in offered, field
    assert requester not in choices["owner"]
    assert requester not in choices["manager"]
    assert requester not in choices["member"]


def test_a_team_managers_earlier_reply_counts_as_the_first_response(manager, agent, always_open):
    ticket = create_ticket(agent)
    services.comment_add(ticket=ticket, actor=manager, body="On it")
    policy = SlaPolicy.objects.create(
        name="Late",
        first_response_minutes=60,
        next_update_minutes=30,
        resolution_minutes=480,
        calendar=always_open,
    )
    clocks_recompute(policy_id=policy.pk)
    metrics = set(SlaClock.objects.filter(ticket=ticket).values_list("metric", flat=True))
    assert metrics == {"next_update", "resolution"}
