"""API authentication (kept apart from config.api: DRF loads it while importing its views)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from tickets.middleware import preferences_activate


class TokenAuthentication(authentication.TokenAuthentication):
    """Token auth that refuses malformed keys before they reach the database
    (a NUL byte in a header would otherwise fail inside PostgreSQL), and answers
    in the token owner's language and time zone (the middleware ran before the
    token was read, so it could only follow ``Accept-Language``)."""

    def authenticate_credentials(self, key):
        if len(key) > 64 or not key.isalnum() or not key.isascii():
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, token = super().authenticate_credentials(key)
        preferences_activate(user)
        return user, token
