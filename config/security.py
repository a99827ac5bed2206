"""Security plumbing for every door: the client's address, login lock-outs and the
Content-Security-Policy header."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tickets.bounds import MAX_ID


def client_ip(request: HttpRequest) -> str:
    """The address a request comes from. Behind the TLS proxy we trust
    (``BEHIND_TLS_PROXY``), the last address it appended to X-Forwarded-For;
    addresses before it were written by the client and are not believed."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    minutes = _minutes()
    return ngettext(
        "Too many failed sign-in attempts for this account or from this network "
        "address. Try again in %(minutes)d minute, or ask an administrator to unlock it.",
        "Too many failed sign-in attempts for this account or from this network "
        "address. Try again in %(minutes)d minutes, or ask an administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out sign-in gets: 429 with a Retry-After, as JSON for API
    clients, as a page for people."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(
            request,
            "registration/locked_out.html",
            {"message": lockout_message(), "title": _("Signing in is paused")},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response


class ContentSecurityPolicyMiddleware:
    """Send ``CONTENT_SECURITY_POLICY`` with every answer that has none yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


def _looks_like_id(name: str) -> bool:
    return name in {"pk", "id"} or name.endswith(("_pk", "_id"))


class RequestGuardMiddleware:
    """Refuse what no view can answer before it reaches the database.

    A NUL byte cannot be stored or compared in PostgreSQL text: in the path it
    is a 404, in the query string a 400, and a cookie holding one is dropped (a
    forged session cookie means no session). An id no 64-bit key can hold, or
    written in digits other than 0-9, is a 404 wherever a URL names one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name + value]:
            del request.COOKIES[name]
        if "\x00" in request.path:
            return self._refuse(request, 404, _("Not found."))
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                message = _("Null characters are not allowed.")
                if request.path.startswith("/api/"):
                    return JsonResponse({key.replace("\x00", ""): [message]}, status=400)
                return HttpResponseBadRequest(message)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name, value in view_kwargs.items():
            too_big = (isinstance(value, int) and not 0 <= value <= MAX_ID) or (
                isinstance(value, str)
                and _looks_like_id(name)
                and value.isdigit()
                # "²" is a digit to Python but no number to int(): not an id either.
                and (not value.isascii() or int(value) > MAX_ID)
            )
            if too_big:
                return self._refuse(request, 404, _("Not found."))
        return None

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(message)}, status=status)
        if status == 404:
            raise Http404(message)
        return HttpResponseBadRequest(message)
