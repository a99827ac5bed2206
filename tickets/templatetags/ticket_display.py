from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy

from tickets import hooks
from tickets.models import Ticket

register = template.Library()

# What the audit trail records as changed besides the ticket's own fields.
TRAIL_FIELDS = {
    "attachment": gettext_lazy("Attachment"),
    "cc": gettext_lazy("Copied address (CC)"),
}


# What a requester reads for a status whose agents' name speaks of them in the
# third person ("Pending (waiting on customer)").
REQUESTER_STATUS = {"pending": gettext_lazy("Waiting for your reply")}


@register.filter
def status_for(ticket: Ticket, is_agent: bool) -> str:
    """The ticket's status as its reader reads it."""
    if not is_agent and ticket.status in REQUESTER_STATUS:
        return str(REQUESTER_STATUS[ticket.status])
    return ticket.get_status_display()


@register.filter
def title_field(name: str) -> str:
    """``urgency`` -> ``Urgency``, in the reader's language: a ticket field by its
    verbose name, anything else (an SLA metric) by its words, translated when the
    catalogs know them."""
    if name in TRAIL_FIELDS:
        return str(TRAIL_FIELDS[name])
    try:
        return capfirst(Ticket._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return gettext(name.replace("_", " ").capitalize())


@register.filter
def event_value(value: str, event) -> str:
    """A value of the audit trail (a code) as the reader reads it."""
    if value in ("yes", "no"):
        return gettext("yes") if value == "yes" else gettext("no")
    return hooks.value_label(event.field, value)
