"""The outbox for admins: every e-mail and webhook delivery with the log of its
attempts, sent again on request; and the message templates."""

import django_filters
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import IsAdmin, Pagination, StrictFieldsMixin
from notifications import selectors
from notifications.models import Delivery, DeliveryAttempt, MessageTemplate
from notifications.services.outbox import delivery_retry_now
from notifications.services.templates import message_template_delete, message_template_save


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = [
            "number",
            "started_at",
            "finished_at",
            "duration_ms",
            "status_code",
            "ok",
            "error",
        ]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    attempt_log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event_id",
            "kind",
            "channel",
            "endpoint",
            "user",
            "address",
            "status",
            "attempts",
            "next_attempt_at",
            "last_error",
            "created_at",
            "sent_at",
            "attempt_log",
        ]
        read_only_fields = fields


class DeliveryFilter(django_filters.FilterSet):
    class Meta:
        model = Delivery
        fields = ["status", "channel", "kind", "endpoint", "event_id"]


class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """The outbox (admins): every e-mail and webhook delivery, newest first,
    with each attempt (started, finished, answer, error). An attempt with no
    ``finished_at`` after its delivery moved on had its worker stop between
    sending and recording."""

    queryset = Delivery.objects.none()  # for the schema; see get_queryset
    serializer_class = DeliverySerializer
    permission_classes = [IsAdmin]
    pagination_class = Pagination
    filterset_class = DeliveryFilter

    def get_queryset(self):
        return selectors.delivery_list()

    @extend_schema(request=None, responses={200: DeliverySerializer, 409: None})
    @action(detail=True, methods=["post"], filterset_class=None)
    def retry(self, request, pk=None):
        """Send a failed or waiting delivery again now, with a fresh set of
        attempts (409 when it is sent, being sent or held for its endpoint)."""
        delivery = self.get_object()
        if not delivery_retry_now(delivery_id=delivery.pk):
            return Response(
                {
                    "detail": _(
                        "Only a failed or waiting delivery can be sent again; this one is %(s)s."
                    )
                    % {"s": delivery.get_status_display()}
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=delivery.pk)).data)


class MessageTemplateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    language = serializers.CharField(
        max_length=8,
        allow_blank=True,
        required=False,
        default="",
        help_text="A language code of the site (en, pl, fr, nl, ru); empty: used for "
        "every language without its own template.",
    )

    class Meta:
        model = MessageTemplate
        fields = ["id", "kind", "language", "subject", "body_text", "body_html", "updated_at"]
        read_only_fields = ["id", "updated_at"]

    def validate_language(self, value: str) -> str:
        if value and value not in dict(settings.LANGUAGES):
            raise serializers.ValidationError(_("Not a language of the site."))
        return value


class MessageTemplateViewSet(viewsets.ModelViewSet):
    """Message templates (admins): the subject and bodies of one event in one
    language (empty: every language without its own). Django template language
    without tags that load or include anything; a template that does not
    compile or render on an example event is refused with the engine's message."""

    queryset = MessageTemplate.objects.order_by("kind", "language")
    serializer_class = MessageTemplateSerializer
    permission_classes = [IsAdmin]
    pagination_class = Pagination

    def perform_create(self, serializer):
        serializer.instance = message_template_save(
            template=MessageTemplate(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        template = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(template, name, value)
        serializer.instance = message_template_save(template=template)

    def perform_destroy(self, instance):
        message_template_delete(template=instance)
