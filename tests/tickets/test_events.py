"""The event bus: declared events, listeners in phase order, state handed on."""

import pytest

from tickets import events
from tickets.events import Phase


@pytest.fixture
def probe(monkeypatch):
    """An empty registry for the test's own listeners; the apps' come back after."""
    monkeypatch.setattr(events, "_listeners", {name: [] for name in events.EVENTS})

    def add(event, listener, phase):
        events.subscribe(event, listener, phase=phase)

    return add


def test_listeners_run_by_phase_whatever_the_order_they_subscribed(probe):
    calls = []
    probe(events.SLA_WARNING, lambda **kw: calls.append("notify"), Phase.NOTIFY)
    probe(events.SLA_WARNING, lambda **kw: calls.append("clocks"), Phase.CLOCKS)
    probe(events.SLA_WARNING, lambda **kw: calls.append("facts"), Phase.FACTS)
    probe(events.SLA_WARNING, lambda **kw: calls.append("routing"), Phase.ROUTING)
    events.publish(events.SLA_WARNING, clock=object(), now=None)
    assert calls == ["clocks", "routing", "notify", "facts"]


def test_every_registered_listener_is_in_phase_order():
    for name in events.EVENTS:
        phases = [phase for phase, _listener in events.listeners(name)]
        assert phases == sorted(phases), name


def test_a_later_listener_sees_what_an_earlier_one_handed_on(probe):
    seen = []
    probe(events.SLA_WARNING, lambda **kw: {"clock": "moved"}, Phase.CLOCKS)
    probe(events.SLA_WARNING, lambda *, clock, now: seen.append(clock), Phase.FACTS)
    final = events.publish(events.SLA_WARNING, clock="original", now=None)
    assert seen == ["moved"]
    assert final["clock"] == "moved"


def test_a_publication_with_other_keys_than_declared_is_refused(probe):
    with pytest.raises(TypeError, match=r"sla\.breach takes"):
        events.publish(events.SLA_BREACH, clock=None)


def test_an_unknown_event_cannot_be_subscribed(probe):
    with pytest.raises(ValueError, match="Unknown event"):
        events.subscribe("ticket.exploded", print, phase=Phase.NOTIFY)


def test_subscribing_twice_calls_once(probe):
    calls = []

    def listener(**kw):
        calls.append(1)

    probe(events.SLA_WARNING, listener, Phase.FACTS)
    events.subscribe(events.SLA_WARNING, listener, phase=Phase.FACTS)
    events.publish(events.SLA_WARNING, clock=None, now=None)
    assert calls == [1]


def test_a_listener_may_not_hand_on_keys_the_event_does_not_carry(probe):
    probe(events.SLA_WARNING, lambda **kw: {"ticket": 1}, Phase.FACTS)
    with pytest.raises(TypeError, match="returned"):
        events.publish(events.SLA_WARNING, clock=None, now=None)
