"""Webhook endpoints for admins: create, edit, switch on and off (``is_active``),
a new secret, a test event, and each endpoint's delivery log."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import IsAdmin, Pagination, StrictFieldsMixin
from notifications import selectors
from notifications.api.outbox import DeliverySerializer
from notifications.models import WebhookEndpoint
from notifications.services.dispatch import WEBHOOK_EVENTS
from notifications.services.webhooks import (
    webhook_endpoint_save,
    webhook_endpoint_secret_renew,
    webhook_endpoint_test,
)


class WebhookEndpointSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WEBHOOK_EVENTS),
        required=False,
        help_text="Event kinds sent to this endpoint; empty sends every event.",
    )
    warnings = serializers.SerializerMethodField(
        help_text="Saved, but worth knowing: e.g. a host that does not resolve yet "
        "(it is checked again at every send)."
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "name",
            "url",
            "events",
            "is_active",
            "secret",
            "failing_since",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "warnings",
        ]
        read_only_fields = [
            "id",
            "secret",
            "failing_since",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]

    def get_warnings(self, endpoint) -> list[str]:
        warning = getattr(endpoint, "url_warning", "")
        return [warning] if warning else []

    def validate(self, attrs):
        endpoint = self.instance or WebhookEndpoint()
        candidate = WebhookEndpoint(
            name=attrs.get("name", endpoint.name),
            url=attrs.get("url", endpoint.url),
            events=attrs.get("events", endpoint.events),
        )
        try:
            candidate.clean()  # the URL's safety, as the admin checks it
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        self.url_warning = candidate.url_warning
        return attrs


class WebhookEndpointViewSet(viewsets.ModelViewSet):
    """Outbound webhook endpoints (admins). ``is_active`` switches one on or off
    (on again: what was held while it was off goes out, oldest first); the
    workers switch off an endpoint failing for ``WEBHOOK_DISABLE_AFTER_MINUTES``.
    The ``secret`` signs every delivery."""

    queryset = WebhookEndpoint.objects.order_by("name", "pk")
    serializer_class = WebhookEndpointSerializer
    permission_classes = [IsAdmin]
    pagination_class = Pagination

    def perform_create(self, serializer):
        endpoint = webhook_endpoint_save(
            endpoint=WebhookEndpoint(**serializer.validated_data),
            is_active_changed=True,
            by=self.request.user,
        )
        endpoint.url_warning = serializer.url_warning
        serializer.instance = endpoint

    def perform_update(self, serializer):
        endpoint = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(endpoint, name, value)
        endpoint = webhook_endpoint_save(
            endpoint=endpoint,
            is_active_changed="is_active" in serializer.validated_data,
            by=self.request.user,
        )
        endpoint.url_warning = serializer.url_warning
        serializer.instance = endpoint

    @extend_schema(
        request=None,
        responses=inline_serializer("WebhookSecret", {"secret": serializers.CharField()}),
    )
    @action(detail=True, methods=["post"], url_path="new-secret")
    def new_secret(self, request, pk=None):
        """A fresh signing secret, for the receiver; what still waits is signed with it."""
        endpoint = self.get_object()
        return Response({"secret": webhook_endpoint_secret_renew(endpoint_id=endpoint.pk)})

    @extend_schema(request=None, responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        """Send a signed ``webhook.test`` event now (switched on or off) and
        answer with its delivery: ``status`` ``sent``, or ``failed`` with the
        receiver's answer in the attempt log. One attempt; the endpoint's health
        is left alone."""
        endpoint = self.get_object()
        delivery = webhook_endpoint_test(endpoint_id=endpoint.pk, by=request.user)
        fresh = selectors.delivery_list().get(pk=delivery.pk)
        return Response(DeliverySerializer(fresh).data)

    @extend_schema(responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=Pagination)
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first, with every attempt."""
        endpoint = self.get_object()
        page = self.paginate_queryset(selectors.delivery_list(endpoint_id=endpoint.pk))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
