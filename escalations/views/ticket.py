"""What the ticket page posts to the escalations app: the priority set by hand and a
manual escalation with its hand-off."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from config.posting import post_only
from escalations import forms as f
from escalations import selectors as esc_selectors
from escalations.models import Escalation
from escalations.pages import escalation_targets
from escalations.services import escalate
from escalations.views.base import agents_only, detail_url
from tickets import selectors, services
from tickets.forms import add_service_errors
from tickets.models import Tier
from tickets.views import render_detail

State = Escalation.Status


@login_required
@post_only("tickets:detail")
def ticket_priority(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a ticket's priority by hand, with a reason (agents)."""
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied
    form = f.PriorityOverrideForm(request.POST, ticket=ticket)
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


@login_required
@post_only("tickets:detail")
def ticket_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate a ticket by hand, with the hand-off (agents who may see the ticket)."""
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    agents_only(request)
    form = f.EscalateForm(request.POST, ticket=ticket, targets=escalation_targets(ticket))
    if form.is_valid():
        try:
            escalation = escalate.escalation_request(
                ticket=ticket, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            team = escalation.to_team
            names = {"tier": escalation.get_to_tier_display(), "team": team.name if team else "—"}
            if escalation.status == State.REQUESTED:
                messages.success(
                    request,
                    _(
                        "Escalation to %(tier)s requested: "
                        "it awaits the approval of %(team)s's manager."
                    )
                    % names,
                )
            else:
                messages.success(request, _("Escalated to %(tier)s (%(team)s).") % names)
            # Into management: the managed escalation (team, action plan, review) is
            # where the work goes on, not the record of the move.
            managed = esc_selectors.open_managed_escalation(ticket=ticket)
            if escalation.to_tier == Tier.MGMT and managed is not None:
                return redirect(detail_url(managed))
            # Moved to another team, the ticket may be out of the requester's sight now.
            if selectors.ticket_list(user=request.user).filter(pk=ticket.pk).exists():
                return redirect(ticket)
            return redirect(detail_url(escalation))
    request.escalate_form = form
    request.form_errors = True
    return render_detail(request, ticket)
