"""Serializers of the duty API: schedules, overrides, absences, the directory,
timelines, hand-overs and hand-over notes."""

from rest_framework import serializers

from config.api import StrictFieldsMixin
from escalations.models import (
    Absence,
    DutyOverride,
    Handover,
    Rotation,
    RotationMember,
    RotationWindow,
    Shift,
    TeamSchedule,
)
from tickets.api import system_texts as texts
from tickets.models import User


class ShiftSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shift
        fields = ["weekday", "start", "end"]


class RotationWindowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RotationWindow
        fields = ["weekday", "start", "end"]


class RotationMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = RotationMember
        fields = ["user", "position"]


class RotationSerializer(serializers.ModelSerializer):
    members = RotationMemberSerializer(many=True, read_only=True)
    windows = RotationWindowSerializer(many=True, read_only=True)

    class Meta:
        model = Rotation
        fields = [
            "id",
            "name",
            "layer",
            "shift_hours",
            "handoff_time",
            "starts_on",
            "members",
            "windows",
        ]


class TeamScheduleSerializer(serializers.ModelSerializer):
    shifts = ShiftSerializer(many=True, read_only=True)
    rotations = RotationSerializer(many=True, read_only=True)

    class Meta:
        model = TeamSchedule
        fields = ["id", "team", "time_zone", "calendar", "shifts", "rotations", "updated_at"]


class DutyOverrideSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    schedule = serializers.PrimaryKeyRelatedField(queryset=TeamSchedule.objects.all())
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    class Meta:
        model = DutyOverride
        fields = ["id", "schedule", "kind", "user", "layer", "starts_at", "ends_at", "note"]
        # Period and person rules are the service's, told as field messages.
        validators = []


class AbsenceSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Absence
        fields = ["id", "user", "kind", "starts_at", "ends_at", "note"]
        validators = []


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField()
    # Blank when the person has none: a string, not the schema's "email" format.
    email = serializers.CharField()
    phone = serializers.CharField()


class DirectoryRowSerializer(serializers.Serializer):
    path = serializers.CharField(source="level.path.name")
    level = serializers.IntegerField(source="level.position")
    tier = serializers.CharField(source="level.tier")
    team_id = serializers.IntegerField(source="team.pk")
    team = serializers.CharField(source="team.name")
    team_email = serializers.CharField(source="team.email")  # blank when the team has none
    on_duty = serializers.BooleanField()
    until = serializers.DateTimeField(allow_null=True)
    now = PersonSerializer(many=True)
    on_call = PersonSerializer(allow_null=True)
    next_at = serializers.DateTimeField(allow_null=True)
    next = PersonSerializer(many=True)
    manager = PersonSerializer(allow_null=True)
    management = PersonSerializer(many=True)


class TimelinePieceSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    on_duty = serializers.BooleanField()
    people = serializers.ListField(child=serializers.IntegerField())
    on_call = serializers.IntegerField(allow_null=True)
    layers = serializers.DictField(child=serializers.IntegerField())


class HandoverSerializer(serializers.ModelSerializer):
    draft = texts.rendered("draft", "The summary from the timeline")
    draft_key = texts.message_key("draft", "handover.draft")
    draft_params = texts.message_params("draft")

    class Meta:
        model = Handover
        fields = [
            "id",
            "ticket",
            "number",
            "from_team",
            "to_team",
            "from_assignee",
            "draft",
            "draft_key",
            "draft_params",
            "note",
            "handed_at",
        ]
        read_only_fields = fields


class HandoverCountSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(source="ticket_id")
    handovers = serializers.IntegerField()


class HandoverNoteSerializer(StrictFieldsMixin, serializers.Serializer):
    ticket = serializers.IntegerField()
    text = serializers.CharField(allow_blank=True, max_length=5000)


class AssignNextSerializer(StrictFieldsMixin, serializers.Serializer):
    agent = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )


class AssignedSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    reference = serializers.CharField()
    assignee = serializers.IntegerField()


class FeedSerializer(serializers.Serializer):
    url = serializers.URLField()
