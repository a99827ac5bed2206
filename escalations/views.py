"""Escalation pages. Views parse forms and call services; no rules live here.

An escalation or ticket the user may not see is a 404 (the selectors say so); a
step the user may not take is a 403 before any input is looked at; input the
form or the service refuses re-renders the page with the errors, as a 400.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from escalations import forms as f
from escalations import selectors as esc_selectors
from escalations.filters import EscalationPageFilter
from escalations.models import ActionItem, Escalation, EscalationReview
from escalations.pages import escalation_targets
from escalations.services import escalate, managed
from tickets import selectors, services
from tickets.forms import add_service_errors
from tickets.views import render_detail

PAGE_SIZE = 25
State, Kind = Escalation.Status, Escalation.Kind


def _agents_only(request: HttpRequest) -> None:
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied(_("Escalations are for agents."))


def _detail_url(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.pk])


# --- the ticket page -----------------------------------------------------------------------


@login_required
@require_POST
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
@require_POST
def ticket_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """Escalate a ticket by hand, with the hand-off (agents who may see the ticket)."""
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    _agents_only(request)
    form = f.EscalateForm(request.POST, ticket=ticket, targets=escalation_targets(ticket))
    if form.is_valid():
        try:
            escalation = escalate.escalation_request(
                ticket=ticket, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            names = {"tier": escalation.get_to_tier_display(), "team": escalation.to_team}
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
            # Moved to another team, the ticket may be out of the requester's sight now.
            if selectors.ticket_list(user=request.user).filter(pk=ticket.pk).exists():
                return redirect(ticket)
            return redirect(_detail_url(escalation))
    request.escalate_form = form
    request.form_errors = True
    return render_detail(request, ticket)


# --- lists ---------------------------------------------------------------------------------


@login_required
def escalation_list(request: HttpRequest) -> HttpResponse:
    """Escalations the user may see, narrowed by scope, status, kind and trigger."""
    _agents_only(request)
    filterset = EscalationPageFilter(
        request.GET or None,
        queryset=esc_selectors.escalation_list(user=request.user),
        request=request,
    )
    if filterset.is_bound and not filterset.is_valid():
        messages.warning(request, _("Some filters were not understood and were ignored."))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "escalations/list.html", {"page": page, "filter": filterset})


def render_approvals(
    request: HttpRequest, bound: f.RejectForm | None = None, status: int = 200
) -> HttpResponse:
    """The approvals queue; a bound reject form shows its errors in its row."""
    page = Paginator(esc_selectors.approvals_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (
            escalation,
            bound
            if bound is not None and bound.escalation_pk == escalation.pk
            else f.RejectForm(escalation=escalation, back="approvals"),
        )
        for escalation in page
    ]
    return render(
        request, "escalations/approvals.html", {"page": page, "rows": rows}, status=status
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Requests awaiting the user's decision (managers of the target teams, admins)."""
    _agents_only(request)
    return render_approvals(request)


# --- one escalation ------------------------------------------------------------------------

FORM_NAMES = {
    f.RejectForm: "reject_form",
    f.ManagerForm: "manager_form",
    f.MemberForm: "member_form",
    f.ActionItemForm: "action_form",
    f.MonitorForm: "monitor_form",
    f.CloseForm: "close_form",
    f.ReopenForm: "reopen_form",
    f.ReviewForm: "review_form",
}


def render_escalation(
    request: HttpRequest, escalation: Escalation, bound: Any = None, status: int | None = None
) -> HttpResponse:
    """The escalation page; a bound form passed in shows its errors (and answers 400)."""
    user = request.user
    escalation = esc_selectors.escalation_detail(escalation=escalation)
    review = (
        EscalationReview.objects.filter(escalation=escalation)
        .select_related("submitted_by")
        .first()
    )
    may_manage = managed.can_manage(escalation, user)
    working = escalation.kind == Kind.HIERARCHICAL and may_manage

    def form(cls, **kwargs):
        if isinstance(bound, cls):
            return bound
        return cls(escalation=escalation, **kwargs)

    context: dict[str, Any] = {
        "escalation": escalation,
        "review": review,
        "may_manage": may_manage,
        "related": esc_selectors.escalation_list(user=user)
        .filter(ticket_id=escalation.ticket_id)
        .exclude(pk=escalation.pk),
        "history": selectors.ticket_events(ticket=escalation.ticket, user=user).filter(
            field=f"escalation:{escalation.pk}"
        ),
    }
    if escalation.status == State.REQUESTED and escalate.can_approve(escalation, user):
        context["reject_form"] = form(f.RejectForm)
    if working and escalation.status in (State.ACTIVE, State.MONITORING):
        context["manager_form"] = form(f.ManagerForm)
        context["member_form"] = form(f.MemberForm)
        context["action_form"] = form(f.ActionItemForm)
        context["close_form"] = form(f.CloseForm)
        context["can_tick_actions"] = True
    if working and escalation.status == State.ACTIVE:
        context["monitor_form"] = form(f.MonitorForm)
    if working and escalation.status in (State.MONITORING, State.CLOSED):
        context["reopen_form"] = form(f.ReopenForm)
    # Anyone who sees the escalation sees its review; the people who write it get the
    # form until it is frozen.
    context["review_frozen"] = managed.review_frozen(escalation)
    took_place = escalation.status not in (State.REQUESTED, State.REJECTED)
    if took_place and not context["review_frozen"] and managed.can_review(escalation, user):
        context["review_form"] = form(f.ReviewForm, instance=review)
    if bound is not None:
        # Shown with its errors even where the escalation's state no longer offers it.
        context[FORM_NAMES[type(bound)]] = bound
    if status is None:
        status = 400 if bound is not None else 200
    return render(request, "escalations/detail.html", context, status=status)


@login_required
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _agents_only(request)
    return render_escalation(request, esc_selectors.escalation_get(user=request.user, pk=pk))


def _back(request: HttpRequest, escalation: Escalation, status: int = 200) -> HttpResponse:
    """After a decision: back to the approvals queue or to the escalation."""
    if request.POST.get("next") == "approvals":
        if status == 200:
            return redirect("escalations:approvals")
        return render_approvals(request, status=status)
    if status == 200:
        return redirect(_detail_url(escalation))
    return render_escalation(request, escalation, status=status)


@login_required
@require_POST
def escalation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    if not escalate.can_approve(escalation, request.user):
        raise PermissionDenied(_("Only the manager of the target team decides."))
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
@require_POST
def escalation_reject(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    if not escalate.can_approve(escalation, request.user):
        raise PermissionDenied(_("Only the manager of the target team decides."))
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


def _managed_step(service: Callable[..., object], form_class: type, done):
    """A page action of working a managed escalation: manager-only, then the
    form, then ``service(escalation=..., actor=..., **form data)``; errors come
    back on the escalation page with the form's messages."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
        if not managed.can_manage(escalation, request.user):
            raise PermissionDenied(_("Only the escalation manager may do this."))
        form = form_class(request.POST, escalation=escalation)
        if form.is_valid():
            try:
                service(escalation=escalation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(_detail_url(escalation))
        return render_escalation(request, escalation, bound=form)

    view.__name__ = service.__name__
    return view


# Module level: the messages are translated when shown, in the user's language.
escalation_manager = _managed_step(
    managed.managed_set_manager, f.ManagerForm, gettext_lazy("Escalation manager changed.")
)
member_add = _managed_step(
    managed.member_add, f.MemberForm, gettext_lazy("Added to the escalation team.")
)
action_add = _managed_step(
    managed.action_item_add, f.ActionItemForm, gettext_lazy("Action added to the plan.")
)
escalation_monitor = _managed_step(
    managed.managed_monitor, f.MonitorForm, gettext_lazy("Monitoring started.")
)
escalation_close = _managed_step(
    managed.managed_close, f.CloseForm, gettext_lazy("Escalation closed.")
)
escalation_reopen = _managed_step(
    managed.managed_reopen, f.ReopenForm, gettext_lazy("Escalation active again.")
)


@login_required
@require_POST
def action_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    item = get_object_or_404(ActionItem, pk=item_pk, escalation=escalation)
    if not managed.can_manage(escalation, request.user):
        raise PermissionDenied(_("Only the escalation manager may do this."))
    form = f.ActionDoneForm(request.POST)
    form.is_valid()  # a missing or false "done" means not done
    done = bool(form.cleaned_data.get("done"))
    try:
        managed.action_item_done(item=item, actor=request.user, done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render_escalation(request, escalation, status=400)
    messages.success(request, _("Action done.") if done else _("Action open again."))
    return redirect(_detail_url(escalation))


@login_required
@require_POST
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The people ``managed.can_review`` names review it, until it is frozen."""
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    if not managed.can_review(escalation, request.user):
        raise PermissionDenied(_("You may read this review but not write it."))
    review = EscalationReview.objects.filter(escalation=escalation).first()
    form = f.ReviewForm(request.POST, instance=review, escalation=escalation)
    if form.is_valid():
        try:
            managed.review_submit(escalation=escalation, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Review submitted."))
            return redirect(_detail_url(escalation))
    return render_escalation(request, escalation, bound=form)
