"""API for escalation paths and their levels (admins)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from config.api import IsAdmin, StrictFieldsMixin, WholeListSerializer
from escalations.api.errors import InUse
from escalations.models import EscalationLevel, EscalationPath
from escalations.services.config import InUse as ConfigInUse
from escalations.services.config import paths
from tickets.models import Team


class EscalationLevelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    teams = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), many=True)

    class Meta:
        model = EscalationLevel
        fields = list(paths.LEVEL_FIELDS)
        list_serializer_class = WholeListSerializer


class EscalationPathSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A path with its ordered levels; writing ``levels`` replaces them all."""

    levels = EscalationLevelSerializer(many=True)

    class Meta:
        model = EscalationPath
        fields = ["id", *paths.PATH_FIELDS, "levels"]
        # The single default path is the service's rule, told as a field message.
        validators = []


IN_USE = OpenApiResponse(
    description=_("Tickets stand on the path or levels, or requests await approval into them.")
)


@extend_schema_view(
    update=extend_schema(responses={200: EscalationPathSerializer, 409: IN_USE}),
    partial_update=extend_schema(responses={200: EscalationPathSerializer, 409: IN_USE}),
    destroy=extend_schema(responses={204: None, 409: IN_USE}),
)
class EscalationPathViewSet(viewsets.ModelViewSet):
    """Escalation paths and their levels (admins). Writing ``levels`` keeps each
    level that stays (the n-th level of a tier stays that level) and refuses, with
    409, to remove a level tickets stand on or a pending request points at; a path
    tickets have followed cannot be deleted (409): deactivate it instead."""

    serializer_class = EscalationPathSerializer
    queryset = EscalationPath.objects.prefetch_related("levels__teams").order_by("name")
    permission_classes = [IsAdmin]

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, path=serializer.instance)

    def perform_destroy(self, instance):
        try:
            paths.escalation_path_delete(path=instance)
        except ConfigInUse as exc:
            raise InUse(str(exc)) from exc

    def _save(self, serializer, path=None):
        data = dict(serializer.validated_data)
        levels = data.pop("levels", None)
        try:
            serializer.instance = paths.escalation_path_save(path=path, data=data, levels=levels)
        except ConfigInUse as exc:
            raise InUse(str(exc)) from exc
