import re

from django import template
from django.utils.text import Truncator

register = template.Library()


@register.filter
def unread_count(user) -> int:
    """The count the session's backend loaded with the user; 0 for anyone else."""
    return getattr(user, "unread_notifications", 0) or 0


_URL = re.compile(r"https?://\S+")


@register.filter
def summary(text: str) -> str:
    """One line of a message for the inbox: its first line with words, addresses
    left out (the item links to the ticket), cut at a word."""
    for line in (text or "").splitlines():
        line = _URL.sub("", line).strip(" :-")
        if line:
            return Truncator(line).chars(140)
    return ""
