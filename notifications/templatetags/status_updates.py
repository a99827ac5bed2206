from django import template
from django.utils.translation import gettext as _

from notifications.models import Audience
from notifications.pages import panel_context

register = template.Library()


@register.inclusion_tag("notifications/_status_update_card.html", takes_context=True)
def status_update_panel(context, ticket, escalation=None) -> dict:
    """The status update panel of ``ticket``, sent from ``escalation`` when given.
    The page around it has already decided that the viewer may see them."""
    return panel_context(context["request"], ticket, escalation)


@register.filter
def cadence(minutes: int) -> str:
    """30 -> "30 min", 120 -> "2 h", 90 -> "1 h 30 min"."""
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return _("%(h)d h") % {"h": hours}
    return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}


@register.filter
def audience_labels(values) -> str:
    return ", ".join(str(Audience(v).label) for v in values or [] if v in Audience.values)
