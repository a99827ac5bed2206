"""Values inside messages in the reader's language.

Events carry codes (``open``, ``L2``, ``sla_breach``), which webhooks receive as
they are. A message is rendered under the reader's language, and there the codes
a person reads become labels: ``ticket.status`` reads "Otwarte" in Polish. The
code stays at hand as ``<name>_code`` (``ticket.status_code``), and the priority
and level, which people read as codes (P1, L2), gain a ``*_label``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from escalations.models import Escalation, SlaClock
from tickets import notes
from tickets.models import Priority, Status, Tier

_TICKET_LABELS = {"status": Status}
_TICKET_EXTRA = {"priority": Priority, "level": Tier}
_ESCALATION_LABELS = {
    "kind": Escalation.Kind,
    "trigger": Escalation.Trigger,
    "status": Escalation.Status,
}
_ESCALATION_EXTRA = {"from_tier": Tier, "to_tier": Tier}


def _label(choices, code: Any) -> Any:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _relabel(values: dict | None, replaced: dict, added: dict) -> dict | None:
    if not isinstance(values, dict):
        return values
    values = dict(values)
    for name, choices in replaced.items():
        if name in values:
            values[f"{name}_code"] = values[name]
            values[name] = _label(choices, values[name])
    for name, choices in added.items():
        if name in values:
            values[f"{name}_label"] = _label(choices, values[name])
    return values


def localized(context: dict) -> dict:
    """``context`` with its labels in the active language (call it under
    ``translation.override``); the original is left as it is."""
    context = dict(context)
    context["ticket"] = _relabel(context.get("ticket"), _TICKET_LABELS, _TICKET_EXTRA)
    context["escalation"] = _relabel(
        context.get("escalation"), _ESCALATION_LABELS, _ESCALATION_EXTRA
    )
    escalation = context["escalation"]
    for name in ("reason", "rejection_reason"):
        if isinstance(escalation, dict) and escalation.get(f"{name}_key"):
            # Why it escalated, or why it was closed, said by the system: in the
            # reader's language.
            said = notes.render(escalation[f"{name}_key"], escalation.get(f"{name}_params") or {})
            escalation = {**escalation, name: said}
    context["escalation"] = escalation
    escalation = context["escalation"]
    if isinstance(escalation, dict) and escalation.get("handoff_notes"):
        # Hand-off texts an automatic escalation wrote: in the reader's language.
        said = {
            name: notes.render(kept.get("key", ""), kept.get("params") or {})
            for name, kept in escalation["handoff_notes"].items()
            if name in escalation and isinstance(kept, dict)
        }
        context["escalation"] = {**escalation, **said}
    extra = context.get("extra")
    if isinstance(extra, dict) and extra.get("metric_code"):
        context["extra"] = {**extra, "metric": _label(SlaClock.Metric, extra["metric_code"])}
    extra = context.get("extra")
    if isinstance(extra, dict) and extra.get("note_key"):
        # A system note quoted in the message: in the reader's language and time zone.
        note = notes.render(extra["note_key"], extra.get("note_params") or {})
        context["extra"] = {**extra, "note": note}
    extra = context.get("extra")
    if isinstance(extra, dict) and extra.get("draft_key"):
        # A hand-over's draft: in the reader's language and time zone.
        draft = notes.render(extra["draft_key"], extra.get("draft_params") or {})
        context["extra"] = {**extra, "draft": draft}
    extra = context.get("extra")
    if isinstance(extra, dict) and extra.get("step") in DECISIONS:
        # An approval decided: "approved" or "rejected", not the escalation's
        # status afterwards ("active").
        context["decision"] = str(DECISIONS[extra["step"]])
    return context


DECISIONS = {"approved": gettext_lazy("approved"), "rejected": gettext_lazy("rejected")}


def note_values(what: str | notes.Note) -> dict[str, Any]:
    """A note as an event's values: ``note`` (the English text of a system note,
    which each message renders again for its reader) and, for a system note,
    ``note_key`` and ``note_params`` (webhooks get them as they are)."""
    fields = notes.event_fields(what)
    return {name: value for name, value in fields.items() if value or name == "note"}
