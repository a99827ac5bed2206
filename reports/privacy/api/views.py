"""Privacy API for administrators: erase a requester, export what is held about
one, and see what retention would take now."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import IsAdmin
from reports.privacy.api.serializers import (
    EmailSerializer,
    ErasureLogSerializer,
    ExportJobSerializer,
    ExportRequestSerializer,
    LegalHoldResultSerializer,
    LegalHoldSerializer,
    RetentionPreviewSerializer,
)
from reports.privacy.models import ErasureLog, ExportJob
from reports.privacy.services import erasure, export, holds, retention
from reports.privacy.services.subject import LEGAL_HOLD, NOTHING_HELD, LegalHold, NothingHeld
from tickets.models import Organization, Ticket


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


def nothing_held() -> exceptions.NotFound:
    return exceptions.NotFound({"email": [str(NOTHING_HELD)]})


class ErasureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = ErasureLog.objects.select_related("erased_by")
    serializer_class = ErasureLogSerializer
    permission_classes = [IsAdmin]
    filterset_class = None
    ordering_fields = ["erased_at"]

    @extend_schema(
        summary="Erase a requester",
        request=EmailSerializer,
        responses={
            201: ErasureLogSerializer,
            400: OpenApiResponse(description="Bad address, or a member of staff"),
            404: OpenApiResponse(description="Nothing held (unknown or already erased)"),
            409: OpenApiResponse(description="Under legal hold"),
        },
    )
    def create(self, request):
        """Replace the requester's personal data by one pseudonym everywhere,
        delete their files and deactivate their account. Cannot be undone."""
        data = EmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            log = erasure.requester_erase(email=data.validated_data["email"], actor=request.user)
        except NothingHeld as error:
            raise nothing_held() from error
        except LegalHold as error:
            raise Conflict(str(LEGAL_HOLD)) from error
        return Response(ErasureLogSerializer(log).data, status=status.HTTP_201_CREATED)


class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = ExportJob.objects.all()
    serializer_class = ExportJobSerializer
    permission_classes = [IsAdmin]
    filterset_fields = ["status", "region"]
    ordering_fields = ["created_at"]

    @extend_schema(
        summary="Export what is held about a requester",
        request=ExportRequestSerializer,
        responses={
            202: ExportJobSerializer,
            404: OpenApiResponse(description="Nothing held about this address"),
        },
    )
    def create(self, request):
        """Queue the archive (data.json and stored files, zipped); poll the export
        for its progress and, once ready, its download link."""
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            job = export.export_request(actor=request.user, **data.validated_data)
        except NothingHeld as error:
            raise nothing_held() from error
        serializer = ExportJobSerializer(job, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download an export's archive",
        parameters=[OpenApiParameter("token", str, required=True)],
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            410: OpenApiResponse(description="Link invalid or expired"),
        },
    )
    @action(detail=True, methods=["get"], filterset_fields=[], ordering_fields=[])
    def download(self, request, pk=None):
        try:
            job, archive = export.export_open(
                job_id=pk, token=request.query_params.get("token", "")
            )
        except (export.LinkInvalid, exceptions.ValidationError) as error:
            raise Gone(str(error)) from error
        return FileResponse(archive, as_attachment=True, filename=f"personal-data-{job.pk}.zip")


class RetentionPreviewView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(summary="Retention dry run", responses=RetentionPreviewSerializer)
    def get(self, request):
        """How many closed tickets retention would pseudonymise or delete now, in
        total and per organization. Changes nothing."""
        return Response(RetentionPreviewSerializer(retention.retention_preview()).data)


class LegalHoldView(APIView):
    permission_classes = [IsAdmin]

    @extend_schema(
        summary="Set or lift a legal hold",
        request=LegalHoldSerializer,
        responses=LegalHoldResultSerializer,
    )
    def post(self, request):
        """While held, a ticket's (or an organization's) personal data is neither
        erased nor removed by retention. Changes to tickets go to their audit trail."""
        data = LegalHoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        on = data.validated_data["on"]
        ticket_ids = [t.pk for t in data.validated_data["tickets"]]
        organization_ids = [o.pk for o in data.validated_data["organizations"]]
        result = {
            "tickets_changed": holds.tickets_legal_hold_set(
                tickets=Ticket.objects.filter(pk__in=ticket_ids), on=on, actor=request.user
            ),
            "organizations_changed": holds.organizations_legal_hold_set(
                organizations=Organization.objects.filter(pk__in=organization_ids), on=on
            ),
        }
        return Response(LegalHoldResultSerializer(result).data)
