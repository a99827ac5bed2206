"""A breach the sweep records moves one clock (its state and missed count): the
reports follow it by refreshing the facts of the clocks breached only, and end
where a rebuild would."""

from datetime import UTC, datetime, timedelta

from escalations.models import SlaClock
from escalations.services.sweep import sla_sweep
from reports.models import ClockDay, ClockFact
from reports.services import rollups
from tests.factories import UserFactory, create_ticket


def facts_and_rollups() -> tuple[set, set]:
    facts = set(ClockFact.objects.values_list(*[f.attname for f in ClockFact._meta.fields]))
    key = ("day", "team_id", "priority", "level", "metric")
    counted = ClockDay.objects.exclude(clocks=0, targets=0, breached=0, missed=0)
    days = set(counted.values_list(*key, "clocks", "targets", "breached", "missed"))
    return facts, days


def test_a_breach_refreshes_the_breached_clocks_facts_only_as_a_rebuild_would(policy, monkeypatch):
    now = {"at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: now["at"])
    agent = UserFactory(username="agent")
    made = [create_ticket(agent, impact=3, urgency=3) for _ in range(3)]
    assert ClockFact.objects.filter(ticket__in=made).count() > len(made)  # other clocks too
    refreshed = []
    real = rollups.refresh

    def spy(spec, where, params, *, rows=False):
        refreshed.append((spec.fact_table(), rows, sorted(params)))
        return real(spec, where, params, rows=rows)

    monkeypatch.setattr(rollups, "refresh", spy)
    now["at"] += timedelta(minutes=61)  # past the 60-minute first response

    assert sla_sweep(now=now["at"]).breaches == len(made)

    first = SlaClock.objects.filter(ticket__in=made, metric="first_response")
    assert refreshed == [(ClockFact._meta.db_table, True, sorted(c.pk for c in first))]
    breached = ClockFact.objects.filter(clock__in=first)
    assert {(f.state, f.missed) for f in breached} == {("breached_running", 1)}
    incremental = facts_and_rollups()
    monkeypatch.setattr(rollups, "refresh", real)
    list(rollups.rollups_rebuild(from_scratch=True))
    assert facts_and_rollups() == incremental
