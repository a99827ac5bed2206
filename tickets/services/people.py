"""Writes on people's own settings."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tickets.models import User


def user_preferences_set(*, user: User, language: str, time_zone: str) -> User:
    """Set the language (one of LANGUAGES, or empty: the browser's) and the time
    zone pages, API answers and messages use for ``user``."""
    errors = {}
    if language not in {code for code, _name in settings.LANGUAGES} | {""}:
        errors["language"] = _("Unknown language: %(code)s") % {"code": language}
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = _("Unknown time zone: %(tz)s") % {"tz": time_zone}
    if errors:
        raise ValidationError(errors)
    user.language, user.time_zone = language, time_zone
    user.save(update_fields=["language", "time_zone"])
    return user
