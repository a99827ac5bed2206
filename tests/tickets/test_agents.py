"""One definition of an agent (an admin, or a member or manager of a team), and
the places that offer agents: a team's manager who is not one of its members
counts everywhere a member does."""

import pytest

from tests.factories import AdminFactory, CommentFactory, TeamFactory, TicketFactory, UserFactory
from tickets import selectors
from tickets.forms import TicketCreateForm, TicketPropertiesForm
from tickets.models import Comment, Tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(agent):
    """A member (``agent``), a manager of a team who is in none, an admin in no team,
    a requester, and a former manager whose account is switched off."""
    manager = UserFactory(username="boss")
    TeamFactory(name="Network Engineering", tier=Tier.L2, manager=manager)
    gone = UserFactory(username="gone", is_active=False)
    TeamFactory(name="Senior Architects", tier=Tier.L3, manager=gone)
    return {
        "member": agent,
        "manager": manager,
        "admin": AdminFactory(username="root"),
        "requester": UserFactory(username="rita"),
        "gone": gone,
    }


def test_a_manager_outside_the_team_is_an_agent_and_a_requester_is_not(people):
    assert [selectors.user_is_agent(people[name]) for name in people] == [
        True,
        True,
        True,
        False,
        True,  # an agent still, though nobody offers them any more
    ]
    assert set(selectors.agents()) == {people["member"], people["manager"], people["admin"]}


def test_assignees_are_the_people_of_teams_managers_included(people):
    assert set(selectors.assignees()) == {people["member"], people["manager"]}


def test_ticket_forms_offer_a_manager_who_is_not_a_member_as_assignee(people):
    ticket = TicketFactory()
    offered = [
        TicketCreateForm(user=people["member"]).fields["assignee"].queryset,
        TicketPropertiesForm(ticket=ticket).fields["assignee"].queryset,
    ]
    for choices in offered:
        assert people["manager"] in choices
        assert people["requester"] not in choices
        assert people["gone"] not in choices


def test_a_reply_by_a_team_manager_counts_as_written_by_an_agent(people):
    ticket = TicketFactory()
    for name in ("member", "manager", "admin", "requester"):
        CommentFactory(ticket=ticket, author=people[name], body=name)
    by_agents = Comment.objects.filter(selectors.agent_filter(prefix="author__"))
    assert sorted(by_agents.values_list("body", flat=True).distinct()) == [
        "admin",
        "manager",
        "member",
    ]
