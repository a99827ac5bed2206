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
from notifications.rendering import Message, personal_to, render_message
from notifications.selectors import preference_choices
from notifications.services import outbox
from notifications.services.backlog import held_for
from tickets import batch
from tickets.bulk import new_row, rows_insert
from tickets.holders import ERASED_DOMAIN
from tickets.models import Ticket, User
from tickets.selectors import agent_filter

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
    tell_actor: bool = False,
) -> uuid.UUID:
    """Tell ``recipients`` about the event on the channels each chose, and every
    webhook endpoint that subscribes to it (held for one switched off); returns
    the event's id.

    Nobody is told of their own action (the actor is left out, unless
    ``tell_actor``: a receipt, as for a requester's own new ticket) and inactive
    users are never told; a person in the list twice is told once. The inbox
    message is rendered now, in the recipient's language; e-mails are rendered
    when sent. A bare address (no account) gets e-mail only. The events in
    ``NOT_SENT_TO_WEBHOOKS`` never go to webhooks; an endpoint switched off gets
    its rows held until it is switched on."""
    event_id = uuid.uuid4()
    now = timezone.now()
    people = _distinct(recipients, None if tell_actor else actor)
    # A batch job (the sweep) reads endpoints, choices and templates once per batch.
    # Every subscribed endpoint gets a row, switched on or off (held while off).
    endpoints = batch.memo("webhook-endpoints", _endpoints)
    if kind in NOT_SENT_TO_WEBHOOKS:
        endpoints = []
    endpoints = [endpoint for endpoint in endpoints if endpoint.subscribes(kind)]
    if not people and not endpoints:
        return event_id  # nobody to tell: nothing to render or write
    values = ctx.event_values(
        kind=kind,
        event_id=str(event_id),
        at=now,
        ticket=ticket,
        escalation=escalation,
        actor=actor,
        extra=extra,
    )
    user_ids = tuple(r.user.pk for r in people if r.user is not None)
    choices = batch.memo(
        ("preferences", kind, user_ids),
        lambda: preference_choices(user_ids=user_ids, kind=kind),
    )
    sources: dict = batch.memo("message-sources", dict)
    rendered: dict = {}  # this event's inbox messages, by what makes them differ
    inbox: list[Notification] = []
    deliveries: list[Delivery] = []
    agent_ids = _agent_ids(people)
    outside = ctx.requester_values(values)
    for person in people:
        user = person.user
        # Requesters (and bare addresses) never read the routing: level, team, assignee.
        seen = values if user is not None and user.pk in agent_ids else outside
        if user is not None and choices[(user.pk, Channel.INAPP)]:
            message = _inbox_message(kind, seen, user, sources, rendered)
            inbox.append(
                new_row(
                    Notification,
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
        # An erased requester's pseudonym is no address: nothing is sent to it.
        if email and wants_email and not email.endswith(ERASED_DOMAIN):
            deliveries.append(
                new_row(
                    Delivery,
                    key=f"{event_id}:email:{person.digest}",
                    event_id=event_id,
                    kind=kind,
                    channel=Channel.EMAIL,
                    user=user,
                    address=email,
                    language=(user.language if user else person.language) or "en",
                    time_zone=(user.time_zone if user else person.time_zone) or "UTC",
                    context={**seen, "recipient": str(user) if user else person.name},
                    next_attempt_at=now,
                )
            )
    # Encoded once for every endpoint, and not at all when none subscribes.
    body = json.dumps(values, sort_keys=True, separators=(",", ":")) if endpoints else ""
    for endpoint in endpoints:
        deliveries.append(
            new_row(
                Delivery,
                key=f"{event_id}:webhook:{endpoint.pk}",
                event_id=event_id,
                kind=kind,
                channel=Channel.WEBHOOK,
                endpoint=endpoint,
                address=endpoint.url,
                context={"body": body},
                next_attempt_at=now,
                # An endpoint switched off, or still sending what it missed, gets
                # its delivery held: sent in order when its turn comes (backlog).
                status=Delivery.Status.HELD if endpoint.held else Delivery.Status.PENDING,
            )
        )
    _write(inbox, deliveries)
    return event_id


def _inbox_message(kind: str, seen: dict, user: User, sources: dict, rendered: dict) -> Message:
    """The inbox message (subject and text) for ``user``: rendered once per
    language, time zone and view of the event (agents', requesters'), unless the
    template names its recipient."""
    language = user.language or "en"
    personal = str(user) if personal_to(kind, language, sources) else ""
    key = (id(seen), language, user.time_zone, personal)
    if key not in rendered:
        rendered[key] = render_message(
            kind=kind,
            context=ctx.revive({**seen, "recipient": str(user)}),
            language=language,
            time_zone=user.time_zone,
            sources=sources,
            html=False,
        )
    return rendered[key]


def _endpoints() -> list[WebhookEndpoint]:
    """Every endpoint, marked ``held`` when what it is sent must wait: it is
    switched off, or still sending the backlog it missed."""
    endpoints = list(WebhookEndpoint.objects.annotate(backlog=Exists(held_for(OuterRef("pk")))))
    for endpoint in endpoints:
        endpoint.held = not endpoint.is_active or endpoint.backlog
    return endpoints


def _write(inbox: list[Notification], deliveries: list[Delivery]) -> None:
    """Insert the rows now, or with the rest of a batch job's when it is flushed;
    the deliveries are handed to the workers after the commit."""
    pending = batch.memo("outbox-rows", lambda: ([], []))
    pending[0].extend(inbox)
    pending[1].extend(deliveries)
    if batch.on_flush("outbox-rows", lambda: _flush(pending)):
        return
    _flush(pending)


def _flush(pending: tuple[list[Notification], list[Delivery]]) -> None:
    inbox, deliveries = pending
    rows_insert(Notification, inbox, ignore_conflicts=True)
    rows_insert(Delivery, deliveries, ignore_conflicts=True)
    keys = [d.key for d in deliveries if d.status == Delivery.Status.PENDING]
    if keys:
        # A batch job's chunk (the sweep) goes to the broker as one message.
        together = batch.current() is not None
        transaction.on_commit(lambda: _enqueue_keys(keys, together=together), robust=True)
    inbox.clear()
    deliveries.clear()


def _agent_ids(people: list[Recipient]) -> set[int]:
    """The agents among the people told, in one query (none when all are addresses)."""
    ids = tuple(sorted({person.user.pk for person in people if person.user is not None}))
    if not ids:
        return set()
    return batch.memo(  # a batch job (the sweep) tells the same teams again and again
        ("agent-ids", ids),
        lambda: set(User.objects.filter(agent_filter(), pk__in=ids).values_list("pk", flat=True)),
    )


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


def _enqueue_keys(keys: list[str], *, together: bool = False) -> None:
    # Ids, not keys, go to the workers; bulk_create with ignore_conflicts gives none back.
    ids = list(Delivery.objects.filter(key__in=keys).order_by("pk").values_list("pk", flat=True))
    if together:
        outbox.deliveries_enqueue_together(ids=ids)
    else:
        outbox.deliveries_enqueue(ids=ids)
