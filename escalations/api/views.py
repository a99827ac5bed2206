import django_filters
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from config.api import IsAdmin
from escalations.api.errors import InUse
from escalations.api.escalations import EscalateSerializer, EscalationSerializer
from escalations.api.serializers import (
    BusinessCalendarSerializer,
    PriorityCriterionSerializer,
    PriorityDefinitionSerializer,
    PriorityMatrixRowSerializer,
    PriorityOverrideSerializer,
    SlaClockHistorySerializer,
    SlaPolicySerializer,
    TicketWithSlaSerializer,
)
from escalations.models import (
    BusinessCalendar,
    PriorityCriterion,
    PriorityDefinition,
    PriorityMatrixRow,
    SlaPolicy,
)
from escalations.selectors import (
    SLA_STATUS_CHOICES,
    clock_history,
    clocks_attach,
    filter_sla_status,
    with_clocks,
)
from escalations.services import escalate, sla
from escalations.services.config import InUse as ConfigInUse
from escalations.services.config import calendars, policies, priority
from tickets import services
from tickets.api import views as ticket_views
from tickets.filters import TicketFilter
from tickets.selectors import user_is_agent


class PriorityDefinitionViewSet(viewsets.ReadOnlyModelViewSet):
    """What P1..P4 mean, in words."""

    serializer_class = PriorityDefinitionSerializer
    queryset = PriorityDefinition.objects.order_by("priority")
    lookup_field = "priority"
    pagination_class = None


class PriorityMatrixViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The impact x urgency grid (admins): one row per impact, addressed by impact."""

    serializer_class = PriorityMatrixRowSerializer
    queryset = PriorityMatrixRow.objects.order_by("impact")
    permission_classes = [IsAdmin]
    lookup_field = "impact"
    pagination_class = None

    def perform_update(self, serializer):
        serializer.instance = priority.priority_matrix_row_save(
            row=serializer.instance, data=serializer.validated_data
        )


class PriorityCriterionViewSet(viewsets.ModelViewSet):
    """Rules that raise the priority of matching tickets (admins)."""

    serializer_class = PriorityCriterionSerializer
    queryset = PriorityCriterion.objects.select_related("category").order_by("position", "id")
    permission_classes = [IsAdmin]
    filterset_fields = ["is_active", "minimum_priority"]

    def perform_create(self, serializer):
        serializer.instance = priority.priority_criterion_save(data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = priority.priority_criterion_save(
            criterion=serializer.instance, data=serializer.validated_data
        )


@extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                description=_("The calendar is used by SLA policies, teams or escalation levels.")
            ),
        }
    )
)
class BusinessCalendarViewSet(viewsets.ModelViewSet):
    """Business calendars with their hours and holidays (admins). Editing one
    re-targets the open clocks it times, in the background; one still used by a
    policy, a team or an escalation level cannot be deleted."""

    serializer_class = BusinessCalendarSerializer
    queryset = BusinessCalendar.objects.prefetch_related("intervals", "holidays").order_by("name")
    permission_classes = [IsAdmin]

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, calendar=serializer.instance)

    def perform_destroy(self, instance):
        try:
            calendars.calendar_delete(calendar=instance)
        except ConfigInUse as exc:
            raise InUse(str(exc)) from exc

    def _save(self, serializer, calendar=None):
        data = dict(serializer.validated_data)
        intervals, holidays = data.pop("intervals", None), data.pop("holidays", None)
        serializer.instance = calendars.calendar_save(
            calendar=calendar, data=data, intervals=intervals, holidays=holidays
        )


class SlaPolicyViewSet(viewsets.ModelViewSet):
    """SLA policies (admins). Saving or deleting one re-targets open clocks in the
    background."""

    serializer_class = SlaPolicySerializer
    queryset = SlaPolicy.objects.order_by("priority", "name")
    permission_classes = [IsAdmin]
    filterset_fields = ["is_active", "priority", "category", "organization_tier"]

    def perform_create(self, serializer):
        serializer.instance = policies.sla_policy_save(data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = policies.sla_policy_save(
            policy=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        policies.sla_policy_delete(policy=instance)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Re-target the open clocks now (normally automatic after an edit)."""
        policies.sla_policy_retarget(policy=self.get_object())
        return Response(status=202)


class SlaTicketFilter(TicketFilter):
    sla_status = django_filters.ChoiceFilter(
        choices=SLA_STATUS_CHOICES, method="filter_sla_status", label=_("SLA status")
    )
    # The breached flag counts the level clock too, which requesters do not see.
    agent_only = (*TicketFilter.agent_only, "sla_status")

    def filter_sla_status(self, queryset, name, value):
        return filter_sla_status(queryset, value, timezone.now())


class NullsLastOrdering(OrderingFilter):
    """Ordering where tickets with no due time (nothing running) come last either way."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(self._expression(term) for term in ordering))

    @staticmethod
    def _expression(term: str):
        name = term.lstrip("-")
        if name != "next_due":
            return term
        field = F(name)
        return field.desc(nulls_last=True) if term.startswith("-") else field.asc(nulls_last=True)


class TicketViewSet(ticket_views.TicketViewSet):
    """Tickets with their SLA clocks; ``ordering=next_due`` puts the most urgent first."""

    filter_backends = [DjangoFilterBackend, NullsLastOrdering]
    serializer_class = TicketWithSlaSerializer
    filterset_class = SlaTicketFilter
    ordering_fields = [*ticket_views.TicketViewSet.ordering_fields, "next_due"]
    listed_fields = (*ticket_views.TicketViewSet.listed_fields, "priority_override")

    def with_related(self, queryset):
        # ``next_due`` orders the list and is not shown: named, not selected and parsed.
        queryset = super().with_related(queryset).alias(next_due=F("sla_due_at"))
        # A list reads its page's clocks once the page is known (paginate_queryset).
        return queryset if self.action == "list" else with_clocks(queryset)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None and self.action == "list":
            clocks_attach(page)
        return page

    @extend_schema(
        request=EscalateSerializer,
        responses={201: EscalationSerializer},
        summary="Escalate with the hand-off information",
    )
    @action(detail=True, methods=["post"], filterset_class=None, ordering_fields=[])
    def escalate(self, request, pk=None):
        """Escalate to a higher level of the ticket's path. Every hand-off field is
        required; into a level that needs approval a P3/P4 ticket waits as
        ``requested`` for the target team's manager."""
        ticket = self.agent_object(_("Only agents can escalate tickets."))
        serializer = EscalateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        escalation = escalate.escalation_request(
            ticket=ticket, actor=request.user, **serializer.validated_data
        )
        return Response(EscalationSerializer(escalation).data, status=201)

    @extend_schema(
        responses=SlaClockHistorySerializer(many=True),
        summary="The ticket's SLA clocks with their alerts and pauses",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="sla-clocks",
        filterset_class=None,
        ordering_fields=[],
        pagination_class=None,
    )
    def sla_clocks(self, request, pk=None):
        """Each clock with its warnings and breaches (per cycle) and every pause
        (``resumed_at`` null while it is still paused)."""
        clocks = clock_history(ticket=self.get_object())
        if not user_is_agent(request.user):
            clocks = sla.requester_clocks(clocks)
        return Response(SlaClockHistorySerializer(clocks, many=True).data)

    @extend_schema(request=PriorityOverrideSerializer, summary="Set the priority by hand")
    @action(detail=True, methods=["post"], filterset_class=None, ordering_fields=[])
    def priority(self, request, pk=None):
        """Set the priority by hand with a reason; an empty priority hands it back to
        the matrix and the criteria. Audited."""
        ticket = self.agent_object(_("Only agents can set the priority by hand."))
        serializer = PriorityOverrideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.ticket_override_priority(
            ticket=ticket, actor=request.user, **serializer.validated_data
        )
        return self.written(ticket)
