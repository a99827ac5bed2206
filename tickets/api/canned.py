"""Canned replies in the API: the replies an agent may use, their text filled in for
one ticket, and applying one to a ticket as the reply box does."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config import api
from config.api import StrictFieldsMixin
from tickets import selectors, services
from tickets.api.timeline import CommentSerializer
from tickets.bounds import MAX_ID
from tickets.models import CannedReply, Status, Ticket


class IsAgent(api.IsAgent):
    message = _("Canned replies are for agents.")


def _ticket_worked_on(user, pk: int) -> Ticket:
    """The ticket ``pk`` if the user works on it, else a field error (400): the same
    answer for a ticket that does not exist and one out of reach."""
    ticket = selectors.ticket_list(user=user).filter(pk=pk).first()
    if ticket is None:
        raise serializers.ValidationError(
            {"ticket": [_("No ticket you work on has this id.")]}, code="does_not_exist"
        )
    ticket._works_on = True
    return ticket


class CannedQuerySerializer(serializers.Serializer):
    """The query of the list and of one reply (pagination and the rest pass by)."""

    ticket = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class CannedReplySerializer(serializers.ModelSerializer):
    """A canned reply: its text with placeholders, and the status it sets ("" none)."""

    set_status = serializers.ChoiceField(
        choices=Status.choices,
        allow_blank=True,
        read_only=True,
        help_text="The status the ticket takes when the reply is sent; empty: unchanged.",
    )
    text = serializers.SerializerMethodField(
        help_text="The body with its placeholders filled in for ?ticket= (null without it)."
    )

    class Meta:
        model = CannedReply
        fields = ["id", "title", "body", "team", "set_status", "text"]
        read_only_fields = fields

    def get_text(self, obj: CannedReply) -> str | None:
        ticket = self.context.get("ticket")
        if ticket is None:
            return None
        return services.canned_reply_text(reply=obj, ticket=ticket, agent=self.context["user"])


class CannedApplySerializer(StrictFieldsMixin, serializers.Serializer):
    """Send a canned reply on a ticket you work on."""

    ticket = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    is_public = serializers.BooleanField(
        default=True, help_text="A public reply (default) or an internal note."
    )
    set_status = serializers.ChoiceField(
        choices=Status.choices,
        allow_blank=True,
        required=False,
        help_text="Overrides the reply's own status change; an empty string sets none.",
    )


class CannedApplyResultSerializer(serializers.Serializer):
    """The reply or note as sent, and the ticket's status after it."""

    comment = CommentSerializer()
    ticket_status = serializers.ChoiceField(choices=Status.choices)


APPLY_FIELDS = {"status": "set_status", "body": "ticket", "__all__": "non_field_errors"}

TICKET_PARAMETER = OpenApiParameter(
    "ticket",
    OpenApiTypes.INT,
    description="Fill the placeholders in for this ticket (one you work on).",
    required=False,
)
REPLY_EXAMPLE = OpenApiExample(
    "A reply filled in for a ticket",
    value={
        "id": 3,
        "title": "Need logs",
        "body": "Hello {requester_name}, please send the logs for {reference}.",
        "team": 1,
        "set_status": "pending",
        "text": "Hello Rita, please send the logs for ESC-000042.",
    },
    response_only=True,
)


@extend_schema_view(
    list=extend_schema(
        summary="Canned replies you may use",
        description=(
            "Your teams' replies and those of no team (all of them for administrators). "
            "With ?ticket= each carries its text filled in for that ticket."
        ),
        parameters=[TICKET_PARAMETER],
        examples=[REPLY_EXAMPLE],
    ),
    retrieve=extend_schema(
        summary="One canned reply", parameters=[TICKET_PARAMETER], examples=[REPLY_EXAMPLE]
    ),
)
class CannedReplyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = CannedReply.objects.none()  # for the schema; get_queryset() narrows
    serializer_class = CannedReplySerializer
    permission_classes = [IsAgent]
    filterset_class = None
    filter_backends = []

    def get_queryset(self):
        return services.canned_replies_for(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["user"] = self.request.user
        if self.action in {"list", "retrieve"}:
            params = self.request.query_params
            query = CannedQuerySerializer(data={k: params[k] for k in ("ticket",) if k in params})
            query.is_valid(raise_exception=True)
            pk = query.validated_data.get("ticket")
            context["ticket"] = None if pk is None else _ticket_worked_on(self.request.user, pk)
        return context

    @extend_schema(
        summary="Send a canned reply on a ticket",
        description=(
            "Posts the reply's text, placeholders filled in, on the ticket as a public "
            "reply or an internal note, and sets the reply's status (or set_status) with "
            "it, all or nothing, as the reply box on the ticket page does."
        ),
        request=CannedApplySerializer,
        responses={201: CannedApplyResultSerializer},
        examples=[
            OpenApiExample(
                "Ask for logs and wait for the customer",
                value={"ticket": 42, "is_public": True},
                request_only=True,
            ),
            OpenApiExample(
                "As an internal note, without changing the status",
                value={"ticket": 42, "is_public": False, "set_status": ""},
                request_only=True,
            ),
            OpenApiExample(
                "Sent",
                value={
                    "comment": {
                        "id": 7,
                        "author": {"id": 2, "username": "agent1", "name": "Ada Agent"},
                        "body": "Hello Rita, please send the logs for ESC-000042.",
                        "is_public": True,
                        "created_at": "2026-11-30T09:00:00Z",
                        "attachments": [],
                    },
                    "ticket_status": "pending",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        reply = self.get_object()
        serializer = CannedApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = _ticket_worked_on(request.user, data["ticket"])
        try:
            comment = services.canned_reply_apply(
                reply=reply,
                ticket=ticket,
                actor=request.user,
                is_public=data["is_public"],
                set_status=data.get("set_status"),
            )
        except DjangoValidationError as error:
            # Name the fields of this request: the status it sets, the ticket it writes on.
            found = (
                error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            )
            raise serializers.ValidationError(
                {APPLY_FIELDS.get(field, field): messages for field, messages in found.items()}
            ) from error
        ticket.refresh_from_db(fields=["status"])
        result = {"comment": comment, "ticket_status": ticket.status}
        return Response(CannedApplyResultSerializer(result).data, status=status.HTTP_201_CREATED)
