"""``/api/v1/reports/<name>/``: the figures of a report as JSON, with the filters
of the pages. Admins see every team, a manager his teams; others get 403."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.access import report_scope
from reports.forms import ReportFilterForm
from reports.metrics import REPORTS
from tickets.models import DataRegion, Priority, Tier

ColumnSerializer = inline_serializer(
    "ReportColumn",
    many=True,
    fields={
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        "kind": serializers.CharField(),
    },
)
ReportSerializer = inline_serializer(
    "Report",
    {
        "name": serializers.CharField(),
        "title": serializers.CharField(),
        "period": inline_serializer(
            "ReportPeriod",
            {
                "start": serializers.DateTimeField(),
                "end": serializers.DateTimeField(),
                "group": serializers.CharField(),
                "time_zone": serializers.CharField(),
            },
        ),
        "columns": ColumnSerializer,
        "rows": serializers.ListField(child=serializers.DictField()),
        "summary": serializers.DictField(),
    },
)

PARAMETERS = [
    OpenApiParameter("name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(REPORTS)),
    OpenApiParameter(
        "period",
        OpenApiTypes.STR,
        enum=["7d", "30d", "quarter", "year", "custom"],
        description="A period ending today (the default, 30d), or custom with start and end.",
    ),
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day, in your time zone."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, included."),
    OpenApiParameter("group", OpenApiTypes.STR, enum=["day", "week", "month"]),
    OpenApiParameter("team", OpenApiTypes.INT, description="One of the teams you may see."),
    OpenApiParameter("category", OpenApiTypes.INT),
    OpenApiParameter("priority", OpenApiTypes.STR, enum=Priority.values),
    OpenApiParameter("organization", OpenApiTypes.INT),
    OpenApiParameter("level", OpenApiTypes.STR, enum=Tier.values),
    OpenApiParameter(
        "region",
        OpenApiTypes.STR,
        enum=DataRegion.values,
        description="Organization's data region.",
    ),
]


class ReportView(APIView):
    """One report's figures: the columns, one row per period bucket, level, team
    or cause (as the report groups), and headline figures. Times are seconds,
    shares percent. Bad filters are 400 with a message per field."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=PARAMETERS, responses=ReportSerializer, operation_id="reports_retrieve"
    )
    def get(self, request, name: str):
        scope = report_scope(request.user)
        if name not in REPORTS:
            raise Http404
        form = ReportFilterForm(request.query_params, scope=scope, time_zone=request.user.time_zone)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        f = form.report_filter()
        data = REPORTS[name](f).as_dict()
        data["period"] = {
            "start": f.start.isoformat(),
            "end": f.end.isoformat(),
            "group": f.group,
            "time_zone": f.time_zone,
        }
        return Response(data)
