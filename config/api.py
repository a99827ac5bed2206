"""API plumbing shared by every app: pagination and error translation."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, permissions, serializers
from rest_framework.fields import empty
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
    return drf_exception_handler(exc, context)


class StrictFieldsMixin:
    """Refuse payload keys the serializer does not know, instead of dropping them silently."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise exceptions.ValidationError(
                    {name: [_("Unknown field: it cannot be set here.")] for name in unknown}
                )
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
