"""What people change about themselves: language, time zone, API token."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from tickets.models import User


def profile_update(
    *, user: User, language: str | None = None, time_zone: str | None = None
) -> User:
    """Set the user's language (one the site speaks, or empty: the browser's) and
    time zone (an IANA name) that pages, API answers and messages use."""
    fields = []
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Choose one of the languages offered.")})
        user.language = language
        fields.append("language")
    if time_zone is not None:
        if time_zone not in zoneinfo.available_timezones():
            raise ValidationError(
                {"time_zone": _("Unknown time zone: %(tz)s") % {"tz": time_zone[:64]}}
            )
        user.time_zone = time_zone
        fields.append("time_zone")
    if fields:
        user.save(update_fields=fields)
    return user


@transaction.atomic
def api_token_create(*, user: User) -> Token:
    """A new API token for the user; the one before stops working."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> bool:
    """Revoke the user's API token; whether there was one."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)
