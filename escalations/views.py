"""Escalation pages. Views parse forms and call services; no rules live here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalations.forms import PriorityOverrideForm
from tickets import selectors, services
from tickets.forms import add_service_errors
from tickets.views import render_detail


@login_required
@require_POST
def ticket_priority(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a ticket's priority by hand, with a reason (agents)."""
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied
    form = PriorityOverrideForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.ticket_override_priority(
                ticket=ticket, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Priority updated."))
            return redirect(ticket)
    request.override_form = form
    request.form_errors = True
    return render_detail(request, ticket)
