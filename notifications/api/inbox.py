"""The inbox and notification preferences, each user's own."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.api import StrictFieldsMixin
from notifications import selectors
from notifications.models import EventKind, Notification
from notifications.services import inbox


class NotificationSerializer(serializers.ModelSerializer):
    ticket_reference = serializers.CharField(source="ticket.reference", default=None)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "event_id",
            "kind",
            "ticket",
            "ticket_reference",
            "subject",
            "body",
            "url",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Your in-app notifications, newest first; ``?unread=true`` for unread ones."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return selectors.inbox_list(user=self.request.user, unread_only=unread)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = inbox.notification_mark_read(user=request.user, pk=pk)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("ReadAll", {"marked": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": inbox.notifications_mark_all_read(user=request.user)})

    @extend_schema(
        responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()})
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class PreferenceSerializer(StrictFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=EventKind.choices,
        # Said without the value sent, which may be anything of any length.
        error_messages={"invalid_choice": _("Not an event you can be told of.")},
    )
    inapp = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    label = serializers.CharField(read_only=True)

    def validate_kind(self, value: str) -> str:
        if value not in self.context.get("kinds", ()):
            raise serializers.ValidationError(_("Not an event you can be told of."))
        return value


class PreferenceListSerializer(serializers.ListSerializer):
    """Rows of ``PreferenceSerializer`` for the events in the context's ``kinds``
    (the user's own): at most one row per event, the length checked before any
    row is read."""

    def to_internal_value(self, data):
        most = len(self.context.get("kinds", ()))
        if isinstance(data, list) and len(data) > most:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        _("At most %(n)d rows, one per event.") % {"n": most}
                    ]
                },
                code="max_length",
            )
        return super().to_internal_value(data)

    def validate(self, attrs):
        kinds = [row["kind"] for row in attrs]
        if len(set(kinds)) != len(kinds):
            raise serializers.ValidationError(_("Name each event once."))
        return attrs


class PreferencesView(APIView):
    """Which events reach you on which channel. PUT a list of
    ``{"kind", "inapp"?, "email"?}``, at most one row for each event you can be
    told of (the ones GET lists); events left out keep their setting."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        return Response(
            PreferenceSerializer(selectors.preference_grid(user=request.user), many=True).data
        )

    @extend_schema(
        request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True)
    )
    def put(self, request):
        kinds = [row["kind"] for row in selectors.preference_grid(user=request.user)]
        serializer = PreferenceListSerializer(
            child=PreferenceSerializer(), data=request.data, context={"kinds": kinds}
        )
        serializer.is_valid(raise_exception=True)
        inbox.preference_rows_set(user=request.user, rows=serializer.validated_data)
        return Response(
            PreferenceSerializer(selectors.preference_grid(user=request.user), many=True).data,
            status=status.HTTP_200_OK,
        )
