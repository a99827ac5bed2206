"""API authentication (kept apart from config.api: DRF loads it while importing its views)."""

from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """Token auth that refuses malformed keys before they reach the database
    (a NUL byte in a header would otherwise fail inside PostgreSQL)."""

    def authenticate_credentials(self, key):
        if len(key) > 64 or not key.isalnum() or not key.isascii():
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
