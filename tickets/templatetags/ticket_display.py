from django import template

register = template.Library()


@register.filter
def title_field(name: str) -> str:
    """``first_response`` -> ``First response``: field names as words in the timeline."""
    return name.replace("_", " ").capitalize()
