"""A sweep that runs out of time with clocks still due goes on at once (a follow-up
task, at most one waiting), and each batch claims what is due when it begins."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache

from escalations import tasks
from escalations.models import SlaClock, SlaClockAlert
from escalations.services import sweep
from escalations.services.sweep import SweepResult, sla_sweep
from tests.factories import create_ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def queued(monkeypatch):
    """The follow-ups the task hands to the broker."""
    cache.delete(tasks.follow_up_key())
    sent = []
    monkeypatch.setattr(tasks.sweep_sla_clocks, "apply_async", lambda **kw: sent.append(kw))
    yield sent
    cache.delete(tasks.follow_up_key())


def due_clocks(agent, count):
    for n in range(count):
        create_ticket(agent, title=f"t{n}")
    return SlaClock.objects.filter(next_action_at__isnull=False).count()


def test_a_sweep_out_of_time_with_clocks_due_says_there_is_more(agent, policy, frozen, monkeypatch):
    due = due_clocks(agent, 3)
    ticks = iter([0.0, 0.0])  # the deadline is set, the first batch begins; then it has passed
    monkeypatch.setattr(sweep, "monotonic", lambda: next(ticks, 100.0))
    result = sla_sweep(now=T0 + timedelta(days=1), batch_size=2, time_budget=1)
    assert (result.clocks, result.batches, result.more) == (2, 1, True)

    monkeypatch.setattr(sweep, "monotonic", lambda: 0.0)
    rest = sla_sweep(now=T0 + timedelta(days=1), batch_size=2, time_budget=1)
    assert (rest.clocks, rest.more) == (due - 2, False)
    assert SlaClockAlert.objects.filter(kind="breach").count() == due


def test_a_sweep_that_drains_everything_asks_for_nothing_more(agent, policy, frozen):
    due = due_clocks(agent, 3)
    result = sla_sweep(now=T0 + timedelta(days=1), batch_size=2, time_budget=60)
    assert (result.clocks, result.more) == (due, False)
    assert sla_sweep(now=T0 + timedelta(days=1), time_budget=60).more is False


def test_each_batch_claims_what_is_due_when_it_begins(agent, policy, frozen, monkeypatch):
    due = due_clocks(agent, 3)
    late = [T0 + timedelta(days=1)]

    def now():  # a second passes at every reading of the time
        late[0] += timedelta(seconds=1)
        return late[0]

    claimed = []
    real_claim = sweep._claim

    def claim(at, batch_size):
        clocks = real_claim(at, batch_size)
        claimed.append((at, {c.pk for c in clocks}))
        return clocks

    monkeypatch.setattr("django.utils.timezone.now", now)
    monkeypatch.setattr(sweep, "_claim", claim)
    result = sla_sweep(batch_size=2)
    assert result.breaches == due
    moments = [at for at, _pks in claimed]
    assert moments == sorted(set(moments)), "one moment per batch, later each time"
    for at, pks in claimed:
        # Each breach is stamped with the moment its batch began, not the sweep's start.
        stamps = set(SlaClock.objects.filter(pk__in=pks).values_list("breached_at", flat=True))
        assert stamps <= {at}


def test_a_task_out_of_time_queues_one_follow_up_at_a_time(queued, monkeypatch):
    results = iter([SweepResult(clocks=100, more=True)] * 3 + [SweepResult(clocks=5)])
    monkeypatch.setattr(tasks, "sla_sweep", lambda **kw: next(results))
    tasks.sweep_sla_clocks()
    tasks.sweep_sla_clocks()  # beat's run while the follow-up waits: no second one
    assert queued == [{"kwargs": {"follow_up": True}}]
    tasks.sweep_sla_clocks(follow_up=True)  # the follow-up runs, still out of time
    assert len(queued) == 2
    tasks.sweep_sla_clocks(follow_up=True)  # the last one drains what was due
    assert len(queued) == 2


def test_a_broker_refusing_the_follow_up_fails_nothing(monkeypatch, caplog):
    cache.delete(tasks.follow_up_key())

    def refuse(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.sweep_sla_clocks, "apply_async", refuse)
    monkeypatch.setattr(tasks, "sla_sweep", lambda **kw: SweepResult(clocks=100, more=True))
    assert tasks.sweep_sla_clocks()["clocks"] == 100
    assert "follow-up was not queued" in caplog.text
    cache.delete(tasks.follow_up_key())
