from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.posting import post_only
from notifications import selectors
from notifications.forms import PreferencesForm
from notifications.services import inbox


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.inbox_list(user=request.user, unread_only=unread_only)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@post_only("notifications:inbox", pk=False)
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = inbox.notification_mark_read(user=request.user, pk=pk)
    if (
        request.POST.get("open")
        and notification.url
        and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()})
    ):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@post_only("notifications:inbox", pk=False)
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = inbox.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count)
        % {"n": count},
    )
    return redirect("notifications:inbox")


@login_required
def preferences_page(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        inbox.preferences_set(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
