from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from escalations.services import sla

register = template.Library()

BADGES = {
    "on_track": ("text-bg-success", _("on track")),
    "at_risk": ("text-bg-warning", _("at risk")),
    "breached": ("text-bg-danger", _("breached")),
    "paused": ("text-bg-secondary", _("paused")),
    "met": ("text-bg-light border", _("met")),
}
SHORT = {
    "first_response": pgettext_lazy("short for first response", "FR"),
    "next_update": pgettext_lazy("short for next update", "NU"),
    "resolution": pgettext_lazy("short for resolution", "RES"),
    "level": pgettext_lazy("short for time at level", "LVL"),
}


@register.simple_tag
def sla_badge(clock, state=None):
    """A coloured badge for one clock: metric and state."""
    state = state or sla.clock_state(clock, timezone.now())
    css, label = BADGES[state]
    return format_html(
        '<span class="badge {} me-1" title="{}: {}" data-state="{}">{} {}</span>',
        css,
        clock.get_metric_display(),
        label,
        state,
        SHORT[clock.metric],
        label,
    )


@register.filter
def business_duration(value: timedelta) -> str:
    """Business time as ``27h 05m`` (hours, not days: business days differ by calendar)."""
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    minutes = rest // 60
    if hours:
        # Translators: short business time, hours and minutes, e.g. "27h 05m"
        text = _("%(hours)sh %(minutes)sm") % {"hours": hours, "minutes": f"{minutes:02d}"}
    else:
        # Translators: short business time in minutes, e.g. "45m"
        text = _("%(minutes)sm") % {"minutes": minutes}
    return f"{sign}{text}"
