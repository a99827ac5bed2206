"""Signing out: by the menu's form (POST, as Django asks), and by typing
``/accounts/logout/``, which asks first instead of answering a bare 405."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


class SignOutView(LogoutView):
    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/logout_confirm.html")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        language = getattr(request.user, "language", "") if was_signed_in else ""
        response = super().post(request, *args, **kwargs)
        if was_signed_in:  # said on the sign-in page it leads to
            messages.success(request, _("You are signed out."))
        if language:
            # the sign-in page goes on in the language the person used, as the
            # language buttons there would keep it
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
