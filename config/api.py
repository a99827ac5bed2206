"""API plumbing shared by every app: pagination and error translation."""

from functools import partial

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import ISO_8601, exceptions, pagination, permissions, serializers
from rest_framework.fields import SkipField, empty
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from config.paging import COUNT_CAP, CappedPaginator


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CappedPagination(Pagination):
    """Pages of lists that grow without bound (tickets): ``count`` is exact up to
    ``config.paging.COUNT_CAP`` rows and the database's estimate past it, which
    ``count_exact`` says; ``next`` is always right (a row is read past the page)."""

    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        # A view may narrow the rows of a page to what its database reaches cheaply.
        narrow = getattr(view, "narrow_rows", None)
        count_narrowed = getattr(view, "count_narrowed", None)
        self.django_paginator_class = partial(
            CappedPaginator, narrow=narrow, count_narrowed=count_narrowed
        )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.count_exact
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Exact up to {COUNT_CAP:,} tickets; past that the database's estimate, "
            "rounded to two significant figures (see count_exact)."
        )
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "False when count is an estimate.",
        }
        described["required"] = [*described.get("required", []), "count_exact"]
        return described


def exception_handler(exc, context):
    """Turn the domain's Django errors into 4xx answers with field messages."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = exceptions.PermissionDenied(detail=str(exc.args[0]))
    elif isinstance(exc, Http404):
        # Django's text ("No Ticket matches the given query.") is English only
        # and names the model; the client is told the same, in its language.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An address no view answers: JSON, as every API answer, under ``/api/``;
    the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


class StrictFieldsMixin:
    """Refuse payload keys the serializer does not know, instead of dropping them silently."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                said = {name: [_("Unknown field: it cannot be set here.")] for name in unknown}
                # and what is wrong with the known fields, in the same answer
                try:
                    super().to_internal_value(data)
                except exceptions.ValidationError as error:
                    if isinstance(error.detail, dict):
                        said = {**error.detail, **said}
                raise exceptions.ValidationError(said)
        return super().to_internal_value(data)


class WholeListSerializer(serializers.ListSerializer):
    """A nested list that replaces what it holds, so each item is validated whole.

    Under a partial update (PATCH) DRF skips the required fields of every nested
    serializer too, and a service would then meet items without them. A list sent
    here replaces the stored one, so its items are checked as new ones, with a
    message per missing field, whatever the outer request."""

    def run_validation(self, data=empty):
        is_empty, data = self.validate_empty_values(data)
        if is_empty:
            return data
        child = type(self.child)(context=self.context)
        detached = serializers.ListSerializer(
            child=child,
            data=data,
            allow_empty=self.allow_empty,
            max_length=self.max_length,
            context=self.context,
        )
        if not detached.is_valid():
            raise exceptions.ValidationError(detached.errors)
        return detached.validated_data


class IsAdmin(permissions.BasePermission):
    """Configuration endpoints: superusers only."""

    message = _("Only administrators may use this endpoint.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_superuser)


class IsAgent(permissions.BasePermission):
    """Agents' endpoints (admins are agents too): requesters get 403. Subclasses
    say what is refused in ``message``."""

    message = _("This is for agents.")

    def has_permission(self, request, view):
        from tickets.selectors import user_is_agent

        user = request.user
        return bool(user and user.is_authenticated and user_is_agent(user))


class LeanRepresentationMixin:
    """For serializers of long lists: ``lean_representation(instance)`` writes the
    fields named in ``lean_fields`` as plain Python, without DRF's per-field round
    trip (``get_attribute`` with its callable checks, then ``to_representation``),
    which for a page of 50 tickets with their clocks cost more than the queries.
    Any other readable field (one a subclass adds) goes the usual DRF way, and the
    schema still comes from the declared fields: tests compare the two outputs.

    When every readable field is lean and the fields do not depend on the instance
    (``get_fields`` is DRF's own), the field names are worked out once per class:
    building a ModelSerializer's fields (for each list request, and for each nested
    serializer) cost about as much as writing the rows."""

    lean_fields: frozenset[str] = frozenset()

    def lean_representation(self, instance) -> dict:
        raise NotImplementedError

    def moment(self, value):
        """``moment`` with the active time zone looked up once per serializer."""
        return self.moments()(value)

    def moments(self):
        """The writer of ``moment``, made once per serializer (for a row's times)."""
        write = self.__dict__.get("_moment")
        if write is None:
            write = self._moment = moment_writer()
        return write

    def to_representation(self, instance):
        names = _LEAN_NAMES.get(type(self))
        if names is not None:
            known = self.lean_representation(instance)
            return {name: known[name] for name in names}
        plan = self.__dict__.get("_lean_plan")
        if plan is None:
            plan = [
                (field.field_name, None if field.field_name in self.lean_fields else field)
                for field in self._readable_fields
            ]
            self._lean_plan = plan
            if type(self).get_fields in _FIXED_FIELDS and all(f is None for _n, f in plan):
                _LEAN_NAMES[type(self)] = tuple(name for name, _f in plan)
        known = self.lean_representation(instance)
        out = {}
        for name, field in plan:
            if field is None:
                out[name] = known[name]
                continue
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            out[name] = None if attribute is None else field.to_representation(attribute)
        return out


# Serializer classes whose readable fields are all lean: their field names, in order.
_LEAN_NAMES: dict[type, tuple[str, ...]] = {}
# ``get_fields`` that give the same fields for every instance of a class.
_FIXED_FIELDS = (serializers.ModelSerializer.get_fields, serializers.Serializer.get_fields)

_moment = serializers.DateTimeField()


def moment(value):
    """A datetime as DRF writes it (ISO 8601 in the active time zone), or None."""
    return _moment.to_representation(value) if value else None


def moment_writer():
    """``moment`` for many values: the active time zone looked up once, and an aware
    datetime written straight (``DateTimeField.to_representation`` asks for the time
    zone, and checks the format and the value's type, on each call)."""
    if str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return moment
    zone = timezone.get_current_timezone()

    def write(value):
        if not value:
            return None
        if value.tzinfo is None:  # as DRF would (never from an aware database column)
            return moment(value)
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write
