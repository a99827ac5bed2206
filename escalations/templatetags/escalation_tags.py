"""Escalation display helpers, and the agent check the navigation bar needs."""

from django import template
from django.utils.html import format_html

from tickets.selectors import user_is_agent

register = template.Library()

STATUS_CSS = {
    "requested": "text-bg-warning",
    "active": "text-bg-primary",
    "monitoring": "text-bg-info",
    "closed": "text-bg-secondary",
    "rejected": "text-bg-dark",
}


@register.simple_tag
def escalation_status(escalation):
    """The escalation's status as a coloured badge."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_CSS.get(escalation.status, "text-bg-light"),
        escalation.status,
        escalation.get_status_display(),
    )


@register.filter
def is_agent(user) -> bool:
    """Cached per request on the user, so the navigation bar costs no query once the
    view has asked."""
    return user_is_agent(user)


@register.filter(is_safe=True)
def handoff_text(escalation, name: str) -> str:
    """A hand-off field for the reader: what the system wrote (an automatic
    escalation) in their language, a person's text as written."""
    from tickets.notes import render_in

    return render_in(escalation, "handoff_notes", name, html=True)
