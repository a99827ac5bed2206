from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from config.api import CappedPagination
from config.parsers import JSONParser
from config.security import lockout_response
from tickets import selectors, services
from tickets.api.serializers import (
    TicketCreateSerializer,
    TicketSerializer,
    TicketWriteSerializer,
    TokenRequestSerializer,
)
from tickets.api.timeline import (
    CcSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    TicketEventSerializer,
    TransitionSerializer,
)
from tickets.filters import TicketFilter
from tickets.models import Ticket
from tickets.selectors_narrowed import ticket_count_narrowed, ticket_rows_narrowed


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token.

    Failed attempts count towards the sign-in lock-out shared with the login page
    and the admin (``config.security``): a locked-out account or address gets 429
    with a Retry-After, whether or not the password is right."""

    # ObtainAuthToken turns throttling off; put it back so passwords cannot be guessed at speed.
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    # ObtainAuthToken names DRF's own JSON parser; ours refuses every malformed body.
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    serializer_class = TokenRequestSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request._request)
        if not valid:
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


@extend_schema_view(
    list=extend_schema(summary="List the tickets you may see"),
    retrieve=extend_schema(summary="One ticket"),
)
class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    # For schema introspection only; get_queryset() narrows to what the user may see.
    queryset = Ticket.objects.none()
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    pagination_class = CappedPagination
    ordering_fields = ["created_at", "updated_at", "priority", "status", "id"]
    ordering = ["-created_at", "-id"]

    def with_related(self, queryset):
        """What the serializer shows beside the ticket; apps extending the API add theirs."""
        return queryset.select_related("organization", "category", "team", "assignee")

    # What a row of the list shows (``TicketSerializer``); apps extending the API add
    # theirs. The other columns (the search vector, the SLA sort keys, the legal hold,
    # the assignee's password and preferences ...) stay in the database: each costs
    # the driver and the model a parse and a set per row.
    listed_fields = (
        *("title", "description", "requester_name", "requester_email", "requester_language"),
        *("impact", "urgency", "priority", "status", "level"),
        *("is_security", "is_safety", "is_legal", "is_major_outage"),
        *("created_at", "updated_at", "resolved_at", "closed_at"),
        *("organization", "organization__name", "organization__tier"),
        *("category", "category__name", "category__description", "category__is_active"),
        "category__translations",
        *("team", "team__name", "team__tier"),
        *("assignee", "assignee__username", "assignee__first_name", "assignee__last_name"),
    )

    def get_queryset(self):
        # Reading one ticket reaches those an agent takes part in (opened, followed,
        # escalated); lists and changes stay with the tickets they work on.
        reach = selectors.ticket_readable if self.action == "retrieve" else selectors.ticket_list
        queryset = self.with_related(reach(user=self.request.user))
        if self.action == "list":
            queryset = queryset.only(*self.listed_fields)
        return queryset

    def narrow_rows(self, queryset, *, rows: int):
        """The list's pages read an agent's tickets team by team (see the selector)."""
        if self.action != "list":
            return queryset
        return ticket_rows_narrowed(queryset, user=self.request.user, rows=rows)

    def count_narrowed(self, queryset, *, rows: int) -> int | None:
        """The list's capped count, read team by team (see the selector)."""
        if self.action != "list":
            return None
        return ticket_count_narrowed(queryset, user=self.request.user, rows=rows)

    def written(self, ticket: Ticket, status_code: int = status.HTTP_200_OK) -> Response:
        """Answer a write with the ticket as it now stands, hooks included.

        Read past the visibility filter on purpose: a write may take the ticket out
        of its writer's reach (filed for, or handed to, another team), and the
        writer still gets the result of their own change back instead of an error.
        """
        fresh = self.with_related(Ticket.objects.all()).get(pk=ticket.pk)
        return Response(self.get_serializer(fresh).data, status=status_code)

    def agent_object(self, refusal: str) -> Ticket:
        """The ticket of an agents-only write, refused (403) to a requester before the
        body is read: someone who may not act learns nothing from a 400."""
        ticket = self.get_object()
        if not selectors.user_is_agent(self.request.user):
            raise PermissionDenied(refusal)
        return ticket

    @extend_schema(request=TicketCreateSerializer)
    def create(self, request):
        """Open a ticket. Agents name the requester. Requesters file for themselves:
        their name, e-mail and organization come from their account (sending someone
        else's is refused), and they may choose the ticket's language."""
        serializer = TicketCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        ticket = services.ticket_create(actor=request.user, **serializer.validated_data)
        return self.written(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=TicketWriteSerializer)
    def partial_update(self, request, pk=None):
        """Change some fields of a ticket (agents only). Status has its own endpoint."""
        ticket = self.agent_object(_("Only agents can edit tickets."))
        serializer = TicketWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.ticket_update(ticket=ticket, actor=request.user, data=serializer.validated_data)
        return self.written(ticket)

    @extend_schema(
        methods=["GET"], responses=CommentSerializer(many=True), summary="Comments on a ticket"
    )
    @extend_schema(
        methods=["POST"],
        request={
            "application/json": CommentCreateSerializer,
            "multipart/form-data": CommentCreateSerializer,
        },
        responses={201: CommentSerializer},
        summary="Add a public reply or an internal note",
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, ordering_fields=[])
    def comments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            serializer = CommentCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
            files = data.pop("attachments", [])
            # Files are checked before anything is written, and removed should the write fail.
            comment = services.comment_send(ticket=ticket, actor=request.user, files=files, **data)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        comments = selectors.ticket_comments(ticket=ticket, user=request.user)
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(responses=TicketEventSerializer(many=True), summary="The ticket's audit trail")
    @action(detail=True, methods=["get"], filterset_class=None, ordering_fields=[])
    def events(self, request, pk=None):
        ticket = self.get_object()
        events = selectors.ticket_events(ticket=ticket, user=request.user)
        page = self.paginate_queryset(events)
        return self.get_paginated_response(TicketEventSerializer(page, many=True).data)

    @extend_schema(
        request=TransitionSerializer,
        summary="Change the ticket's status",
    )
    @action(detail=True, methods=["post"], filterset_class=None, ordering_fields=[])
    def transition(self, request, pk=None):
        ticket = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.ticket_transition(ticket=ticket, actor=request.user, **serializer.validated_data)
        return self.written(ticket)

    @extend_schema(
        request=None, responses={204: None}, summary="Follow the ticket, or (DELETE) stop"
    )
    @action(detail=True, methods=["post", "delete"], filterset_class=None, ordering_fields=[])
    def follow(self, request, pk=None):
        """Agents follow a ticket: told of its public replies and status changes."""
        ticket = self.get_object()
        services.ticket_follow(ticket=ticket, actor=request.user, follow=request.method == "POST")
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=CcSerializer,
        responses={200: CcSerializer(many=True)},
        summary="Copy an address on the ticket, or (DELETE) stop copying it",
    )
    @action(
        detail=True,
        methods=["post", "delete"],
        filterset_class=None,
        ordering_fields=[],
        pagination_class=None,
    )
    def cc(self, request, pk=None):
        """Addresses told of public replies and status changes (at most 10)."""
        ticket = self.get_object()
        serializer = CcSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        if request.method == "POST":
            services.cc_add(ticket=ticket, actor=request.user, email=email)
        else:
            services.cc_remove(ticket=ticket, actor=request.user, email=email)
        listed = [
            {"email": e}
            for e in ticket.cc_addresses.order_by("email").values_list("email", flat=True)
        ]
        return Response(listed)
