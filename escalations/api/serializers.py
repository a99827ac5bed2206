from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from config.api import StrictFieldsMixin
from escalations.businesstime import Interval, overlapping_intervals
from escalations.models import (
    BusinessCalendar,
    Holiday,
    PriorityCriterion,
    PriorityDefinition,
    PriorityMatrixRow,
    SlaClock,
    SlaPolicy,
    WorkingInterval,
)
from escalations.models.calendars import validate_working_hours
from escalations.services import sla
from tickets.api.serializers import TicketSerializer
from tickets.models import Priority


class SlaClockSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=SlaClock.Status.choices, read_only=True)
    target_seconds = serializers.SerializerMethodField()
    used_seconds = serializers.SerializerMethodField()
    remaining_seconds = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = SlaClock
        fields = [
            "metric",
            "status",
            "state",
            "target_seconds",
            "used_seconds",
            "remaining_seconds",
            "started_at",
            "warn_at",
            "due_at",
            "breached_at",
            "met_at",
            "cycle",
        ]
        read_only_fields = fields

    def _now(self):
        return self.context.get("now") or timezone.now()

    def get_target_seconds(self, clock: SlaClock) -> int:
        return int(clock.target.total_seconds())

    def get_used_seconds(self, clock: SlaClock) -> int:
        return int(sla.used_now(clock, self._now()).total_seconds())

    def get_remaining_seconds(self, clock: SlaClock) -> int:
        """Business seconds left before the target; negative once past it."""
        return int(sla.remaining(clock, self._now()) // timedelta(seconds=1))

    @extend_schema_field(serializers.ChoiceField(sla.STATES))
    def get_state(self, clock: SlaClock) -> str:
        return sla.clock_state(clock, self._now())


@extend_schema_serializer(component_name="Ticket")
class TicketWithSlaSerializer(TicketSerializer):
    """A ticket with its SLA clocks."""

    sla_clocks = SlaClockSerializer(many=True, read_only=True)

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "priority_override", "sla_clocks"]
        read_only_fields = fields


class PriorityOverrideSerializer(StrictFieldsMixin, serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=[("", _("back to the rules")), *Priority.choices], allow_blank=True
    )
    reason = serializers.CharField(max_length=1000)


class PriorityDefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityDefinition
        fields = ["priority", "name", "description", "example"]


class PriorityMatrixRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityMatrixRow
        fields = ["impact", "urgency_1", "urgency_2", "urgency_3", "urgency_4"]
        read_only_fields = ["impact"]


class PriorityCriterionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = PriorityCriterion
        fields = [
            "id",
            "name",
            "is_active",
            "position",
            "organization_tier",
            "category",
            "if_security",
            "if_safety",
            "if_legal",
            "if_major_outage",
            "keywords",
            "minimum_priority",
            "jump_to_level",
            "notify_management",
        ]

    def validate(self, attrs):
        instance = PriorityCriterion(**{**self._current(), **attrs})
        instance.clean()  # a criterion needs at least one condition
        return attrs

    def _current(self) -> dict:
        if self.instance is None:
            return {}
        return {f: getattr(self.instance, f) for f in self.Meta.fields if f != "id"}


class WorkingIntervalSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingInterval
        fields = ["weekday", "start", "end", "overnight"]

    def validate(self, attrs):
        WorkingInterval(**attrs).clean()
        return attrs


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["date", "name", "recurring"]


class BusinessCalendarSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A calendar with its hours and holidays; writing replaces both lists."""

    intervals = WorkingIntervalSerializer(many=True, required=False)
    holidays = HolidaySerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "time_zone", "is_24x7", "intervals", "holidays", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def validate_intervals(self, value):
        clashes = overlapping_intervals(
            [Interval(i["weekday"], i["start"], i["end"]) for i in value]
        )
        if clashes:
            raise serializers.ValidationError(_("Working intervals overlap."))
        return value

    def validate_holidays(self, value):
        dates = [h["date"] for h in value]
        if len(dates) != len(set(dates)):
            raise serializers.ValidationError(_("A date is listed twice."))
        return value

    def validate(self, attrs):
        current = self.instance
        if "intervals" in attrs:
            intervals = len(attrs["intervals"])
        else:
            intervals = current.intervals.count() if current is not None else 0
        is_24x7 = attrs.get("is_24x7", current.is_24x7 if current is not None else False)
        validate_working_hours(is_24x7=is_24x7, intervals=intervals)
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        intervals = validated_data.pop("intervals", [])
        holidays = validated_data.pop("holidays", [])
        calendar = BusinessCalendar.objects.create(**validated_data)
        self._replace(calendar, intervals, holidays)
        return calendar

    @transaction.atomic
    def update(self, instance, validated_data):
        intervals = validated_data.pop("intervals", None)
        holidays = validated_data.pop("holidays", None)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        self._replace(instance, intervals, holidays)
        return instance

    def _replace(self, calendar, intervals, holidays):
        if intervals is not None:
            calendar.intervals.all().delete()
            WorkingInterval.objects.bulk_create(
                WorkingInterval(calendar=calendar, **i) for i in intervals
            )
        if holidays is not None:
            calendar.holidays.all().delete()
            Holiday.objects.bulk_create(Holiday(calendar=calendar, **h) for h in holidays)


class SlaPolicySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "is_active",
            "priority",
            "category",
            "organization_tier",
            "first_response_minutes",
            "next_update_minutes",
            "resolution_minutes",
            "warning_percent",
            "calendar",
            "escalate_on_breach",
            "updated_at",
        ]
        read_only_fields = ["id", "updated_at"]

    def validate(self, attrs):
        current = (
            {}
            if self.instance is None
            else {
                f: getattr(self.instance, f)
                for f in self.Meta.fields
                if f not in ("id", "updated_at")
            }
        )
        candidate = SlaPolicy(pk=getattr(self.instance, "pk", None), **{**current, **attrs})
        candidate.clean()  # one active policy per priority, category and tier
        return attrs
