"""The escalation facts and their daily rollups give the figures the plain
aggregates over escalations and tickets give: on the hand-computed data set,
and after a run of changes made through the services (kept incrementally by the
event-bus listeners, compared with a rebuild from scratch)."""

import importlib
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from escalations.models import Escalation
from escalations.services import escalate, reviews, routing
from escalations.services.config.policies import sla_policy_save
from escalations.services.recompute import clocks_recompute
from escalations.services.sweep import sla_sweep
from reports.metrics import ReportFilter
from reports.metrics.quality import train_on
from reports.metrics.sla import sla
from reports.metrics.times import (
    _resolution_figures,
    _resolution_sorted,
    _stint_figures,
    _stints_sorted,
)
from reports.metrics.volume import volume
from reports.models import (
    ClockDay,
    ClockFact,
    EscalationDay,
    EscalationFact,
    LevelStint,
    ResolutionDay,
    StintDay,
    StintFact,
)
from reports.services.rollups import rollups_rebuild
from tests.factories import CategoryFactory, OrganizationFactory, create_ticket
from tests.reports.conftest import MARCH, NOW, t
from tickets import services
from tickets.models import Team, User

HANDOFF = {
    "summary": "Core switch flapping",
    "steps_taken": "Rebooted the access switch",
    "impact_assessment": "Warsaw office offline",
    "customer_context": "Acme Retail, VIP",
    "time_constraints": "Payroll at 16:00",
    "assistance_requested": "Check the core switch",
}
KINDS = {"functional": Q(kind="functional"), "hierarchical": Q(kind="hierarchical")}
TRIGGERS = {k: Q(trigger=k) for k in ("manual", "time_limit", "sla_breach", "severity")}
METRICS = ("first_response", "next_update", "resolution")


def plain_volume(f: ReportFilter) -> list[tuple]:
    """Volume the way it was computed before the facts: escalations joined to
    their tickets, bucketed in the viewer's time zone."""
    rows = (
        Escalation.objects.filter(f.period_q("created_at"), f.ticket_q(level_field="to_tier"))
        .annotate(bucket=f.bucket("created_at"))
        .values("bucket")
        .annotate(
            total=Count("pk"),
            **{k: Count("pk", filter=q) for k, q in {**KINDS, **TRIGGERS}.items()},
        )
        .order_by("bucket")
    )
    return [tuple(row.values()) for row in rows]


def report_volume(f: ReportFilter) -> list[tuple]:
    keys = ["bucket", "total", *KINDS, *TRIGGERS]
    # the plain aggregate has no rows for empty buckets; the report lists them empty
    return [tuple(row[k] for k in keys) for row in volume(f).rows if row["total"]]


def plain_sla(f: ReportFilter, now: datetime) -> dict:
    """SLA attainment the way it was computed before the facts: the clocks of the
    tickets opened in the period, joined to the tickets, and their breach alerts."""
    from escalations.clockstates import BREACHED, ENDED, OPEN
    from escalations.models import SlaClock, SlaClockAlert

    clocks = SlaClock.objects.filter(
        f.period_q("ticket__created_at"), f.ticket_q(), metric__in=METRICS
    )
    running = Q(state="running")
    found = {
        row.pop("metric"): row
        for row in clocks.values("metric").annotate(
            clocks=Count("pk"),
            targets=Sum(
                Case(
                    When(state__in=OPEN, then=F("cycle") - 1),
                    default=F("cycle"),
                    output_field=IntegerField(),
                )
            ),
            breached=Count("pk", filter=Q(state__in=BREACHED)),
            at_risk=Count("pk", filter=running & Q(warn_at__lte=now, due_at__gt=now)),
            breached_now=Count(
                "pk", filter=Q(state__in=BREACHED - ENDED) | (running & Q(due_at__lte=now))
            ),
        )
    }
    missed = SlaClockAlert.objects.filter(
        kind="breach", clock__in=clocks.filter(metric="next_update").values("pk")
    ).count()
    return {
        metric: (
            row.get("clocks", 0),
            row.get("targets") or 0,
            missed if metric == "next_update" else row.get("breached", 0),
            row.get("at_risk", 0),
            row.get("breached_now", 0),
        )
        for metric in METRICS
        for row in [found.get(metric, {})]
    }


def report_sla(f: ReportFilter, now: datetime) -> dict:
    keys = ("clocks", "targets", "breaches", "at_risk", "breached_now")
    return {row["metric"]: tuple(row[k] for k in keys) for row in sla(f, now=now).rows}


def plain_train_on(f: ReportFilter) -> set[tuple]:
    """Escalations and distinct tickets per category, level escalated from and
    root cause, grouped from the escalations themselves."""
    rows = (
        Escalation.objects.filter(f.period_q("created_at"), f.ticket_q(level_field="to_tier"))
        .annotate(cause=Coalesce("review__root_cause_category", Value("")))
        .values("ticket__category", "from_tier", "cause")
        .annotate(n=Count("pk"), tickets=Count("ticket", distinct=True))
        .order_by()
    )
    return {(r["ticket__category"], r["from_tier"], r["cause"], r["n"], r["tickets"]) for r in rows}


def report_train_on(f: ReportFilter) -> set[tuple]:
    return {
        (r["category"], r["level"], r["cause"], r["escalations"], r["tickets"])
        for r in train_on(f).rows
    }


def rollup_rows() -> set[tuple]:
    return set(
        EscalationDay.objects.exclude(n=0).values_list(
            "day",
            "team_id",
            "category_id",
            "organization_id",
            "priority",
            "level",
            "kind",
            "trigger",
            "n",
        )
    )


def clock_rows() -> set[tuple]:
    fields = ["day", "team_id", "category_id", "organization_id", "priority", "level", "metric"]
    return set(
        ClockDay.objects.exclude(clocks=0, targets=0, breached=0, missed=0).values_list(
            *fields, "clocks", "targets", "breached", "missed"
        )
    )


def resolution_rows() -> set[tuple]:
    return set(ResolutionDay.objects.exclude(n=0).values_list("day", "team_id", "kind", "bin", "n"))


# A report's own path against the plain one it falls back to: the module's
# chooser (its name, and what it answers to pick the plain path).
PLAIN_PATHS = {
    # From each ticket's first escalation of the period (the facts' neighbours),
    # or grouped by ticket as under a level filter.
    "repeats": ("reports.metrics.repeats", "grouped_by_ticket", lambda f: True),
    # From the stints' flags (on PostgreSQL), or distinct tickets as under a
    # team or level filter.
    "funnel": ("reports.metrics.volume", "by_first_stints", lambda f: False),
    # One scan with grouping sets (on PostgreSQL), or a query per grouping.
    "approvals": ("reports.metrics.approvals", "grouping_sets_supported", lambda: False),
}


def figures(name: str, f: ReportFilter, *, plain: bool = False) -> tuple:
    """The rows and summary of report ``name``, by its own path or the plain one."""
    module_name, chooser, answer = PLAIN_PATHS[name]
    module = importlib.import_module(module_name)
    with pytest.MonkeyPatch.context() as patch:
        if plain:
            patch.setattr(module, chooser, answer)
        report = getattr(module, name)(f)
    return report.rows, report.summary


def stint_flags() -> set[tuple]:
    return set(
        LevelStint.objects.values_list("pk", "first_of_ticket", "first_at_level", "first_bounce")
    )


def stint_rows() -> set[tuple]:
    fields = ("day", "team_id", "level", "kind", "bin", "n")
    return set(StintDay.objects.exclude(n=0).values_list(*fields))


def fact_rows() -> set[tuple]:
    return {
        row
        for model in (EscalationFact, ClockFact, StintFact)
        for row in model.objects.values_list(*[f.attname for f in model._meta.fields])
    }


def test_rollups_give_the_plain_aggregates_on_the_data_set(dataset):
    tk = dataset["tickets"]
    l3 = dataset["teams"]["L3"].pk
    filters = [
        {},
        {"group": "day"},
        {"group": "month"},
        {"priority": "P1"},
        {"teams": (l3,)},
        {"team": l3},
        {"level": "L3"},
        {"organization": tk[2].organization_id},
        {"category": tk[0].category_id},
        {"time_zone": "Asia/Tokyo"},
        {"region": "eu"},
    ]
    periods = [
        MARCH,
        (t(10, 9), t(20, 11)),  # partial days at both ends: the facts fill them in
        (t(10, 8), t(10, 12)),  # no whole day: facts only
        (datetime(2026, 2, 1, tzinfo=UTC), t(16, 0)),
    ]
    for start, end in periods:
        for extra in filters:
            f = ReportFilter(start=start, end=end, **extra)
            assert report_volume(f) == plain_volume(f), (start, end, extra)
            assert report_sla(f, NOW) == plain_sla(f, NOW), (start, end, extra)
            for name in PLAIN_PATHS:
                assert figures(name, f) == figures(name, f, plain=True), (name, start, end, extra)
            assert report_train_on(f) == plain_train_on(f), (start, end, extra)
            # Time at level from the stint histograms where they answer.
            assert _stint_figures(f) == _stints_sorted(f), (start, end, extra)
    # The rollup's rows are the escalations per UTC day and filter columns.
    by_day = (
        Escalation.objects.values("created_at__date", "ticket__priority", "to_tier")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert {
        (r["created_at__date"], r["ticket__priority"], r["to_tier"], r["n"]) for r in by_day
    } == {
        (r["day"], r["priority"], r["level"], r["n"])
        for r in EscalationDay.objects.values("day", "priority", "level").annotate(n=Sum("n"))
    }


@pytest.fixture
def clock(monkeypatch):
    state = {"now": datetime(2026, 3, 2, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: state["now"])
    return state


def test_kept_incrementally_as_a_rebuild_would_build_them(network_path, policy, clock):
    agent1, manager = User.objects.get(username="agent1"), User.objects.get(username="manager")
    acme, vpn = OrganizationFactory(name="Acme"), CategoryFactory(name="VPN")
    made = [
        create_ticket(agent1, impact=3, urgency=3, organization=acme, category=vpn)
        for _ in range(4)
    ]
    # The sweep escalates all four at the L1 time limit, as one batch.
    clock["now"] += timedelta(minutes=31)
    assert sla_sweep(now=clock["now"]).breaches >= 4
    assert EscalationFact.objects.count() == 4
    # Manual escalations into L3 wait for approval (P3): one approved, one rejected.
    clock["now"] += timedelta(hours=2)
    agent2 = User.objects.get(username="agent2")
    first = escalate.escalation_request(ticket=made[0], actor=agent2, to_tier="L3", **HANDOFF)
    second = escalate.escalation_request(ticket=made[1], actor=agent2, to_tier="L3", **HANDOFF)
    assert first.status == second.status == Escalation.Status.REQUESTED
    escalate.escalation_approve(escalation=first, actor=manager)
    escalate.escalation_reject(escalation=second, actor=manager, reason="L2 can do it.")
    # The ticket moves: another category, organization and team; a new priority.
    beta, email = OrganizationFactory(name="Beta"), CategoryFactory(name="E-mail")
    services.ticket_update(
        ticket=made[2], actor=manager, data={"category": email, "organization": beta}
    )
    services.ticket_update(ticket=made[3], actor=manager, data={"impact": 1, "urgency": 1})
    services.ticket_route(
        ticket=made[1],
        actor=manager,
        team=Team.objects.get(name="Service Desk"),
        level="L1",
        note="Back to L1.",
    )
    # Back at L1, it is escalated from L1 again: a second escalation of the ticket
    # from the same level with the same (no) root cause.
    route = routing.route_of(made[1])
    routing.enter_level(
        ticket=made[1],
        path=route.path,
        level=routing.levels_of(route.path)[0],
        actor=manager,
        now=clock["now"],
        note="Back to L1.",
    )
    clock["now"] += timedelta(minutes=1)
    between = clock["now"]
    clock["now"] += timedelta(minutes=1)
    escalate.escalation_request(ticket=made[1], actor=agent1, to_tier="L2", **HANDOFF)
    again = EscalationFact.objects.filter(ticket=made[1], from_tier="L1").order_by("created_at")
    assert [row.previous_same_at for row in again] == [None, again[0].created_at]
    # A review names the root cause that "what to train on" groups by.
    functional = Escalation.objects.get(ticket=made[2])
    reviews.review_submit(
        escalation=functional,
        actor=manager,
        data={
            "root_cause": "A bad route",
            "root_cause_category": "network",
            "effectiveness": 4,
            "handoff_quality": 4,
            "customer_satisfaction": 5,
        },
    )
    assert EscalationFact.objects.get(pk=functional.pk).root_cause == "network"
    assert EscalationFact.objects.filter(ticket=made[2], category=email).count() == 1

    # Clocks move: a public reply, pending and back, a resolution, and the
    # breaches the sweep records later.
    services.comment_add(ticket=made[0], actor=agent1, body="On it.", is_public=True)
    services.comment_add(ticket=made[3], actor=agent1, body="Internal.", is_public=False)
    clock["now"] += timedelta(minutes=5)
    services.ticket_transition(ticket=made[1], actor=agent1, status="pending")
    clock["now"] += timedelta(minutes=5)
    services.ticket_transition(ticket=made[1], actor=agent1, status="open")
    services.ticket_transition(ticket=made[2], actor=manager, status="resolved")
    clock["now"] += timedelta(hours=10)
    assert sla_sweep(now=clock["now"]).breaches > 0
    assert ClockFact.objects.filter(state__startswith="breached").exists()
    assert ClockFact.objects.filter(state="met").exists()

    incremental_days, incremental_facts = rollup_rows(), fact_rows()
    incremental_clocks, incremental_resolutions = clock_rows(), resolution_rows()
    incremental_stints, incremental_flags = stint_rows(), stint_flags()
    assert sum(row[-1] for row in incremental_days) == Escalation.objects.count()
    if connection.vendor == "postgresql":  # the histograms are kept there only
        assert {row[2] for row in incremental_resolutions} == {"n", "business", "wall"}
        # Stints ended by the sweep's batch, a route, a resolution.
        assert {row[3] for row in incremental_stints} == {
            *("n", "escalated", "de_escalated", "resolved", "business", "wall")
        }
        assert StintFact.objects.count() == LevelStint.objects.filter(left_at__isnull=False).count()
    rebuilt = list(rollups_rebuild(batch_size=2, from_scratch=True))
    assert len(rebuilt) == 2  # four tickets, two a transaction
    assert rollup_rows() == incremental_days
    assert clock_rows() == incremental_clocks
    assert resolution_rows() == incremental_resolutions
    assert stint_rows() == incremental_stints
    assert stint_flags() == incremental_flags
    assert fact_rows() == incremental_facts
    day = ReportFilter(start=clock["now"] - timedelta(days=1), end=clock["now"] + timedelta(days=1))
    for extra in ({}, {"category": email.pk}, {"priority": made[3].priority}, {"level": "L3"}):
        f = ReportFilter(start=day.start, end=day.end, **extra)
        assert report_volume(f) == plain_volume(f), extra
        assert report_sla(f, clock["now"]) == plain_sla(f, clock["now"]), extra
        for name in PLAIN_PATHS:
            assert figures(name, f) == figures(name, f, plain=True), (name, extra)
        assert report_train_on(f) == plain_train_on(f), extra
    # A period starting between the ticket's two escalations from L1.
    after = ReportFilter(start=between, end=day.end)
    assert report_train_on(after) == plain_train_on(after)
    assert report_train_on(day) != report_train_on(after)
    whole = ReportFilter(
        start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 8, tzinfo=UTC)
    )
    assert report_volume(whole) == plain_volume(whole)
    assert report_sla(whole, clock["now"]) == plain_sla(whole, clock["now"])
    assert volume(whole).summary["total"] == Escalation.objects.count()
    for f in (day, whole, ReportFilter(start=day.start, end=day.end, group="day")):
        assert _resolution_figures(f) == _resolution_sorted(f)
        assert _stint_figures(f) == _stints_sorted(f)


def test_the_rebuild_command_is_resumable_and_changes_nothing_twice(dataset, capsys):
    before = rollup_rows()
    EscalationDay.objects.all().delete()
    EscalationFact.objects.all().delete()
    last = dataset["tickets"][-1].pk
    call_command("rebuild_rollups", "--batch-size", "2", "--after-id", str(last - 1))
    call_command("rebuild_rollups", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "tickets/s" in out
    assert "Done:" in out
    assert rollup_rows() == before
    call_command("rebuild_rollups", "--quiet-progress")
    assert "Done: 0 rollup rows changed" in capsys.readouterr().out
    assert rollup_rows() == before


def test_a_policy_edit_that_drops_a_target_moves_the_clock_facts(network_path, policy, clock):
    """Re-targeting after a policy edit runs in the background and publishes no
    ticket event: the clock facts follow it all the same (met, not running)."""
    agent1 = User.objects.get(username="agent1")
    tickets = [create_ticket(agent1, impact=3, urgency=3) for _ in range(3)]
    for ticket in tickets:  # the first public reply starts the next-update cycle
        services.comment_add(ticket=ticket, actor=agent1, body="On it.", is_public=True)
    running = Q(metric="next_update", state="running")
    assert ClockFact.objects.filter(running).count() == len(tickets)
    clock["now"] += timedelta(minutes=10)
    sla_policy_save(policy=policy, data={"next_update_minutes": None})
    assert clocks_recompute(policy_id=policy.pk, batch_size=2) == len(tickets)
    assert not ClockFact.objects.filter(running).exists()
    assert ClockFact.objects.filter(metric="next_update", state="met").count() == len(tickets)
    kept, facts = clock_rows(), fact_rows()
    list(rollups_rebuild(from_scratch=True))
    assert (clock_rows(), fact_rows()) == (kept, facts)
