import zoneinfo

from django.utils import timezone, translation


def preferences_activate(user) -> None:
    """Use ``user``'s time zone and, when set, language for the rest of the request."""
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()
    if user.language:
        translation.activate(user.language)


class UserPreferencesMiddleware:
    """Show pages in the signed-in user's language and time zone; anonymous
    visitors get the language LocaleMiddleware chose (the one picked with the
    language switcher, else the browser's Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            preferences_activate(user)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            timezone.deactivate()
        return self.get_response(request)
