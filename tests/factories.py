import factory
from factory.django import DjangoModelFactory

from tickets.models import Category, Comment, Organization, Team, Ticket, Tier, User
from tickets.priority import default_priority


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pw")


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    tier = Tier.L1

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class TicketFactory(DjangoModelFactory):
    """A ticket row made directly, for reads; use the services to test writes."""

    class Meta:
        model = Ticket

    title = factory.Sequence(lambda n: f"Ticket {n}")
    description = "Something is broken."
    requester_name = "Rita Requester"
    requester_email = factory.Sequence(lambda n: f"requester{n}@example.com")
    impact = 3
    urgency = 3
    priority = factory.LazyAttribute(lambda t: default_priority(impact=t.impact, urgency=t.urgency))
    team = factory.SubFactory(TeamFactory)
    level = factory.LazyAttribute(lambda t: t.team.tier if t.team else Tier.L1)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    ticket = factory.SubFactory(TicketFactory)
    author = factory.SubFactory(UserFactory)
    body = "A reply."
    is_public = True


def create_ticket(actor, **fields):
    """A ticket made the way users make them: through the service (hooks included).
    An agent files it for Rita; a requester files it for themself, as the service
    asks (their details come from their account)."""
    from tickets import services
    from tickets.selectors import user_is_agent

    someone = {"requester_name": "Rita", "requester_email": "rita@example.com"}
    data = {
        "title": "VPN is down",
        "description": "Nobody in Warsaw can connect.",
        **(someone if user_is_agent(actor) else {}),
        **fields,
    }
    return services.ticket_create(actor=actor, **data)


class CommunicationPlanFactory(DjangoModelFactory):
    """A communication plan: P1, every 30 minutes, reminder 5 minutes before, to everyone."""

    class Meta:
        model = "notifications.CommunicationPlan"
        django_get_or_create = ("priority",)

    priority = "P1"
    audiences = factory.LazyFunction(
        lambda: ["requester", "organization", "escalation_team", "management"]
    )
    cadence_minutes = 30
    remind_before_minutes = 5
