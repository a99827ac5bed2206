"""``rows_insert`` writes what ``bulk_create`` writes (PostgreSQL: its own UNNEST
insert; elsewhere ``bulk_create`` itself)."""

import uuid

import pytest
from django.db.models import Value
from django.forms.models import model_to_dict
from django.utils import timezone

from notifications.models import Channel, Delivery
from tests.factories import create_ticket
from tickets.bulk import rows_insert
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

WRITTEN = ("ticket", "actor", "kind", "field", "old_value", "new_value", "note")


def _events(ticket, actor, tag):
    return [
        TicketEvent(
            ticket=ticket, actor=actor, kind="changed", field="status", old_value="", new_value=tag
        ),
        TicketEvent(
            ticket=ticket,
            actor=None,
            kind="changed",
            field="sla:level",
            note='He said "no" \\ twice, {braces}, NULL',
            note_key="sla.missed",
            note_params={"metric": "level", "quote": 'a "b" \\ c', "n": [1, None]},
            note_public=True,
        ),
    ]


def _stored(event):
    row = TicketEvent.objects.get(pk=event.pk)
    return {
        **model_to_dict(row, fields=WRITTEN),
        "note_key": row.note_key,
        "note_params": row.note_params,
        "note_public": row.note_public,
    }


def test_rows_are_written_and_given_their_keys_as_bulk_create_does(agent):
    ticket = create_ticket(agent, impact=2, urgency=2)
    ours, django = _events(ticket, agent, "ours"), _events(ticket, agent, "django")
    rows_insert(TicketEvent, ours)
    TicketEvent.objects.bulk_create(django)
    for mine, theirs in zip(ours, django, strict=True):
        assert mine.pk is not None
        assert mine.pk != theirs.pk
        assert mine._state.adding is False
        assert mine._state.db == theirs._state.db
        assert mine.created_at is not None
        stored, expected = _stored(mine), _stored(theirs)
        assert stored.pop("new_value") == ("ours" if mine.field == "status" else "")
        expected.pop("new_value")
        assert stored == expected
        assert (mine.note_key, mine.note_params) == (theirs.note_key, theirs.note_params)


def test_a_row_holding_an_expression_is_written_by_bulk_create(agent):
    ticket = create_ticket(agent, impact=2, urgency=2)
    event = TicketEvent(ticket=ticket, kind="changed", field="status", new_value=Value("open"))
    rows_insert(TicketEvent, [event])
    assert TicketEvent.objects.get(pk=event.pk).new_value == "open"


def test_conflicting_rows_are_left_out_when_asked(agent):
    event_id = uuid.uuid4()

    def delivery(address):
        return Delivery(
            key=f"{event_id}:email:x",
            event_id=event_id,
            kind="escalation.escalated",
            channel=Channel.EMAIL,
            user=agent,
            address=address,
            context={"title": 'a "quoted" title', "values": [1, 2]},
            next_attempt_at=timezone.now(),
        )

    rows_insert(Delivery, [delivery("first@example.com")], ignore_conflicts=True)
    rows_insert(Delivery, [delivery("second@example.com")], ignore_conflicts=True)
    (row,) = Delivery.objects.filter(event_id=event_id)
    assert row.address == "first@example.com"
    assert row.context == {"title": 'a "quoted" title', "values": [1, 2]}
    assert row.user == agent
