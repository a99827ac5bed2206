"""API answers for the configuration services' refusals that are not bad input."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions


class InUse(exceptions.APIException):
    """409: what is being removed is still in use (``services.config.InUse``)."""

    status_code = 409
    default_detail = _("This is in use and cannot be deleted.")
    default_code = "in_use"
