"""The escalations a user may see, and the requests awaiting their decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from escalations import forms as f
from escalations import selectors as esc_selectors
from escalations.filters import EscalationPageFilter
from escalations.pipeline import Action, allowed_actions
from escalations.views.base import PAGE_SIZE, agents_only


@login_required
def escalation_list(request: HttpRequest) -> HttpResponse:
    """Escalations the user may see, narrowed by scope, status, kind and trigger."""
    agents_only(request)
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
    """The approvals queue, each request with the decisions the user may take on it;
    a bound reject form shows its errors in its row."""
    page = Paginator(esc_selectors.approvals_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for escalation in page:
        actions = allowed_actions(escalation, request.user)
        reject_form = None
        if bound is not None and bound.escalation_pk == escalation.pk:
            reject_form = bound
        elif Action.REJECT in actions:
            reject_form = f.RejectForm(escalation=escalation, back="approvals")
        rows.append((escalation, actions, reject_form))
    return render(
        request, "escalations/approvals.html", {"page": page, "rows": rows}, status=status
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """Requests awaiting the user's decision (managers of the target teams, admins)."""
    agents_only(request)
    return render_approvals(request)
