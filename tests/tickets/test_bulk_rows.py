"""``new_row`` builds what the model's constructor builds, ``loaded_row`` what
``from_db`` builds; ``rows_update`` writes what ``bulk_update`` writes (PostgreSQL:
one array per column)."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from escalations.models import SlaClock
from notifications.models import Channel, Delivery
from tests.factories import create_ticket
from tickets.bulk import new_row, rows_insert, rows_update
from tickets.loaded import loaded_row
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _attributes(instance):
    state = instance._state
    return (
        {name: value for name, value in vars(instance).items() if name != "_state"},
        state.adding,
        state.db,
        dict(state.fields_cache),
    )


def test_a_row_is_built_as_the_constructor_builds_it(agent):
    ticket = create_ticket(agent, impact=2, urgency=2)
    values = {
        "ticket": ticket,
        "actor": None,
        "kind": TicketEvent.Kind.CHANGED,
        "field": "team",
        "old_value": "a",
        "new_value": "b",
        "note_key": "sla.missed",
        "note_params": {"metric": "level"},
    }
    ours, theirs = new_row(TicketEvent, **values), TicketEvent(**values)
    assert _attributes(ours) == _attributes(theirs)
    assert ours.ticket is ticket
    assert ours.ticket_id == ticket.pk
    # Keys given as ids, and defaults that are made afresh for each row.
    event_id = uuid.uuid4()
    by_id = {"key": "k", "event_id": event_id, "kind": "x", "user_id": agent.pk, "address": "a@b"}
    first, second = new_row(Delivery, **by_id), new_row(Delivery, **by_id)
    assert _attributes(first) == _attributes(Delivery(**by_id))
    assert first.context == {}
    assert first.context is not second.context


def test_what_it_cannot_build_goes_to_the_constructor(agent):
    with pytest.raises(TypeError):
        new_row(TicketEvent, no_such_field=1)
    with pytest.raises(ValueError, match="must be a"):
        new_row(TicketEvent, ticket=agent)
    calls = []

    def receiver(sender, instance, **kwargs):
        calls.append(instance)

    signals.post_init.connect(receiver, sender=TicketEvent)
    try:
        event = new_row(TicketEvent, kind=TicketEvent.Kind.CHANGED)
    finally:
        signals.post_init.disconnect(receiver, sender=TicketEvent)
    assert calls == [event]


def test_rows_built_so_are_inserted_and_saved_as_others(agent):
    ticket = create_ticket(agent, impact=2, urgency=2)
    queued = [
        new_row(TicketEvent, ticket=ticket, kind=TicketEvent.Kind.CHANGED, new_value=str(n))
        for n in range(3)
    ]
    rows_insert(TicketEvent, queued)
    saved = new_row(TicketEvent, ticket=ticket, kind=TicketEvent.Kind.CHANGED, new_value="s")
    saved.save(force_insert=True)
    mail = new_row(
        Delivery,
        key=f"{uuid.uuid4()}:email:x",
        event_id=uuid.uuid4(),
        kind="escalation.escalated",
        channel=Channel.EMAIL,
        user=agent,
        address="x@example.com",
        next_attempt_at=timezone.now(),
    )
    rows_insert(Delivery, [mail])
    stored = TicketEvent.objects.filter(ticket=ticket, field="").order_by("pk")
    assert [event.new_value for event in stored] == ["0", "1", "2", "s"]
    assert all(event.pk and event.created_at for event in [*queued, saved])
    assert Delivery.objects.get(pk=mail.pk).user == agent


def test_rows_update_writes_what_bulk_update_writes(agent, policy):
    tickets = [create_ticket(agent, impact=2, urgency=2) for _ in range(3)]
    clocks = list(SlaClock.objects.filter(ticket__in=tickets).order_by("pk"))
    assert len(clocks) >= 3
    later = timezone.now() + timedelta(hours=1)
    for n, clock in enumerate(clocks):
        clock.next_action_at = later + timedelta(minutes=n) if n % 2 else None
        clock.target = timedelta(hours=n + 1)
        clock.cycle = clock.cycle + n
    fields = ["next_action_at", "target", "cycle"]
    with CaptureQueriesContext(connection) as queries:
        assert rows_update(SlaClock, clocks, fields) == len(clocks)
    assert len(queries) == 1
    if connection.vendor == "postgresql":
        assert "UNNEST" in queries[0]["sql"]
    for clock in clocks:
        stored = SlaClock.objects.get(pk=clock.pk)
        assert [getattr(stored, name) for name in fields] == [
            getattr(clock, name) for name in fields
        ]
    for ticket in tickets:
        ticket.title = f"new title of {ticket.pk}"
    assert rows_update(Ticket, tickets, ["title"]) == 3
    assert set(
        Ticket.objects.filter(pk__in=[t.pk for t in tickets]).values_list("title", flat=True)
    ) == {f"new title of {t.pk}" for t in tickets}


def test_a_row_read_is_built_as_from_db_builds_it(agent, policy):
    ticket = create_ticket(agent, impact=2, urgency=2)
    names = ["id", "ticket_id", "metric", "state", "target", "due_at", "calendar_id"]
    for row in SlaClock.objects.filter(ticket=ticket).values_list(*names):
        built = loaded_row(SlaClock, "default", names, row)
        expected = SlaClock.from_db("default", names, list(row))
        assert _attributes(built) == _attributes(expected)
        assert built.get_deferred_fields() == expected.get_deferred_fields()
        assert built.status == expected.status
        assert built.pk == row[0]
        assert built.ticket.pk == ticket.pk


def test_a_row_read_of_a_model_with_init_receivers_goes_through_from_db(agent, policy):
    ticket = create_ticket(agent)
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    signals.post_init.connect(receiver, sender=SlaClock)
    try:
        row = SlaClock.objects.filter(ticket=ticket).values_list("id", "metric")[0]
        built = loaded_row(SlaClock, "default", ["id", "metric"], row)
    finally:
        signals.post_init.disconnect(receiver, sender=SlaClock)
    assert seen == [built]
