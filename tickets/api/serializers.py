from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from config.api import LeanRepresentationMixin, StrictFieldsMixin
from tickets.models import (
    Category,
    Impact,
    Organization,
    Status,
    Team,
    Ticket,
    Urgency,
    User,
)
from tickets.selectors import user_is_agent
from tickets.services import transitions_for
from tickets.workflow import allowed_transitions


class UserSummarySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]

    def get_name(self, obj: User) -> str:
        return str(obj)


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "tier"]


class OrganizationDetailSerializer(OrganizationSerializer):
    """The organizations endpoint also says where each one's data is held."""

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "data_region"]


class CategorySerializer(serializers.ModelSerializer):
    """In the reader's language when an admin wrote it, else the default text."""

    name = serializers.CharField(source="display_name", read_only=True)
    description = serializers.CharField(source="display_description", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "name", "description", "is_active"]


class TeamSerializer(serializers.ModelSerializer):
    manager = UserSummarySerializer(read_only=True, allow_null=True)
    members = UserSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "tier", "manager", "members", "email"]


class TeamSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "tier"]


def _text(value) -> str | None:
    return None if value is None else str(value)


def user_summary(user: User | None) -> dict | None:
    """``UserSummarySerializer``'s output, written out (the ticket list's rows)."""
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": str(user)}


class TicketSerializer(LeanRepresentationMixin, serializers.ModelSerializer):
    """A ticket as the API shows it (rows written out by ``lean_representation``,
    the same JSON as the declared fields give, for long lists).

    How the desk routes the work (``agent_only_fields``: the level and the team)
    is left out for requesters, as their ticket page leaves it out."""

    agent_only_fields: tuple[str, ...] = Ticket.ROUTING_FIELDS

    reference = serializers.CharField(read_only=True)
    organization = OrganizationSerializer(read_only=True, allow_null=True)
    category = CategorySerializer(read_only=True, allow_null=True)
    team = TeamSummarySerializer(read_only=True, allow_null=True)
    assignee = UserSummarySerializer(read_only=True, allow_null=True)
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "requester_name",
            "requester_email",
            "requester_language",
            "organization",
            "category",
            "impact",
            "urgency",
            "priority",
            "is_security",
            "is_safety",
            "is_legal",
            "is_major_outage",
            "status",
            "allowed_transitions",
            "level",
            "team",
            "assignee",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields

    lean_fields = frozenset(Meta.fields)

    def shows_internals(self) -> bool:
        """Whether the caller is an agent (asked once per serializer: once per page)."""
        shows = self.__dict__.get("_shows_internals")
        if shows is None:
            request = self.context.get("request")
            shows = request is None or user_is_agent(request.user)
            self._shows_internals = shows
        return shows

    def to_representation(self, instance):
        row = super().to_representation(instance)
        if not self.shows_internals():
            for name in self.agent_only_fields:
                row.pop(name, None)
        return row

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Status.choices)))
    def get_allowed_transitions(self, obj: Ticket) -> list[str]:
        """The status changes the caller may make."""
        request = self.context.get("request")
        if request is None:
            return allowed_transitions(obj.status)
        return transitions_for(status=obj.status, actor=request.user)

    def _transitions(self, ticket: Ticket) -> list[str]:
        """``get_allowed_transitions``, worked out once per status for the whole list."""
        known = self.__dict__.setdefault("_transitions_by_status", {})
        status = str(ticket.status)
        if status not in known:
            known[status] = self.get_allowed_transitions(ticket)
        return list(known[status])

    def lean_representation(self, ticket: Ticket) -> dict:
        organization, category, team = ticket.organization, ticket.category, ticket.team
        moment = self.moments()
        return {
            "id": ticket.pk,
            "reference": ticket.reference,
            "title": ticket.title,
            "description": ticket.description,
            "requester_name": ticket.requester_name,
            "requester_email": ticket.requester_email,
            "requester_language": str(ticket.requester_language),
            "organization": None
            if organization is None
            else {"id": organization.pk, "name": organization.name, "tier": str(organization.tier)},
            "category": None
            if category is None
            else {
                "id": category.pk,
                "name": _text(category.display_name),
                "description": _text(category.display_description),
                "is_active": bool(category.is_active),
            },
            "impact": int(ticket.impact),
            "urgency": int(ticket.urgency),
            "priority": str(ticket.priority),
            "is_security": bool(ticket.is_security),
            "is_safety": bool(ticket.is_safety),
            "is_legal": bool(ticket.is_legal),
            "is_major_outage": bool(ticket.is_major_outage),
            "status": str(ticket.status),
            "allowed_transitions": self._transitions(ticket),
            "level": str(ticket.level),
            "team": None
            if team is None
            else {"id": team.pk, "name": team.name, "tier": str(team.tier)},
            "assignee": user_summary(ticket.assignee),
            "created_at": moment(ticket.created_at),
            "updated_at": moment(ticket.updated_at),
            "resolved_at": moment(ticket.resolved_at),
            "closed_at": moment(ticket.closed_at),
        }


class TicketWriteSerializer(StrictFieldsMixin, serializers.Serializer):
    """Fields a client may send when creating or editing a ticket."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000)
    requester_name = serializers.CharField(max_length=200, required=False)
    requester_email = serializers.EmailField(required=False)
    requester_language = serializers.ChoiceField(
        choices=Ticket._meta.get_field("requester_language").choices,
        required=False,
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    is_security = serializers.BooleanField(required=False)
    is_safety = serializers.BooleanField(required=False)
    is_legal = serializers.BooleanField(required=False)
    is_major_outage = serializers.BooleanField(required=False)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )


class TicketCreateSerializer(TicketWriteSerializer):
    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        # Agents file on someone's behalf and must say who; required here (rather than
        # checked in validate()) so the error comes together with any other field's.
        if request is not None and user_is_agent(request.user):
            for name in ("requester_name", "requester_email"):
                fields[name].required = True
        return fields


@extend_schema_serializer(component_name="AuthToken")  # the name clients know it by
class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's sign-in for a token, with the user name no longer than a user name
    can be: a longer one reached the sign-in records (which hold 255 characters)
    and failed inside PostgreSQL."""

    username = serializers.CharField(
        label=_("Username"),
        write_only=True,
        max_length=User._meta.get_field("username").max_length,
    )
