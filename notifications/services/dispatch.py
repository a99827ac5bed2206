"""Turning one domain event into inbox messages and outbox deliveries.

``event_emit`` runs inside the transaction that raised the event: the inbox rows
and the outbox rows commit with it or not at all, and the delivery tasks are
enqueued only after the commit. Keys (event, channel, recipient) are unique,
so a listener that runs twice for one event writes nothing new; the recipient
part is a digest, so a key has the same length however long the address.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from escalations.models import Escalation
from notifications import context as ctx
from notifications.models import Channel, Delivery, EventKind, Notification, WebhookEndpoint
from notifications.recipients import Recipient
from notifications.rendering import render_message
from notifications.selectors import preference_choices
from notifications.services import outbox
from notifications.services.backlog import held_for
from tickets.models import Ticket, User

# Told to people only: a switched-off endpoint's event names its URL, often a secret.
NOT_SENT_TO_WEBHOOKS = frozenset({EventKind.WEBHOOK_DISABLED})
# What an endpoint may subscribe to (a test event is sent on request only).
WEBHOOK_EVENTS = [
    (kind, label)
    for kind, label in EventKind.choices
    if kind not in NOT_SENT_TO_WEBHOOKS and kind != EventKind.WEBHOOK_TEST
]


def event_emit(
    *,
    kind: str,
    ticket: Ticket | None = None,
    escalation: Escalation | None = None,
    actor: User | None = None,
    recipients: Iterable[Recipient] = (),
    extra: dict[str, Any] | None = None,
) -> uuid.UUID:
    """Tell ``recipients`` about the event on the channels each chose, and every
    webhook endpoint that subscribes to it (held for one switched off); returns
    the event's id.

    Nobody is told of their own action (the actor is left out) and inactive
    users are never told; a person in the list twice is told once. The inbox
    message is rendered now, in the recipient's language; e-mails are rendered
    when sent. A bare address (no account) gets e-mail only. The events in
    ``NOT_SENT_TO_WEBHOOKS`` never go to webhooks."""
    event_id = uuid.uuid4()
    now = timezone.now()
    values = ctx.event_values(
        kind=kind,
        event_id=str(event_id),
        at=now,
        ticket=ticket,
        escalation=escalation,
        actor=actor,
        extra=extra,
    )
    people = _distinct(recipients, actor)
    choices = preference_choices(
        user_ids=[r.user.pk for r in people if r.user is not None], kind=kind
    )
    sources: dict = {}
    inbox: list[Notification] = []
    deliveries: list[Delivery] = []
    for person in people:
        user = person.user
        if user is not None and choices[(user.pk, Channel.INAPP)]:
            message = render_message(
                kind=kind,
                context=ctx.revive({**values, "recipient": str(user)}),
                language=user.language,
                time_zone=user.time_zone,
                sources=sources,
            )
            inbox.append(
                Notification(
                    recipient=user,
                    event_id=event_id,
                    kind=kind,
                    ticket=ticket,
                    subject=message.subject,
                    body=message.text,
                    url=_local_url(values),
                )
            )
        email = user.email if user is not None else person.email
        wants_email = choices[(user.pk, Channel.EMAIL)] if user is not None else True
        if email and wants_email:
            deliveries.append(
                Delivery(
                    key=f"{event_id}:email:{person.digest}",
                    event_id=event_id,
                    kind=kind,
                    channel=Channel.EMAIL,
                    user=user,
                    address=email,
                    language=(user.language if user else person.language) or "en",
                    time_zone=(user.time_zone if user else person.time_zone) or "UTC",
                    context={**values, "recipient": str(user) if user else person.name},
                    next_attempt_at=now,
                )
            )
    body = json.dumps(values, sort_keys=True, separators=(",", ":"))
    # An endpoint switched off, or still sending what it missed, gets its
    # delivery held: sent in order when its turn comes (services.backlog).
    endpoints = WebhookEndpoint.objects.annotate(backlog=Exists(held_for(OuterRef("pk"))))
    for endpoint in endpoints.none() if kind in NOT_SENT_TO_WEBHOOKS else endpoints:
        if endpoint.subscribes(kind):
            held = not endpoint.is_active or endpoint.backlog
            deliveries.append(
                Delivery(
                    key=f"{event_id}:webhook:{endpoint.pk}",
                    event_id=event_id,
                    kind=kind,
                    channel=Channel.WEBHOOK,
                    endpoint=endpoint,
                    address=endpoint.url,
                    context={"body": body},
                    next_attempt_at=now,
                    status=Delivery.Status.HELD if held else Delivery.Status.PENDING,
                )
            )
    Notification.objects.bulk_create(inbox, ignore_conflicts=True)
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    keys = [d.key for d in deliveries if d.status == Delivery.Status.PENDING]
    if keys:
        transaction.on_commit(lambda: _enqueue_keys(keys), robust=True)
    return event_id


def _distinct(recipients: Iterable[Recipient], actor: User | None) -> list[Recipient]:
    seen: set[str] = set()
    people = []
    for person in recipients:
        if person.user is not None and (not person.user.is_active or person.user == actor):
            continue
        if person.user is None and not person.email:
            continue
        if person.key not in seen:
            seen.add(person.key)
            people.append(person)
    return people


def _local_url(values: dict[str, Any]) -> str:
    site = values["site"].rstrip("/")
    for part in ("escalation", "ticket"):
        if values[part]:
            return values[part]["url"].removeprefix(site)
    return ""


def _enqueue_keys(keys: list[str]) -> None:
    # Ids, not keys, go to the workers; bulk_create with ignore_conflicts gives none back.
    ids = list(Delivery.objects.filter(key__in=keys).values_list("pk", flat=True))
    outbox.deliveries_enqueue(ids=ids)
