"""API for escalations, their team, action plan and review (paths: ``paths``)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import StrictFieldsMixin
from escalations import selectors
from escalations.models import (
    HANDOFF_FIELDS,
    ActionItem,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
)
from escalations.pipeline import Action, check_permission
from escalations.services import escalate, managed, managed_team, reviews
from tickets import notes
from tickets.api import system_texts as texts
from tickets.api.serializers import UserSummarySerializer
from tickets.models import Tier, User

# --- escalations ---------------------------------------------------------------------------


class MemberSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_(
            "An agent, or a contact of the ticket's organization in the role customer_contact."
        ),
    )

    class Meta:
        model = EscalationTeamMember
        fields = ["id", "role", "user", "name", "contact"]


class ActionItemSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("An agent (a member or manager of a team)."),
    )
    done = serializers.BooleanField(required=False, write_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "description", "owner", "due_at", "done_at", "done", "created_at"]
        read_only_fields = ["id", "done_at", "created_at"]


class ReviewSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = EscalationReview
        fields = ["requested_at", "submitted_at", "submitted_by", *reviews.REVIEW_FIELDS]
        read_only_fields = ["requested_at", "submitted_at", "submitted_by"]


class EscalationSerializer(serializers.ModelSerializer):
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)
    manager = UserSummarySerializer(read_only=True, allow_null=True)
    requested_by = UserSummarySerializer(read_only=True, allow_null=True)
    members = MemberSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)
    reason = texts.rendered("reason", "Why it escalated")
    reason_key = texts.message_key("reason", "escalation.level_time")
    reason_params = texts.message_params("reason")
    handoff_notes = texts.notes_by_field("hand-off field")
    rejection_reason = texts.rendered("rejection_reason", "Why it was rejected or withdrawn")
    rejection_reason_key = texts.message_key("rejection reason", "escalation.resolved_first")
    rejection_reason_params = texts.message_params("rejection reason")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "ticket",
            "ticket_reference",
            "kind",
            "trigger",
            "status",
            "from_tier",
            "to_tier",
            "to_team",
            "reason",
            "reason_key",
            "reason_params",
            *HANDOFF_FIELDS,
            "handoff_notes",
            "requested_by",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "rejection_reason_key",
            "rejection_reason_params",
            "manager",
            "monitoring_until",
            "monitoring_ended_at",
            "closure_note",
            "customer_agreed",
            "members",
            "action_items",
            "created_at",
            "closed_at",
        ]
        read_only_fields = fields

    def to_representation(self, escalation):
        data = super().to_representation(escalation)
        for name in escalation.handoff_notes or {}:  # what the system wrote: for the reader
            data[name] = notes.render_in(escalation, "handoff_notes", name)
        return data


class EscalateSerializer(StrictFieldsMixin, serializers.Serializer):
    to_tier = serializers.ChoiceField(choices=Tier.choices)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=5000)
    steps_taken = serializers.CharField(max_length=5000)
    impact_assessment = serializers.CharField(max_length=5000)
    customer_context = serializers.CharField(max_length=5000)
    time_constraints = serializers.CharField(max_length=5000)
    assistance_requested = serializers.CharField(max_length=5000)


class ReasonSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MonitorSerializer(StrictFieldsMixin, serializers.Serializer):
    until = serializers.DateTimeField()


class CloseSerializer(StrictFieldsMixin, serializers.Serializer):
    closure_note = serializers.CharField(max_length=5000)
    customer_agreed = serializers.BooleanField()
    close_open_actions = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Close although action items are still open (they are recorded).",
    )


class ManagerSerializer(StrictFieldsMixin, serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class EscalationFilter(django_filters.FilterSet):
    class Meta:
        model = Escalation
        fields = ["status", "kind", "trigger", "ticket", "to_tier", "manager"]


class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Escalations you may see, and every step of working them."""

    queryset = Escalation.objects.none()  # for the schema; see get_queryset
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter
    ordering_fields = ["created_at", "status"]

    def get_queryset(self):
        return selectors.escalation_list(user=self.request.user).prefetch_related(
            "members", "action_items"
        )

    def _answer(self, escalation, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=escalation.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], filterset_class=None)
    def approve(self, request, pk=None):
        """The target team's manager approves; the ticket moves."""
        escalation = self._begin(Action.APPROVE)
        return self._answer(escalate.escalation_approve(escalation=escalation, actor=request.user))

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request, pk=None):
        """The target team's manager refuses, saying why."""
        escalation = self._begin(Action.REJECT)
        data = self._valid(ReasonSerializer)
        return self._answer(
            escalate.escalation_reject(escalation=escalation, actor=request.user, **data)
        )

    @extend_schema(request=MonitorSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def monitor(self, request, pk=None):
        """Watch a managed escalation until the date agreed with the customer."""
        escalation = self._begin(Action.MONITOR)
        data = self._valid(MonitorSerializer)
        return self._answer(
            managed.managed_escalation_monitor(escalation=escalation, actor=request.user, **data)
        )

    @extend_schema(request=CloseSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def close(self, request, pk=None):
        """Close a managed escalation, once the customer agrees and the review is in."""
        escalation = self._begin(Action.CLOSE)
        data = self._valid(CloseSerializer)
        return self._answer(
            managed.managed_escalation_close(escalation=escalation, actor=request.user, **data)
        )

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def reopen(self, request, pk=None):
        """Make a managed escalation in monitoring or closed active again, saying why."""
        escalation = self._begin(Action.REOPEN)
        data = self._valid(ReasonSerializer)
        return self._answer(
            managed.managed_escalation_reopen(escalation=escalation, actor=request.user, **data)
        )

    @extend_schema(request=ManagerSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def manager(self, request, pk=None):
        """Hand a managed escalation to another escalation manager (an agent)."""
        escalation = self._begin(Action.SET_MANAGER)
        data = self._valid(ManagerSerializer)
        return self._answer(
            managed_team.escalation_manager_change(
                escalation=escalation, actor=request.user, **data
            )
        )

    @extend_schema(methods=["GET"], responses=MemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=MemberSerializer, responses={201: MemberSerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def members(self, request, pk=None):
        """The escalation team: list it, or name someone to it."""
        escalation = self.get_object()
        if request.method == "GET":
            return Response(MemberSerializer(escalation.members.all(), many=True).data)
        self._check(Action.ADD_MEMBER, escalation)
        data = self._valid(MemberSerializer)
        member = managed_team.escalation_member_add(
            escalation=escalation, actor=request.user, **data
        )
        return Response(MemberSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=ActionItemSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=ActionItemSerializer, responses={201: ActionItemSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="action-items",
        filterset_class=None,
        pagination_class=None,
    )
    def action_items(self, request, pk=None):
        """The action plan: list it, or add an item."""
        escalation = self.get_object()
        if request.method == "GET":
            return Response(ActionItemSerializer(escalation.action_items.all(), many=True).data)
        self._check(Action.ADD_ACTION, escalation)
        data = self._valid(ActionItemSerializer)
        data.pop("done", None)
        item = managed_team.action_item_add(escalation=escalation, actor=request.user, **data)
        return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionItemSerializer, responses=ActionItemSerializer)
    @action(
        detail=True,
        methods=["patch"],
        url_path=r"action-items/(?P<item_id>\d+)",
        filterset_class=None,
    )
    def action_item(self, request, pk=None, item_id=None):
        """Mark an action item done (``{"done": true}``) or not done."""
        escalation = self._begin(Action.MARK_ACTION)
        item = selectors.action_item_get(escalation=escalation, pk=item_id)
        data = self._valid(ActionItemSerializer, partial=True)
        if "done" not in data:
            return Response({"done": [_("Send done: true or false.")]}, status=400)
        item = managed_team.action_item_mark_done(item=item, actor=request.user, done=data["done"])
        return Response(ActionItemSerializer(item).data)

    @extend_schema(methods=["GET"], responses=ReviewSerializer)
    @extend_schema(methods=["POST"], request=ReviewSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def review(self, request, pk=None):
        """The post-escalation review: read it, or submit it."""
        escalation = self.get_object()
        if request.method == "GET":
            review = selectors.review_get(escalation=escalation)
            if review is None:
                return Response({"detail": _("No review has been requested.")}, status=404)
            return Response(ReviewSerializer(review).data)
        self._check(Action.REVIEW, escalation)
        data = self._valid(ReviewSerializer)
        review = reviews.review_submit(escalation=escalation, actor=request.user, data=data)
        return Response(ReviewSerializer(review).data)

    def _check(self, action: Action, escalation: Escalation) -> None:
        """Who may take a step comes first, as on the pages: someone who may not
        learns nothing from a 400 about what the body lacks."""
        check_permission(action, escalation=escalation, user=self.request.user)

    def _begin(self, action: Action) -> Escalation:
        escalation = self.get_object()
        self._check(action, escalation)
        return escalation

    def _valid(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
