"""Duty API (agents): schedules and their timelines, overrides, absences, the
escalation directory, hand-overs and hand-over notes, assign next, and the
address of one's calendar feed. Writes go through ``services.duty``."""

from datetime import timedelta

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from config import api
from escalations import duty_selectors
from escalations.api import duty_serializers as s
from escalations.models import (
    Absence,
    DutyOverride,
    EscalationLevel,
    Handover,
    Rotation,
    TeamSchedule,
)
from escalations.services.duty import assignment, records
from tickets import selectors
from tickets.bounds import id_in_range


class IsAgent(api.IsAgent):
    message = "Duty is for agents."


class TeamScheduleViewSet(viewsets.ReadOnlyModelViewSet):
    """Each team's schedule: time zone, calendar, shifts and on-call rotations.
    ``timeline`` lays out who is on duty and on call for the coming days."""

    serializer_class = s.TeamScheduleSerializer
    permission_classes = [IsAgent]

    def get_queryset(self):
        rotations = Rotation.objects.prefetch_related("members", "windows")
        return TeamSchedule.objects.prefetch_related(
            "shifts", Prefetch("rotations", queryset=rotations)
        ).order_by("team__name")

    @extend_schema(
        parameters=[OpenApiParameter("days", OpenApiTypes.INT, description="1 to 31; 14")],
        responses=s.TimelinePieceSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        schedule = self.get_object()
        try:
            days = int(request.query_params.get("days", 14))
        except ValueError:
            raise exceptions.ValidationError({"days": ["A whole number of days."]}) from None
        if not 1 <= days <= 31:
            raise exceptions.ValidationError({"days": ["From 1 to 31 days."]})
        pieces = duty_selectors.team_timeline(team=schedule.team, start=timezone.now(), days=days)
        data = [
            {
                "starts_at": a,
                "ends_at": b,
                "on_duty": duty.on_duty,
                "people": sorted(duty.people),
                "on_call": duty.primary,
                "layers": {str(k): v for k, v in duty.layers.items()},
            }
            for a, b, duty, _user in pieces
        ]
        return Response(s.TimelinePieceSerializer(data, many=True).data)


class DutyOverrideViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Overrides still running or ahead; the team's manager or an admin adds and removes them."""

    serializer_class = s.DutyOverrideSerializer
    permission_classes = [IsAgent]

    def get_queryset(self):
        return (
            DutyOverride.objects.filter(ends_at__gt=timezone.now() - timedelta(days=1))
            .select_related("schedule__team")
            .order_by("starts_at", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = records.duty_override_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        records.duty_override_delete(actor=self.request.user, override=instance)


class AbsenceViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Absences still running or ahead: one's own, those of the members of the
    teams one manages, or (admins) everyone's; recorded and removed likewise."""

    serializer_class = s.AbsenceSerializer
    permission_classes = [IsAgent]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Absence.objects.none()
        qs = Absence.objects.filter(ends_at__gt=timezone.now() - timedelta(days=1))
        user = self.request.user
        if not selectors.user_is_admin(user):
            # One's own, and those of the members of the teams one manages.
            qs = qs.filter(Q(user=user) | Q(user__teams__manager=user)).distinct()
        return qs.select_related("user").order_by("starts_at", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.setdefault("user", self.request.user)
        data.setdefault("kind", Absence._meta.get_field("kind").get_default())
        serializer.instance = records.absence_create(actor=self.request.user, **data)

    def perform_destroy(self, instance):
        records.absence_delete(actor=self.request.user, absence=instance)


class DirectoryView(generics.ListAPIView):
    """Per level and team: who is on duty now and next, how to reach them, and the
    management chain; ``q`` searches teams, paths, tiers and people."""

    serializer_class = s.DirectoryRowSerializer
    permission_classes = [IsAgent]
    # Rows come in path and level order from a list, not a queryset: nothing to
    # filter or order in the database.
    filter_backends = []

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EscalationLevel.objects.none()
        q = self.request.query_params.get("q", "")[:100]
        return duty_selectors.directory(at=timezone.now(), q=q)


class HandoverViewSet(viewsets.ReadOnlyModelViewSet):
    """Hand-overs of the tickets the user may see (``ticket`` filters by ticket)."""

    serializer_class = s.HandoverSerializer
    permission_classes = [IsAgent]

    @extend_schema(parameters=[OpenApiParameter("ticket", OpenApiTypes.INT)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Handover.objects.none()
        visible = selectors.ticket_list(user=self.request.user).values("pk")
        qs = Handover.objects.filter(ticket__in=visible).order_by("-handed_at", "-pk")
        ticket = self.request.query_params.get("ticket")
        if ticket:
            if not id_in_range(ticket):
                raise exceptions.ValidationError({"ticket": [_("A ticket id.")]})
            qs = qs.filter(ticket_id=int(ticket))
        return qs

    @extend_schema(responses=s.HandoverCountSerializer(many=True))
    @action(detail=False, methods=["get"])
    def counts(self, request):
        """Hand-overs per ticket (the tickets handed over at least once), most first."""
        rows = duty_selectors.handover_counts(tickets=selectors.ticket_list(user=request.user))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.HandoverCountSerializer(page, many=True).data)


class HandoverNoteView(APIView):
    """Write (or, empty, remove) the note for a ticket's next hand-over."""

    permission_classes = [IsAgent]

    @extend_schema(request=s.HandoverNoteSerializer, responses=s.HandoverNoteSerializer)
    def post(self, request):
        serializer = s.HandoverNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ticket = get_object_or_404(selectors.ticket_list(user=request.user), pk=data["ticket"])
        note = records.handover_note_save(ticket=ticket, actor=request.user, text=data["text"])
        return Response({"ticket": ticket.pk, "text": note.text if note else ""})


class AssignNextView(APIView):
    """Assign the most urgent unassigned ticket of the agent's teams to the agent
    (oneself, or, for a manager or an admin, ``agent``); 204 when none is waiting."""

    permission_classes = [IsAgent]

    @extend_schema(request=s.AssignNextSerializer, responses={200: s.AssignedSerializer, 204: None})
    def post(self, request):
        serializer = s.AssignNextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agent = serializer.validated_data.get("agent", request.user)
        ticket = assignment.ticket_assign_next(agent=agent, actor=request.user)
        if ticket is None:
            return Response(status=204)
        return Response({"ticket": ticket.pk, "reference": ticket.reference, "assignee": agent.pk})


class FeedView(APIView):
    """The secret address of the user's duty calendar (iCalendar)."""

    permission_classes = [IsAgent]

    @extend_schema(responses=s.FeedSerializer)
    def get(self, request):
        profile = duty_selectors.feed_profile(user=request.user)
        url = request.build_absolute_uri(
            reverse("escalations:duty_feed", args=[profile.feed_token])
        )
        return Response({"url": url})
