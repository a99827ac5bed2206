"""``format_html`` for markup written many times a page (rows of a list)."""

import html

from django.utils.functional import Promise
from django.utils.safestring import SafeString


def escaped(value) -> str:
    """``conditional_escape(value)`` without the lazy-argument wrapper Django puts
    around ``escape`` (it checks every argument of every call for lazy strings)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def html_format(template: str, **values) -> SafeString:
    """``format_html(template, **values)``: the same escaping, at a fraction of the cost."""
    return SafeString(template.format(**{name: escaped(v) for name, v in values.items()}))
