"""``/api/v1/users/me/``: who you are, your language, time zone and notification
preferences (read and PATCH), and your API token (create, revoke)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictFieldsMixin
from notifications import selectors
from notifications.api.inbox import PreferenceListSerializer, PreferenceSerializer
from notifications.services import inbox
from tickets import services
from tickets.selectors import user_is_agent


class MeSerializer(StrictFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    is_agent = serializers.BooleanField(read_only=True)
    language = serializers.CharField(
        max_length=8, required=False, help_text="A language the site speaks: en, pl, fr, nl, ru."
    )
    time_zone = serializers.CharField(max_length=64, required=False)
    preferences = PreferenceListSerializer(child=PreferenceSerializer(), required=False)


def _me(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "email": user.email,
        "is_agent": user_is_agent(user),
        "language": user.language,
        "time_zone": user.time_zone,
        "preferences": PreferenceSerializer(selectors.preference_grid(user=user), many=True).data,
    }


class MeView(APIView):
    """Yourself. PATCH ``language``, ``time_zone`` and ``preferences`` (a list of
    ``{"kind", "inapp"?, "email"?}``; events left out keep their setting)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="Yourself")
    def get(self, request):
        return Response(_me(request.user))

    @extend_schema(request=MeSerializer, responses=MeSerializer, summary="Change yourself")
    def patch(self, request):
        kinds = [row["kind"] for row in selectors.preference_grid(user=request.user)]
        serializer = MeSerializer(data=request.data, partial=True, context={"kinds": kinds})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.profile_update(
                user=request.user, language=data.get("language"), time_zone=data.get("time_zone")
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        if "preferences" in data:
            inbox.preference_rows_set(user=request.user, rows=data["preferences"])
        return Response(_me(request.user))


class MyTokenView(APIView):
    """Your API token: POST makes a new one (the old one stops working), DELETE
    revokes it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={201: inline_serializer("NewToken", {"token": serializers.CharField()})},
        summary="Create a new API token",
    )
    def post(self, request):
        token = services.api_token_create(user=request.user)
        return Response({"token": token.key}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request):
        services.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
