"""The queue page and what is done from it: take a ticket, change many at once,
save a view. Views parse forms and call services; no rules live here."""

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from config.paging import CappedPaginator
from config.posting import post_only
from tickets import hooks, selectors, services
from tickets.bounds import id_in_range
from tickets.filters import TicketFilter
from tickets.models import Priority, SavedView, Status
from tickets.queue_forms import ACTIONS, BulkForm, SaveViewForm
from tickets.selectors_narrowed import ticket_count_narrowed, ticket_rows_narrowed

QUEUE_PAGE_SIZE = 25
OPEN_STATUSES = [Status.NEW, Status.OPEN, Status.PENDING]
# A requester's list also holds what waits on them: resolved, to confirm or reopen.
REQUESTER_STATUSES = [*OPEN_STATUSES, Status.RESOLVED]
REFRESH_SECONDS = 30
# A refused bulk change: its ticks and choices, kept in the session for the queue.
BULK_RETRY = "queue_bulk_retry"
BULK_FIELDS = ("action", "assignee", "status", "priority", "team", "note")
# ?sort=: the column orders an agent may pick; "urgency" (the default) is the
# order the SLA extension gives (breached, at risk, next due).
SORTS = {
    "priority": ("priority", "-created_at", "-id"),
    # Each order reversed whole: its index read backwards.
    "-priority": ("-priority", "created_at", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "status": ("status", "priority", "id"),
    "-status": ("-status", "-priority", "-id"),
    "reference": ("id",),
    "-reference": ("-id",),
}


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def queue_context(request: HttpRequest) -> dict:
    """Agents: tickets of their teams and assigned to them. Requesters: their own."""
    agent = selectors.user_is_agent(request.user)
    params = request.GET.copy()
    # Open work by default; a search looks through every status.
    default_statuses = OPEN_STATUSES if agent else REQUESTER_STATUSES
    if "status" not in params and not params.get("q"):
        params.setlist("status", default_statuses)
    tickets = selectors.ticket_list(user=request.user).order_by("priority", "created_at", "id")
    scope = params.get("scope", "")
    if agent and scope == "mine":
        tickets = tickets.filter(assignee=request.user)
    filterset = TicketFilter(params, queryset=tickets, request=request)
    if not filterset.is_valid():
        messages.warning(request, _("Some filters were not understood and were ignored."))
        for name in filterset.errors:
            params.pop(name, None)
        if "status" not in params and not params.get("q"):
            params.setlist("status", default_statuses)
        filterset = TicketFilter(params, queryset=tickets, request=request)
    listed = filterset.qs
    extensions = hooks.page_extensions()
    for extension in extensions:
        if extension.queue_prepare is not None:
            listed = extension.queue_prepare(listed, request)
    sort = params.get("sort", "")
    if sort in SORTS:
        listed = listed.order_by(*SORTS[sort])
    narrow = partial(ticket_rows_narrowed, user=request.user)
    count_narrowed = partial(ticket_count_narrowed, user=request.user)
    paginator = CappedPaginator(
        listed, QUEUE_PAGE_SIZE, narrow=narrow, count_narrowed=count_narrowed
    )
    page = paginator.get_page(request.GET.get("page"))
    _label_rows(page)
    if agent:
        for extension in extensions:
            if extension.queue_rows_prepare is not None:
                extension.queue_rows_prepare(page.object_list)
    here = request.GET.copy()
    here.pop("page", None)
    current = services.view_query(here.urlencode())
    return {
        "page": page,
        "filter": filterset,
        "is_agent": agent,
        "scope": scope,
        "statuses": Status.choices,
        "selected_statuses": request.GET.getlist("status"),
        "selected_priorities": params.getlist("priority"),
        "query": params.get("q", ""),
        "extensions": extensions,
        "sort": sort if sort in SORTS else "",
        "sort_links": _sort_links(here),
        "saved_views": selectors.saved_views_for(user=request.user),
        "current_view": current,
        "bulk_actions": ACTIONS,
        "bulk_form": BulkForm() if agent else None,
        "save_view_form": SaveViewForm(initial={"query": current}) if agent else None,
        "refresh_seconds": REFRESH_SECONDS,
        "user_team_ids": selectors.user_team_ids(request.user),
    }


def _label_rows(page) -> None:
    """Each row's status and priority in words, translated once per page: a model's
    ``get_FOO_display`` rebuilds and hashes its lazy choices on every call."""
    page.object_list = list(page.object_list)
    statuses = {value: str(label) for value, label in Status.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    for ticket in page.object_list:
        ticket.status_label = statuses.get(ticket.status, ticket.status)
        ticket.priority_label = priorities.get(ticket.priority, ticket.priority)


def _sort_links(here) -> dict[str, str]:
    """The query string of each column's sort (asc, or desc when it is on already)."""
    links = {}
    for column in ("priority", "created", "status", "reference", "urgency"):
        params = here.copy()
        current = params.get("sort", "")
        params["sort"] = f"-{column}" if current == column and f"-{column}" in SORTS else column
        if column == "urgency":
            params.pop("sort")
        links[column] = "?" + params.urlencode()
    return links


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    context = queue_context(request)
    # The page refreshes its list by itself (htmx): only the list is sent then.
    if request.headers.get("HX-Request") == "true":
        return render(request, "tickets/_queue_results.html", context)
    retry = request.session.pop(BULK_RETRY, None)
    if isinstance(retry, dict):
        context["bulk_retry"] = retry
        context["bulk_ticked"] = {int(v) for v in retry.get("tickets", []) if id_in_range(v)}
    return render(request, "tickets/queue.html", context)


@login_required
@post_only("tickets:detail")
def ticket_take(request: HttpRequest, pk: int) -> HttpResponse:
    """Take it: assign the ticket to oneself in one click."""
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    try:
        services.ticket_take(ticket=ticket, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(getattr(error, "messages", [str(error)]))
        messages.error(
            request, _("%(ref)s not taken: %(why)s") % {"ref": ticket.reference, "why": text}
        )
        return redirect(_back(request))
    messages.success(request, _("%(ref)s is yours.") % {"ref": ticket.reference})
    return redirect(_back(request))


@login_required
@post_only("tickets:queue", pk=False)
def tickets_bulk(request: HttpRequest) -> HttpResponse:
    """One change to the tickets ticked in the queue; says what was refused."""
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied
    form = BulkForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        # Back on the queue with the ticks and choices made, to be put right.
        request.session[BULK_RETRY] = {
            "tickets": [v for v in request.POST.getlist("tickets") if id_in_range(v)][:500],
            **{name: request.POST.get(name, "")[:2000] for name in BULK_FIELDS},
        }
        return redirect(_back(request))
    data = form.cleaned_data
    result = services.tickets_bulk_change(
        actor=request.user,
        ticket_ids=data["ticket_ids"],
        action=data["action"],
        value=data["value"],
        note=data.get("note", ""),
    )
    if result.done:
        n = len(result.done)
        messages.success(
            request,
            ngettext("Changed %(n)d ticket: %(refs)s", "Changed %(n)d tickets: %(refs)s", n)
            % {"n": n, "refs": ", ".join(t.reference for t in result.done)},
        )
    for reference, why in result.refused:
        messages.warning(request, _("%(ref)s refused: %(why)s") % {"ref": reference, "why": why})
    return redirect(_back(request))


@login_required
@post_only("tickets:queue", pk=False)
def saved_view_create(request: HttpRequest) -> HttpResponse:
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied
    form = SaveViewForm(request.POST)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            view = services.saved_view_create(
                owner=request.user, name=form.cleaned_data["name"], query=query
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect("/?" + view.query if view.query else "/")
    else:
        messages.error(request, _("Give the view a name (at most 80 characters)."))
    return redirect("/?" + services.view_query(query))


@login_required
@post_only("tickets:queue", pk=False)
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = SavedView.objects.filter(pk=pk, owner=request.user).first()
    if view is None:
        raise Http404(_("No such view of yours."))
    services.saved_view_delete(view=view, actor=request.user)
    messages.success(request, _("View removed."))
    return redirect("/?" + urlencode({}))
