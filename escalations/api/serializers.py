from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from config.api import LeanRepresentationMixin, StrictFieldsMixin, WholeListSerializer
from escalations.models import (
    BusinessCalendar,
    Holiday,
    PriorityCriterion,
    PriorityDefinition,
    PriorityMatrixRow,
    SlaClock,
    SlaClockAlert,
    SlaPolicy,
    WorkingInterval,
)
from escalations.services import sla
from escalations.services.config import calendars, policies, priority
from tickets.api.serializers import TicketSerializer
from tickets.models import Priority


class SlaClockSerializer(LeanRepresentationMixin, serializers.ModelSerializer):
    """A clock as clients see it: ``status`` (running, paused, met, breached) and
    ``state``, what an agent needs at a glance (on track, at risk ...), both
    derived from the stored clock state."""

    status = serializers.ChoiceField(choices=SlaClock.Status.choices, read_only=True)
    target_seconds = serializers.SerializerMethodField()
    used_seconds = serializers.SerializerMethodField()
    remaining_seconds = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    breached_at = serializers.SerializerMethodField(
        help_text=_(
            "When the target was missed: the recorded time, or the due time of a running "
            "clock past it that the sweep has not recorded yet."
        )
    )

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
        """The context's ``now``, else the time of the first clock written: the clocks
        of a list are all read as of one moment."""
        now = self.__dict__.get("_listed_now")
        if now is None:
            now = self._listed_now = self.context.get("now") or timezone.now()
        return now

    def get_target_seconds(self, clock: SlaClock) -> int:
        return int(clock.target.total_seconds())

    def get_used_seconds(self, clock: SlaClock) -> int:
        return int(sla.used_now(clock, self._now()).total_seconds())

    def get_remaining_seconds(self, clock: SlaClock) -> int:
        """Business seconds left before the target; negative once past it."""
        return int(sla.remaining(clock, self._now()) // timedelta(seconds=1))

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_breached_at(self, clock: SlaClock):
        value = sla.breached_at(clock, self._now())
        return None if value is None else serializers.DateTimeField().to_representation(value)

    @extend_schema_field(serializers.ChoiceField(sla.STATES))
    def get_state(self, clock: SlaClock) -> str:
        return sla.clock_state(clock, self._now())

    lean_fields = frozenset(Meta.fields)

    def lean_representation(self, clock: SlaClock) -> dict:
        now = self._now()
        moment = self.moments()
        used = sla.used_now(clock, now)
        return {
            "metric": str(clock.metric),
            "status": str(clock.status),
            "state": sla.clock_state(clock, now),
            "target_seconds": int(clock.target.total_seconds()),
            "used_seconds": int(used.total_seconds()),
            "remaining_seconds": int((clock.target - used) // timedelta(seconds=1)),
            "started_at": moment(clock.started_at),
            "warn_at": moment(clock.warn_at),
            "due_at": moment(clock.due_at),
            "breached_at": moment(sla.breached_at(clock, now)),
            "met_at": moment(clock.met_at),
            "cycle": int(clock.cycle),
        }


class SlaAlertSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaClockAlert
        fields = ["kind", "cycle", "due_at", "recorded_at"]
        read_only_fields = fields


class PauseSerializer(serializers.Serializer):
    paused_at = serializers.DateTimeField(read_only=True)
    resumed_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="Null while the clock is still paused."
    )


class SlaClockHistorySerializer(SlaClockSerializer):
    """A clock with its warnings and breaches and the times it was paused."""

    alerts = SlaAlertSerializer(many=True, read_only=True)
    pauses = PauseSerializer(many=True, read_only=True)

    class Meta(SlaClockSerializer.Meta):
        fields = [*SlaClockSerializer.Meta.fields, "alerts", "pauses"]
        read_only_fields = fields


@extend_schema_serializer(component_name="Ticket")
class TicketWithSlaSerializer(TicketSerializer):
    """A ticket with its SLA clocks (for requesters, without the time at the level:
    how long the desk keeps a ticket at a level is not their business)."""

    agent_only_fields = (*TicketSerializer.agent_only_fields, "priority_override")
    sla_clocks = SlaClockSerializer(
        many=True,
        read_only=True,
        help_text=_("For requesters, without the level clock (the time at the level)."),
    )
    priority_override = serializers.ChoiceField(
        choices=[("", _("none: the rules decide")), *Priority.choices],
        read_only=True,
        help_text=_("While set, the matrix and the criteria no longer change the priority."),
    )

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "priority_override", "sla_clocks"]
        read_only_fields = fields

    lean_fields = frozenset(Meta.fields)

    def lean_representation(self, ticket) -> dict:
        row = super().lean_representation(ticket)
        row["priority_override"] = str(ticket.priority_override)
        # One clock serializer for the whole list, made apart from ``self.fields``:
        # reaching it there would build every declared field of the ticket for nothing.
        clock = self.__dict__.get("_clock_writer")
        if clock is None:
            clock = self._clock_writer = SlaClockSerializer(context=self.context)
        clocks = getattr(ticket, "listed_clocks", None)  # a list's page: read with the page
        if clocks is None:
            clocks = ticket.sla_clocks.all()
        if not self.shows_internals():
            clocks = sla.requester_clocks(clocks)
        row["sla_clocks"] = [clock.to_representation(each) for each in clocks]
        return row


class PriorityOverrideSerializer(StrictFieldsMixin, serializers.Serializer):
    priority = serializers.ChoiceField(
        choices=[("", _("back to the rules")), *Priority.choices], allow_blank=True
    )
    reason = serializers.CharField(max_length=1000)


class PriorityDefinitionSerializer(serializers.ModelSerializer):
    """In the reader's language when an admin wrote it, else the default text."""

    name = serializers.CharField(source="display_name", read_only=True)
    description = serializers.CharField(source="display_description", read_only=True)
    example = serializers.CharField(source="display_example", read_only=True)

    class Meta:
        model = PriorityDefinition
        fields = ["priority", "name", "description", "example"]


class PriorityMatrixRowSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = PriorityMatrixRow
        fields = ["impact", "urgency_1", "urgency_2", "urgency_3", "urgency_4"]
        read_only_fields = ["impact"]


class PriorityCriterionSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = PriorityCriterion
        fields = ["id", *priority.CRITERION_FIELDS]


class WorkingIntervalSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = WorkingInterval
        fields = list(calendars.INTERVAL_FIELDS)
        list_serializer_class = WholeListSerializer


class HolidaySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = list(calendars.HOLIDAY_FIELDS)
        list_serializer_class = WholeListSerializer


class BusinessCalendarSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A calendar with its hours and holidays; writing either list replaces it."""

    intervals = WorkingIntervalSerializer(many=True, required=False)
    holidays = HolidaySerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = ["id", *calendars.CALENDAR_FIELDS, "intervals", "holidays", "updated_at"]
        read_only_fields = ["id", "updated_at"]


class SlaPolicySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = SlaPolicy
        fields = ["id", *policies.POLICY_FIELDS, "updated_at"]
        read_only_fields = ["id", "updated_at"]
