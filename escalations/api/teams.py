"""Teams in the API with the business calendar they work (``TeamCalendar``)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from escalations.models import BusinessCalendar
from escalations.services.config import calendars
from tickets.api import directory
from tickets.api.serializers import TeamSerializer
from tickets.models import Team

UNSET = object()


@extend_schema_serializer(component_name="Team")
class TeamWithCalendarSerializer(TeamSerializer):
    calendar = serializers.SerializerMethodField()

    class Meta(TeamSerializer.Meta):
        fields = [*TeamSerializer.Meta.fields, "calendar"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_calendar(self, team: Team) -> int | None:
        """The business calendar the team works, if any (else 24x7)."""
        link = getattr(team, "calendar_link", None)
        return link.calendar_id if link is not None else None


@extend_schema_serializer(component_name="TeamWrite")
class TeamWithCalendarWriteSerializer(directory.TeamWriteSerializer):
    calendar = serializers.PrimaryKeyRelatedField(
        queryset=BusinessCalendar.objects.all(), required=False, allow_null=True
    )

    class Meta(directory.TeamWriteSerializer.Meta):
        fields = [*directory.TeamWriteSerializer.Meta.fields, "calendar"]


@directory._written_by(TeamWithCalendarSerializer, TeamWithCalendarWriteSerializer)
class TeamViewSet(directory.TeamViewSet):
    """Support teams: tier, manager, members and the business calendar they work.
    Changing the calendar re-matches the team's open tickets in the background."""

    serializer_class = TeamWithCalendarSerializer
    write_serializer_class = TeamWithCalendarWriteSerializer

    def get_queryset(self):
        return super().get_queryset().select_related("calendar_link")

    @transaction.atomic
    def save(self, instance, data):
        calendar = data.pop("calendar", UNSET)
        team = super().save(instance, data)
        if calendar is not UNSET:
            calendars.team_calendar_save(team=team, calendar=calendar)
        return team
