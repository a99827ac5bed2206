"""The steps of working an escalation from its page: the escalation manager's steps
on a managed escalation, and the post-escalation review."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.posting import post_only
from escalations import forms as f
from escalations import selectors as esc_selectors
from escalations.pipeline import Action, check_permission
from escalations.services import managed, managed_team, reviews
from escalations.views.base import detail_url
from escalations.views.detail import render_escalation
from tickets.forms import add_service_errors


def _step(action: Action, service: Callable[..., object], form_class: type, done):
    """A page action of working an escalation: refused (403) to whoever may not take
    ``action``, then the form, then ``service(escalation=..., actor=..., **form
    data)``; errors come back on the escalation page with the form's messages."""

    @login_required
    @post_only("escalations:detail")
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
        check_permission(action, escalation=escalation, user=request.user)
        form = form_class(request.POST, escalation=escalation)
        if form.is_valid():
            try:
                service(escalation=escalation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect(detail_url(escalation))
        return render_escalation(request, escalation, bound=form)

    view.__name__ = service.__name__
    return view


# Module level: the messages are translated when shown, in the user's language.
escalation_manager = _step(
    Action.SET_MANAGER,
    managed_team.escalation_manager_change,
    f.ManagerForm,
    gettext_lazy("Escalation manager changed."),
)
member_add = _step(
    Action.ADD_MEMBER,
    managed_team.escalation_member_add,
    f.MemberForm,
    gettext_lazy("Added to the escalation team."),
)
action_add = _step(
    Action.ADD_ACTION,
    managed_team.action_item_add,
    f.ActionItemForm,
    gettext_lazy("Action added to the plan."),
)
escalation_monitor = _step(
    Action.MONITOR,
    managed.managed_escalation_monitor,
    f.MonitorForm,
    gettext_lazy("Monitoring started."),
)
escalation_close = _step(
    Action.CLOSE, managed.managed_escalation_close, f.CloseForm, gettext_lazy("Escalation closed.")
)
escalation_reopen = _step(
    Action.REOPEN,
    managed.managed_escalation_reopen,
    f.ReopenForm,
    gettext_lazy("Escalation active again."),
)


@login_required
@post_only("escalations:detail")
def action_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Tick an action-plan item done, or open it again."""
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    item = esc_selectors.action_item_get(escalation=escalation, pk=item_pk)
    check_permission(Action.MARK_ACTION, escalation=escalation, user=request.user)
    form = f.ActionDoneForm(request.POST)
    form.is_valid()  # a missing or false "done" means not done
    done = bool(form.cleaned_data.get("done"))
    try:
        managed_team.action_item_mark_done(item=item, actor=request.user, done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render_escalation(request, escalation, status=400)
    messages.success(request, _("Action done.") if done else _("Action open again."))
    return redirect(detail_url(escalation))


@login_required
@post_only("escalations:detail")
def review_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or edit the post-escalation review."""
    escalation = esc_selectors.escalation_get(user=request.user, pk=pk)
    check_permission(Action.REVIEW, escalation=escalation, user=request.user)
    review = esc_selectors.review_get(escalation=escalation)
    form = f.ReviewForm(request.POST, instance=review, escalation=escalation)
    if form.is_valid():
        try:
            reviews.review_submit(escalation=escalation, actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Review submitted."))
            return redirect(detail_url(escalation))
    return render_escalation(request, escalation, bound=form)
