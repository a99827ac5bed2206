"""Form actions of the pages: POST only, but their address opened by hand leads
back to the page the form is on.

A refused form is shown again at its action's address (``/tickets/13/escalate/``).
Pressing Enter in the address bar there, opening it in a new tab, sharing it, or
signing in with it as ``next`` used to answer a bare 405 with no page around it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect


def post_only(back: str, *, pk: bool = True) -> Callable:
    """``require_POST``, except that GET and HEAD go to ``back`` (a URL name; with
    the view's ``pk`` when ``pk``), which checks who may see it as usual."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return redirect(back, **({"pk": kwargs["pk"]} if pk else {}))
            return HttpResponseNotAllowed(["POST"])

        wrapped.post_only_back = (back, pk)  # kept by the decorators around it (functools.wraps)
        return wrapped

    return decorator
