"""One escalation: its page with the forms of the steps the user may take now, and
the decision on a request awaiting approval."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from config.posting import post_only
from escalations import forms as f
from escalations import selectors as esc_selectors
from escalations.models import Escalation
from escalations.pipeline import Action, allowed_actions, check_permission, review_frozen
from escalations.services import escalate
from escalations.views.base import agents_only, detail_url
from escalations.views.lists import render_approvals
from tickets import selectors
from tickets.forms import add_service_errors

# The form of each step that has one, by the name the template shows it under.
# Approving and ticking an action are buttons: the template asks ``actions``.
FORMS: dict[Action, tuple[str, type]] = {
    Action.REJECT: ("reject_form", f.RejectForm),
    Action.SET_MANAGER: ("manager_form", f.ManagerForm),
    Action.ADD_MEMBER: ("member_form", f.MemberForm),
    Action.ADD_ACTION: ("action_form", f.ActionItemForm),
    Action.MONITOR: ("monitor_form", f.MonitorForm),
    Action.CLOSE: ("close_form", f.CloseForm),
    Action.REOPEN: ("reopen_form", f.ReopenForm),
    Action.REVIEW: ("review_form", f.ReviewForm),
}
FORM_NAMES = {form_class: name for name, form_class in FORMS.values()}


def render_escalation(
    request: HttpRequest, escalation: Escalation, bound: Any = None, status: int | None = None
) -> HttpResponse:
    """The escalation page, offering the forms of ``allowed_actions`` and no other; a
    bound form passed in shows its errors (and answers 400)."""
    user = request.user
    escalation = esc_selectors.escalation_detail(escalation=escalation)
    review = esc_selectors.review_get(escalation=escalation)
    actions = allowed_actions(escalation, user)
    context: dict[str, Any] = {
        "escalation": escalation,
        "review": review,
        # Anyone who sees the escalation sees its review.
        "review_frozen": review_frozen(escalation),
        "actions": actions,
        # a managed escalation outlives its ticket's resolution until it is closed
        "waits_on_closing": escalation.kind == Escalation.Kind.HIERARCHICAL
        and escalation.status in (Escalation.Status.ACTIVE, Escalation.Status.MONITORING)
        and not escalation.ticket.is_open,
        "related": esc_selectors.escalation_list(user=user)
        .filter(ticket_id=escalation.ticket_id)
        .exclude(pk=escalation.pk),
        "history": selectors.ticket_events(ticket=escalation.ticket, user=user).filter(
            field=f"escalation:{escalation.pk}"
        ),
    }
    for action, (name, form_class) in FORMS.items():
        if action in actions:
            extra = {"instance": review} if action == Action.REVIEW else {}
            context[name] = form_class(escalation=escalation, **extra)
    if bound is not None:
        # Shown with its errors even where the escalation's state no longer offers it.
        context[FORM_NAMES[type(bound)]] = bound
    if status is None:
        status = 400 if bound is not None else 200
    return render(request, "escalations/detail.html", context, status=status)


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agents_only(request)
    return render_escalation(request, esc_selectors.escalation_get(user=request.user, pk=pk))


def _back(request: HttpRequest, escalation: Escalation, status: int = 200) -> HttpResponse:
    """After a decision: back to the approvals queue or to the escalation."""
    if request.POST.get("next") == "approvals":
        if status == 200:
            return redirect("escalations:approvals")
        return render_approvals(request, status=status)
    if status == 200:
        return redirect(detail_url(escalation))
    return render_escalation(request, escalation, status=status)


@login_required
@post_only("escalations:detail")
def escalation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    check_permission(Action.APPROVE, escalation=escalation, user=request.user)
    try:
        escalate.escalation_approve(escalation=escalation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, escalation, status=400)
    messages.success(
        request,
        _("Approved: %(ticket)s moves to %(tier)s.")
        % {"ticket": escalation.ticket.reference, "tier": escalation.get_to_tier_display()},
    )
    return _back(request, escalation)


@login_required
@post_only("escalations:detail")
def escalation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    check_permission(Action.REJECT, escalation=escalation, user=request.user)
    form = f.RejectForm(request.POST, escalation=escalation, back=request.POST.get("next", ""))
    if form.is_valid():
        try:
            escalate.escalation_reject(
                escalation=escalation, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Rejected; %(who)s is told why.")
                % {"who": escalation.requested_by or _("nobody")},
            )
            return _back(request, escalation)
    if request.POST.get("next") == "approvals":
        return render_approvals(request, bound=form, status=400)
    return render_escalation(request, escalation, bound=form)
