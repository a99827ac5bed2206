"""What escalations adds to the ticket pages (registered in escalations.apps)."""

from django.http import HttpRequest
from django.utils import timezone

from escalations import selectors
from escalations.forms import PriorityOverrideForm
from escalations.services import sla
from tickets.hooks import PageExtension
from tickets.models import Ticket
from tickets.selectors import user_is_agent


def queue_prepare(queryset, request: HttpRequest):
    """Order the queue by the nearest SLA due time and show each ticket's clocks."""
    state = request.GET.get("sla_status", "")
    if state in dict(selectors.SLA_STATUS_CHOICES):
        queryset = selectors.filter_sla_status(queryset, state, timezone.now())
    return selectors.with_clocks(selectors.order_by_urgency(queryset))


def clock_rows(ticket: Ticket, now) -> list[dict]:
    """Each clock with its state and business time left, for the templates."""
    return [
        {
            "clock": clock,
            "state": sla.clock_state(clock, now),
            "remaining": sla.remaining(clock, now),
        }
        for clock in ticket.sla_clocks.all()
    ]


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    now = timezone.now()
    context = {"sla_rows": clock_rows(ticket, now)}
    if user_is_agent(request.user):
        context["override_form"] = getattr(request, "override_form", None) or (
            PriorityOverrideForm(ticket=ticket)
        )
        context["priority_definitions"] = selectors.priority_definitions()
    return context


def create_aside_context(request: HttpRequest) -> dict:
    return {"priority_definitions": selectors.priority_definitions()}


SLA_PAGES = PageExtension(
    queue_prepare=queue_prepare,
    queue_filters_template="escalations/_queue_filter.html",
    queue_header_template="escalations/_queue_header.html",
    queue_cell_template="escalations/_queue_cell.html",
    detail_template="escalations/_ticket_sla.html",
    detail_context=detail_context,
    create_aside_template="escalations/_priority_definitions.html",
    create_aside_context=create_aside_context,
)
