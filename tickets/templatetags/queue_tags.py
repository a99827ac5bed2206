from django import template

from tickets.queue_rows import queue_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def queue_table_rows(context, page):
    """The rows of the queue's page (``tickets.queue_rows``), with the page's own CSRF
    token (the one its other forms carry)."""
    return queue_rows(
        page,
        request=context["request"],
        is_agent=context.get("is_agent", False),
        extensions=context.get("extensions", ()),
        user_team_ids=context.get("user_team_ids", ()),
        csrf_token=str(context.get("csrf_token") or ""),
        ticked=context.get("bulk_ticked", ()),
    )
