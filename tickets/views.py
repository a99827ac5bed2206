"""Agent and requester pages. Views parse forms and call services; no rules live here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed

from config.authentication import TokenAuthentication
from config.posting import post_only
from tickets import hooks, selectors, services
from tickets.forms import (
    CommentForm,
    TicketCreateForm,
    TicketPropertiesForm,
    TransitionForm,
    add_service_errors,
)
from tickets.models import Status, Ticket, TicketEvent


@login_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    form = TicketCreateForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if value is not None}
        files = data.pop("attachments", [])
        try:
            with services.atomic_with_files():
                ticket = services.ticket_create(actor=request.user, **data)
                if files:
                    services.attachments_add(ticket=ticket, actor=request.user, files=files)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket %(ref)s created.") % {"ref": ticket.reference})
            return redirect(ticket)
    context = {"form": form, "extensions": hooks.page_extensions()}
    for extension in context["extensions"]:
        if extension.create_aside_context is not None:
            context.update(extension.create_aside_context(request))
    return render(request, "tickets/create.html", context)


def render_detail(request: HttpRequest, ticket: Ticket, **forms) -> HttpResponse:
    """The ticket page; bound forms passed in show their errors (and answer 400)."""
    user = request.user
    agent = selectors.user_is_agent(user)
    comments = list(selectors.ticket_comments(ticket=ticket, user=user))
    events = [
        event
        for event in selectors.ticket_events(ticket=ticket, user=user)
        if event.kind != TicketEvent.Kind.COMMENTED
    ]
    timeline = sorted(
        [("comment", c.created_at, c) for c in comments]
        + [("event", e.created_at, e) for e in events],
        key=lambda item: item[1],
    )
    works_on = selectors.user_works_on(user=user, ticket=ticket)
    canned = list(services.canned_replies_for(user=user)) if works_on else []
    chosen = next((c for c in canned if str(c.pk) == request.GET.get("canned", "")), None)
    comment_form = forms.get("comment_form")
    if comment_form is None:
        initial = {}
        if chosen is not None:
            body = services.canned_reply_text(reply=chosen, ticket=ticket, agent=user)
            initial = {"body": body, "set_status": chosen.set_status}
        comment_form = CommentForm(ticket=ticket, user=user, initial=initial)
    context = {
        "ticket": ticket,
        "is_agent": agent,
        "works_on": works_on,
        "following": agent and selectors.user_follows(user=user, ticket=ticket),
        "can_take": works_on
        and agent
        and selectors.user_may_take(
            user=user, ticket=ticket, team_ids=selectors.user_team_ids(user)
        ),
        "timeline": timeline,
        "comment_form": comment_form,
        "canned_replies": canned,
        "canned_chosen": chosen,
        "transition_form": (
            (forms.get("transition_form") or TransitionForm(ticket=ticket, user=user))
            if works_on
            else None
        ),
    }
    context["extensions"] = hooks.page_extensions()
    for extension in context["extensions"]:
        if extension.detail_context is not None:
            context.update(extension.detail_context(request, ticket))
    if agent and works_on:
        context["properties_form"] = forms.get("properties_form") or TicketPropertiesForm(
            ticket=ticket
        )
    context["cc_addresses"] = list(ticket.cc_addresses.order_by("email"))
    context["ticket_files"] = list(ticket.attachments.filter(comment__isnull=True))
    status = 400 if forms or getattr(request, "form_errors", False) else 200
    return render(request, "tickets/detail.html", context, status=status)


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, selectors.ticket_read(user=request.user, pk=pk))


@login_required
@post_only("tickets:detail")
def ticket_comment(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_read(user=request.user, pk=pk)
    form = CommentForm(request.POST, request.FILES, ticket=ticket, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("attachments", [])
        set_status = data.pop("set_status", "")
        if not selectors.user_works_on(user=request.user, ticket=ticket):
            set_status = ""  # the box offers no status to those who do not work the ticket
        before = ticket.status
        try:
            comment = services.comment_send(
                ticket=ticket, actor=request.user, files=files, set_status=set_status, **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = _comment_done(request.user, comment)
            if set_status and set_status != before:
                moved = _("Status changed to %(status)s.") % {"status": Status(set_status).label}
                done = f"{done} {moved}"
            messages.success(request, done)
            return redirect(ticket)
    return render_detail(request, ticket, comment_form=form)


def _comment_done(user, comment) -> str:
    """What the writer is told: who will read what they just wrote."""
    if not comment.is_public:
        return _("Internal note added: only agents see it.")
    if selectors.user_is_agent(user):
        return _("Reply sent: the requester sees it.")
    return _("Your reply is added to the request.")


@login_required
@post_only("tickets:detail")
def ticket_transition(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = TransitionForm(request.POST, ticket=ticket, user=request.user)
    if form.is_valid():
        try:
            moved = services.ticket_transition(
                ticket=ticket, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied as error:
            form.add_error("status", str(error))
        else:
            messages.success(
                request, _("Status changed to %(status)s.") % {"status": moved.get_status_display()}
            )
            return redirect(ticket)
    return render_detail(request, ticket, transition_form=form)


@login_required
@post_only("tickets:detail")
def ticket_update(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied
    form = TicketPropertiesForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.ticket_update(ticket=ticket, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Ticket updated."))
            return redirect(ticket)
    return render_detail(request, ticket, properties_form=form)


@login_required
@post_only("tickets:detail")
def ticket_follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow (or, with ``follow=0``, stop following) a ticket the agent may read."""
    ticket = selectors.ticket_read(user=request.user, pk=pk)
    follow = request.POST.get("follow", "1") != "0"
    services.ticket_follow(ticket=ticket, actor=request.user, follow=follow)
    if follow:
        messages.success(request, _("You follow this ticket."))
    else:
        messages.success(request, _("You no longer follow this ticket."))
    return redirect(ticket)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file, to whoever may read its ticket (requesters: not on internal notes);
    always as a download, never rendered by the browser. Signed in, or with an API
    token (the API lists each file with this address)."""
    user = request.user
    if not user.is_authenticated:
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            found = None
        if found is None:
            return redirect_to_login(request.get_full_path())
        user = found[0]
    attachment = selectors.attachment_get(user=user, pk=pk)
    if attachment is None:
        raise Http404(_("No such file."))
    try:
        stored = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):  # gone from storage, or no file kept
        raise Http404(_("This file is no longer kept.")) from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@post_only("tickets:detail")
def ticket_cc(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy an address on the ticket, or (``remove``) stop copying it: the
    requester and the agents who work on the ticket."""
    ticket = selectors.ticket_read(user=request.user, pk=pk)
    if selectors.user_is_agent(request.user) and not selectors.user_works_on(
        user=request.user, ticket=ticket
    ):
        raise PermissionDenied
    email = request.POST.get("email", "")[:254]
    try:
        if request.POST.get("remove"):
            services.cc_remove(ticket=ticket, actor=request.user, email=email)
            messages.success(request, _("%(email)s is no longer copied.") % {"email": email})
        else:
            services.cc_add(ticket=ticket, actor=request.user, email=email)
            messages.success(request, _("%(email)s is copied from now on.") % {"email": email})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render_detail(request, ticket, cc_error=True)
    return redirect(ticket)
