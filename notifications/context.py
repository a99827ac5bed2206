"""What a message may say about an event: plain, JSON-safe values only.

Templates are edited by admins, so they never see model instances; the same
values become the body of webhook deliveries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime

from escalations.models import Escalation
from tickets import batch, notes
from tickets.models import Ticket, User


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Stands for the key in a path reversed once per batch job (never a real key).
_ANY_KEY = 9_876_543_210_123


def _detail_url(name: str, pk: int) -> str:
    """The page of the object ``pk`` (``reverse(name, args=[pk])``, whose pattern
    takes the key alone as ``<int:pk>``); a batch job (the sweep) reverses each
    name once, for every ticket and escalation it tells about."""
    if batch.current() is None or type(pk) is not int:
        return _url(reverse(name, args=[pk]))
    where = (get_urlconf(), get_script_prefix(), translation.get_language())
    head, tail = batch.memo(("detail-url", name, where), lambda: _split_at_key(name))
    return f"{head}{pk}{tail}"


def _split_at_key(name: str) -> tuple[str, str]:
    head, key, tail = _url(reverse(name, args=[_ANY_KEY])).rpartition(str(_ANY_KEY))
    if not key:  # not a plain key in the path: never split
        raise ValueError(f"{name} does not take a plain key")
    return head, tail


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticket_values(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "title": ticket.title,
        "priority": ticket.priority,
        "status": ticket.status,
        "level": ticket.level,
        "team": str(ticket.team) if ticket.team_id else "",
        "assignee": str(ticket.assignee) if ticket.assignee_id else "",
        "organization": str(ticket.organization) if ticket.organization_id else "",
        "category": ticket.category.name if ticket.category_id else "",
        "requester": ticket.requester_name,
        "created_at": _when(ticket.created_at),
        "url": _detail_url("tickets:detail", ticket.pk),
    }


def escalation_values(escalation: Escalation) -> dict[str, Any]:
    return {
        "id": escalation.pk,
        "kind": escalation.kind,
        "trigger": escalation.trigger,
        "status": escalation.status,
        "from_tier": escalation.from_tier,
        "to_tier": escalation.to_tier,
        "team": str(escalation.to_team) if escalation.to_team_id else "",
        "manager": str(escalation.manager) if escalation.manager_id else "",
        # The English text; each message renders a system reason for its reader
        # (``localize``), webhooks get its key and values too.
        "reason": escalation.reason,
        "reason_key": escalation.reason_key,
        "reason_params": escalation.reason_params or {},
        "summary": escalation.summary,
        "assistance_requested": escalation.assistance_requested,
        "handoff_notes": escalation.handoff_notes or {},
        "rejection_reason": escalation.rejection_reason,
        "rejection_reason_key": escalation.rejection_reason_key,
        "rejection_reason_params": escalation.rejection_reason_params or {},
        "monitoring_until": _when(escalation.monitoring_until),
        "url": _detail_url("escalations:detail", escalation.pk),
    }


def event_values(
    *,
    kind: str,
    event_id: str,
    at: datetime,
    ticket: Ticket | None,
    escalation: Escalation | None,
    actor: User | None,
    extra: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "id": event_id,
        "event": kind,
        "timestamp": at.isoformat(),
        "ticket": ticket_values(ticket) if ticket is not None else None,
        "escalation": escalation_values(escalation) if escalation is not None else None,
        "actor": str(actor) if actor is not None else "",
        "extra": {k: _when(v) if isinstance(v, datetime) else v for k, v in (extra or {}).items()},
        "site": settings.SITE_URL,
        "for_agent": True,
    }


INTERNAL_TICKET_KEYS = ("level", "team", "assignee")


def requester_values(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` as a requester may read them: no level, team or assignee of the
    ticket and no escalation (how the ticket is routed inside stays inside)."""
    seen = {**values, "for_agent": False, "escalation": None}
    if values.get("ticket"):
        seen["ticket"] = {**values["ticket"], **dict.fromkeys(INTERNAL_TICKET_KEYS, "")}
    return seen


def revive(values: Any, key: str = "") -> Any:
    """Turn the ISO strings of ``*_at`` / ``*_until`` / ``timestamp`` keys back into
    datetimes, so templates can format them with ``|date`` in the reader's zone."""
    if isinstance(values, dict):
        return {k: revive(v, k) for k, v in values.items()}
    if isinstance(values, list):
        return [revive(v) for v in values]
    if isinstance(values, str) and (key.endswith(("_at", "_until")) or key == "timestamp"):
        return parse_datetime(values) or values
    return values


def example_values(kind: str = "") -> dict[str, Any]:
    """The values of an event of ``kind`` about an example ticket and escalation,
    as templates see them: what a template is tried on when an admin saves it."""
    from django.utils import timezone

    now = timezone.now()
    ticket = Ticket(
        pk=123,
        title="Checkout fails for every shopper",
        priority="P1",
        status="open",
        level="L2",
        requester_name="Rita Requester",
        requester_email="rita@example.com",
        created_at=now,
    )
    escalation = Escalation(
        pk=45,
        ticket=ticket,
        from_tier="L1",
        to_tier="L2",
        **notes.text_fields(notes.note("escalation.level_time", level="L1"), "reason"),
        summary="Payment page answers 502",
        assistance_requested="Check the payment gateway",
        monitoring_until=now,
    )
    values = event_values(
        kind=kind,
        event_id="00000000-0000-0000-0000-000000000000",
        at=now,
        ticket=ticket,
        escalation=escalation,
        actor=None,
        extra={"metric": "resolution", "note": "Example", "due_at": now, "step": "approved"},
    )
    return revive({**values, "recipient": "Rita Requester"})
