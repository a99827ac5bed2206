"""The status update composer on the ticket and escalation pages.

The panel shows the priority's plan, when the next update is due (in the
viewer's time zone) and how many were missed, the composer with the plan's
audiences checked, and the last updates. The ticket page gets it as a page
extension (registered in ``notifications.apps``); the escalation page includes
``notifications/_status_update_panel.html``, whose template tag loads the same.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.posting import post_only
from escalations.models import Escalation
from escalations.views.detail import render_escalation
from notifications import selectors
from notifications.models import Audience
from notifications.services.status_updates import BODY_MAX, status_update_send
from tickets.forms import add_service_errors
from tickets.hooks import PageExtension
from tickets.models import Ticket
from tickets.views import render_detail

RECENT_UPDATES = 5


class StatusUpdateForm(forms.Form):
    audiences = forms.MultipleChoiceField(
        label=gettext_lazy("Send to"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    body = forms.CharField(
        label=gettext_lazy("Update"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    escalation = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ticket: Ticket, escalation: Escalation | None = None, **kwargs):
        # Own ids: the ticket page's reply form has a "body" field too.
        kwargs.setdefault("auto_id", "id_update_%s")
        super().__init__(*args, **kwargs)
        if escalation is not None:
            self.fields["escalation"].initial = escalation.pk
        self.helper = FormHelper()
        self.helper.form_id = "status-update-form"
        self.helper.form_action = reverse("notifications:status_update", args=[ticket.pk])
        self.helper.layout = Layout(
            "audiences",
            "body",
            "escalation",
            Submit("submit", _("Send update"), css_id="status-update-submit"),
        )


def panel_context(
    request: HttpRequest, ticket: Ticket, escalation: Escalation | None = None
) -> dict[str, Any]:
    """What the panel shows; nothing for requesters. A composer that failed on
    this request comes back bound, with its errors."""
    # A closed or rejected escalation has nothing more to report.
    if escalation is not None and not escalation.is_open:
        return {"show": False}
    if not selectors.can_send_update(user=request.user, ticket=ticket, escalation=escalation):
        return {"show": False}
    plan = selectors.plan_for(priority=ticket.priority)
    form = getattr(request, "status_update_form", None)
    if form is None:
        form = StatusUpdateForm(
            ticket=ticket,
            escalation=escalation,
            initial={"audiences": plan.audiences if plan else []},
        )
    cadence = selectors.cadence_of(ticket=ticket)
    running = cadence is not None and cadence.next_action_at is not None
    return {
        "show": True,
        "ticket": ticket,
        "plan": plan,
        "cadence": cadence,
        "cadence_running": running,
        "overdue": running and cadence.due_at <= timezone.now(),
        "status_update_form": form,
        "status_updates": list(selectors.status_update_list(ticket=ticket)[:RECENT_UPDATES]),
    }


@login_required
@post_only("tickets:detail")
def status_update_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a status update from the ticket page or, with ``escalation``, from an
    escalation page; errors re-render that page with the composer's messages."""
    ticket, escalation = selectors.update_target(
        user=request.user, pk=pk, escalation_pk=request.POST.get("escalation")
    )
    form = StatusUpdateForm(request.POST, ticket=ticket, escalation=escalation)
    if form.is_valid():
        try:
            status_update_send(
                ticket=ticket,
                actor=request.user,
                body=form.cleaned_data["body"],
                audiences=form.cleaned_data["audiences"],
                escalation=escalation,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status update sent."))
            if escalation is not None:
                return redirect("escalations:detail", escalation.pk)
            return redirect(ticket)
    request.status_update_form = form
    request.form_errors = True
    if escalation is not None:
        return render_escalation(request, escalation, status=400)
    return render_detail(request, ticket)


STATUS_UPDATE_PAGES = PageExtension(detail_template="notifications/_status_update_panel.html")
