"""Communication plans (admins) and a ticket's status updates (agents)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from config.api import IsAdmin, Pagination, StrictFieldsMixin
from notifications import selectors
from notifications.models import Audience, CommunicationPlan, StatusUpdate
from notifications.services.plans import communication_plan_delete, communication_plan_save
from notifications.services.status_updates import BODY_MAX, status_update_send
from tickets.selectors import user_is_agent


class CommunicationPlanSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), allow_empty=False
    )

    class Meta:
        model = CommunicationPlan
        fields = [
            "id",
            "priority",
            "audiences",
            "cadence_minutes",
            "remind_before_minutes",
            "is_active",
        ]
        read_only_fields = ["id"]


class CommunicationPlanViewSet(viewsets.ModelViewSet):
    """Who hears about a ticket of each priority, and how often (admins). Addressed
    by priority: ``/communication-plans/P1/``."""

    serializer_class = CommunicationPlanSerializer
    queryset = CommunicationPlan.objects.order_by("priority")
    permission_classes = [IsAdmin]
    lookup_field = "priority"
    pagination_class = None

    def perform_create(self, serializer):
        serializer.instance = communication_plan_save(
            plan=CommunicationPlan(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        plan = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(plan, name, value)
        serializer.instance = communication_plan_save(plan=plan)

    def perform_destroy(self, instance):
        communication_plan_delete(plan=instance)


class StatusUpdateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), allow_empty=False
    )
    body = serializers.CharField(max_length=BODY_MAX)
    escalation = serializers.IntegerField(
        source="escalation_id",
        required=False,
        allow_null=True,
        help_text=_("The escalation the update is sent from (optional)."),
    )
    author = serializers.StringRelatedField()

    class Meta:
        model = StatusUpdate
        fields = ["id", "ticket", "escalation", "author", "audiences", "body", "created_at"]
        read_only_fields = ["id", "ticket", "author", "created_at"]


ESCALATION_PARAM = OpenApiParameter(
    "escalation", int, description=_("Reach the ticket through this escalation of it.")
)


class StatusUpdateListView(generics.ListCreateAPIView):
    """A ticket's status updates, newest first; POST sends one to the chosen
    audiences and restarts the update cadence (agents who may see the ticket)."""

    serializer_class = StatusUpdateSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StatusUpdate.objects.none()
        ticket, _escalation = selectors.update_target(
            user=self.request.user,
            pk=self.kwargs["pk"],
            escalation_pk=self.request.query_params.get("escalation"),
        )
        return selectors.status_update_list(ticket=ticket)

    @extend_schema(parameters=[ESCALATION_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        # Who may post comes first: a requester learns nothing from a 400.
        given = request.data.get("escalation") if isinstance(request.data, dict) else None
        if user_is_agent(request.user) and given not in (None, ""):
            try:  # the field's own check, before reach: a malformed id is a 400
                StatusUpdateSerializer().fields["escalation"].run_validation(given)
            except ValidationError as error:
                raise ValidationError({"escalation": error.detail}) from error
        ticket, escalation = selectors.update_target(
            user=request.user, pk=self.kwargs["pk"], escalation_pk=given
        )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = status_update_send(
            ticket=ticket,
            actor=request.user,
            body=serializer.validated_data["body"],
            audiences=serializer.validated_data["audiences"],
            escalation=escalation,
        )
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
