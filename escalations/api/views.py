from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import IsAdmin
from escalations import tasks
from escalations.api.serializers import (
    BusinessCalendarSerializer,
    PriorityCriterionSerializer,
    PriorityDefinitionSerializer,
    PriorityMatrixRowSerializer,
    SlaPolicySerializer,
)
from escalations.models import (
    BusinessCalendar,
    PriorityCriterion,
    PriorityDefinition,
    PriorityMatrixRow,
    SlaPolicy,
)


def recompute_after_commit(**ids) -> None:
    transaction.on_commit(lambda: tasks.recompute_clocks.delay(**ids))


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


class PriorityCriterionViewSet(viewsets.ModelViewSet):
    """Rules that raise the priority of matching tickets (admins)."""

    serializer_class = PriorityCriterionSerializer
    queryset = PriorityCriterion.objects.select_related("category").order_by("position", "id")
    permission_classes = [IsAdmin]
    filterset_fields = ["is_active", "minimum_priority"]


class BusinessCalendarViewSet(viewsets.ModelViewSet):
    """Business calendars with their hours and holidays (admins). Editing one
    re-targets the open clocks it times, in the background."""

    serializer_class = BusinessCalendarSerializer
    queryset = BusinessCalendar.objects.prefetch_related("intervals", "holidays").order_by("name")
    permission_classes = [IsAdmin]

    def perform_update(self, serializer):
        calendar = serializer.save()
        recompute_after_commit(calendar_id=calendar.pk)


class SlaPolicyViewSet(viewsets.ModelViewSet):
    """SLA policies (admins). Saving one re-targets open clocks in the background."""

    serializer_class = SlaPolicySerializer
    queryset = SlaPolicy.objects.order_by("priority", "name")
    permission_classes = [IsAdmin]
    filterset_fields = ["is_active", "priority", "category", "organization_tier"]

    def perform_create(self, serializer):
        recompute_after_commit(policy_id=serializer.save().pk)

    def perform_update(self, serializer):
        recompute_after_commit(policy_id=serializer.save().pk)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def recompute(self, request, pk=None):
        """Re-target the open clocks now (normally automatic after an edit)."""
        recompute_after_commit(policy_id=self.get_object().pk)
        return Response(status=202)
