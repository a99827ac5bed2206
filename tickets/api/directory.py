"""The directory in the API: people, teams, categories and organizations. Everyone
signed in reads (people as ``selectors.user_list`` allows, teams agents only); admins write teams,
categories and organizations through ``tickets.services``. Nothing here is
deleted through the API: tickets and reports name these rows (switch a category
off instead)."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response

from config.api import IsAgent, StrictFieldsMixin
from tickets import selectors, services
from tickets.api.serializers import (
    CategorySerializer,
    OrganizationSerializer,
    TeamSerializer,
    UserSummarySerializer,
)
from tickets.bounds import ModelChoiceFilter
from tickets.models import Category, Organization, Team, User


class IsAdminOrReadOnly(permissions.BasePermission):
    """Reads for everyone signed in; writes for superusers."""

    message = _("Only administrators may change this.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in permissions.SAFE_METHODS or user.is_superuser


class TeamsForAgents(IsAgent):
    message = _("Teams are for agents.")


class AdminWriteViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read by everyone signed in, written by admins: the body is read with
    ``write_serializer_class`` and the answer shows the row as ``serializer_class``."""

    permission_classes = [IsAdminOrReadOnly]
    write_serializer_class: type[serializers.Serializer]

    def save(self, instance, data):  # pragma: no cover - each view set says how
        raise NotImplementedError

    def _write(self, request, instance, *, partial, code):
        serializer = self.write_serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        saved = self.save(instance, dict(serializer.validated_data))
        fresh = self.get_queryset().get(pk=saved.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def create(self, request, *args, **kwargs):
        return self._write(request, None, partial=False, code=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        return self._write(request, self.get_object(), partial=partial, code=status.HTTP_200_OK)


def _written_by(read, write):
    """The schema of an admin-written view set: bodies of ``write``, answers of ``read``."""
    return extend_schema_view(
        create=extend_schema(request=write, responses={201: read}),
        update=extend_schema(request=write, responses=read),
        partial_update=extend_schema(request=write, responses=read),
    )


# --- people ---------------------------------------------------------------------------------


class UserSerializer(UserSummarySerializer):
    is_agent = serializers.BooleanField(read_only=True)

    class Meta(UserSummarySerializer.Meta):
        fields = [*UserSummarySerializer.Meta.fields, "email", "organization", "is_agent"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class TeamChoiceFilter(ModelChoiceFilter):
    """A team by id."""


class UserFilter(filters.FilterSet):
    is_agent = filters.BooleanFilter(label="Agents only (true) or requesters only (false)")
    team = TeamChoiceFilter(
        queryset=Team.objects.all(), method="filter_team", label="Members or manager of this team"
    )

    class Meta:
        model = User
        fields = ["organization", "is_active"]

    def filter_team(self, queryset, name, value):
        works = Team.objects.filter(Q(members=OuterRef("pk")) | Q(manager=OuterRef("pk")))
        return queryset.filter(Exists(works.filter(pk=value.pk)))


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People: admins see everyone; agents see the agents and the requesters of the
    tickets they may see; a requester sees only themselves."""

    queryset = User.objects.none()  # for the schema; see get_queryset
    serializer_class = UserSerializer
    filterset_class = UserFilter
    ordering_fields = ["username", "id"]

    def get_queryset(self):
        return selectors.user_list(user=self.request.user)


# --- teams, categories, organizations -----------------------------------------------------


class TeamWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )

    class Meta:
        model = Team
        fields = ["name", "tier", "manager", "members", "email"]


@_written_by(TeamSerializer, TeamWriteSerializer)
class TeamViewSet(AdminWriteViewSet):
    """Support teams, their tier, manager and members (agents only: how the desk is
    organized is not the requesters' business)."""

    permission_classes = [IsAdminOrReadOnly, TeamsForAgents]
    queryset = Team.objects.none()  # for the schema; see get_queryset
    serializer_class = TeamSerializer
    write_serializer_class = TeamWriteSerializer
    filterset_fields = ["tier"]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user)

    def save(self, instance, data):
        members = data.pop("members", None)
        return services.team_save(team=instance, data=data, members=members)


class CategoryWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["name", "description", "is_active"]


@_written_by(CategorySerializer, CategoryWriteSerializer)
class CategoryViewSet(AdminWriteViewSet):
    """Ticket categories (issue types and services); switch one off to retire it."""

    serializer_class = CategorySerializer
    write_serializer_class = CategoryWriteSerializer
    queryset = Category.objects.order_by("name")
    filterset_fields = ["is_active"]

    def save(self, instance, data):
        return services.category_save(category=instance, data=data)


class OrganizationDetailSerializer(OrganizationSerializer):
    contacts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields, "contacts"]


class OrganizationWriteSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    contacts = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )

    class Meta:
        model = Organization
        fields = ["name", "tier", "contacts"]


@_written_by(OrganizationDetailSerializer, OrganizationWriteSerializer)
class OrganizationViewSet(AdminWriteViewSet):
    """Customer organizations and their contacts: agents see all, a requester their own."""

    queryset = Organization.objects.none()  # for the schema; see get_queryset
    serializer_class = OrganizationDetailSerializer
    write_serializer_class = OrganizationWriteSerializer
    filterset_fields = ["tier", "data_region"]

    def get_queryset(self):
        return selectors.organization_list(user=self.request.user).prefetch_related("contacts")

    def save(self, instance, data):
        contacts = data.pop("contacts", None)
        return services.organization_save(organization=instance, data=data, contacts=contacts)
