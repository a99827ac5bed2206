from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from config.html import html_format
from escalations.models import SlaClock
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


_words: dict[str | None, tuple[dict[str, str], dict[str, str], dict[str, str]]] = {}


def badge_words() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The badges' words in the active language: metric names, short names and state
    labels, translated once per language rather than for every badge of every row
    (``get_metric_display`` rebuilds and hashes the lazy choices on each call)."""
    language = get_language()
    words = _words.get(language)
    if words is None:
        words = (
            {value: str(label) for value, label in SlaClock.Metric.choices},
            {metric: str(short) for metric, short in SHORT.items()},
            {state: str(label) for state, (_css, label) in BADGES.items()},
        )
        _words[language] = words
    return words


@register.simple_tag
def sla_badge(clock, state=None):
    """A coloured badge for one clock: metric and state."""
    state = state or sla.clock_state(clock, timezone.now())
    names, short, labels = badge_words()
    label = labels[state]
    return html_format(
        '<span class="badge {css} me-1" title="{name}: {label}" data-state="{state}">'
        "{short} {label}</span>",
        css=BADGES[state][0],
        name=names.get(clock.metric, clock.metric),
        label=label,
        state=state,
        short=short[clock.metric],
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
