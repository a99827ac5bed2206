from django import template

register = template.Library()


@register.filter
def unread_count(user) -> int:
    """The count the session's backend loaded with the user; 0 for anyone else."""
    return getattr(user, "unread_notifications", 0) or 0
