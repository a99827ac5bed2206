"""The hand-over panel of the ticket page: the note for the next team, and the
ticket's hand-overs so far."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from config.posting import post_only
from escalations.models import Handover, HandoverNote
from escalations.services.duty.records import handover_note_save
from escalations.views.base import agents_only
from tickets import selectors
from tickets.hooks import PageExtension
from tickets.models import Ticket


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    if not selectors.user_is_agent(request.user):
        return {"duty_panel": False}
    note = HandoverNote.objects.filter(ticket=ticket).values_list("text", flat=True).first()
    handovers = list(
        Handover.objects.filter(ticket=ticket)
        .select_related("from_team", "to_team")
        .order_by("-handed_at")[:3]
    )
    # Only those working on the ticket write the note (the save is refused to the
    # rest); an agent reading it from outside its team sees what is there.
    editable = selectors.user_works_on(user=request.user, ticket=ticket)
    return {
        "duty_panel": editable or bool(note) or bool(handovers),
        "handover_note": note or "",
        "handover_editable": editable,
        "handovers": handovers,
    }


@login_required
@post_only("tickets:detail")
def handover_note(request: HttpRequest, pk: int) -> HttpResponse:
    agents_only(request)
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    try:
        handover_note_save(ticket=ticket, actor=request.user, text=request.POST.get("text", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The hand-over note is saved for the next team."))
    return redirect(ticket.get_absolute_url())


DUTY_PAGES = PageExtension(
    detail_template="duty/_ticket_handover.html", detail_context=detail_context
)
