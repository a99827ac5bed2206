"""A small fixed data set for the reports, with every figure computed by hand
in the tests: paused time, a reopened ticket, a bounce-back, escalations near
midnight (time zones), and a policy edited after the fact."""

from datetime import UTC, datetime, timedelta

import pytest

from escalations.models import (
    Escalation,
    EscalationReview,
    SlaClock,
    SlaClockAlert,
    SlaPolicy,
)
from reports.metrics import ReportFilter
from reports.models import LevelStint, SurveyResponse
from reports.services.rollups import rollups_rebuild
from tests.factories import CategoryFactory, OrganizationFactory, TicketFactory
from tickets.models import Team, Ticket, User

MARCH = (datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC))
NOW = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)


def t(day, hour, minute=0, month=3):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def march(**kwargs) -> ReportFilter:
    return ReportFilter(start=MARCH[0], end=MARCH[1], **kwargs)


def tickets_inserted(cursor, *, title: str, status: str, at: datetime, count: int) -> list[int]:
    """``count`` P3 tickets at L1 created and updated ``at``, in one statement
    (PostgreSQL); their ids."""
    cursor.execute(
        """
        INSERT INTO tickets_ticket (title, description, requester_name, requester_email,
            requester_language, impact, urgency, priority, priority_override, is_security,
            is_safety, is_legal, is_major_outage, status, level, created_at, updated_at)
        SELECT %s || ' ' || g, '-', 'R', 'r@example.com', 'en', 3, 3, 'P3', '', false,
               false, false, false, %s, 'L1', %s, %s
        FROM generate_series(1, %s) g RETURNING id
        """,
        [title, status, at, at, count],
    )
    return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def dataset(network_path):
    teams = {team.tier: team for team in Team.objects.all()}
    acme, beta = OrganizationFactory(name="Acme"), OrganizationFactory(name="Beta")
    vpn, email = CategoryFactory(name="VPN"), CategoryFactory(name="E-mail")
    manager = User.objects.get(username="manager")
    policy = SlaPolicy.objects.create(
        name="Standard", first_response_minutes=60, next_update_minutes=30, resolution_minutes=480
    )

    def ticket(org, cat, priority, created, resolved=None, team="L1"):
        row = TicketFactory(
            organization=org, category=cat, priority=priority, team=teams[team], level=team
        )
        Ticket.objects.filter(pk=row.pk).update(
            created_at=created, resolved_at=resolved, status="resolved" if resolved else "open"
        )
        row.refresh_from_db()
        return row

    t1 = ticket(acme, vpn, "P2", t(2, 9), t(2, 13))
    t2 = ticket(acme, vpn, "P1", t(10, 8), t(11, 10), team="L3")
    t3 = ticket(beta, email, "P3", t(15, 12), t(15, 14))
    t4 = ticket(acme, vpn, "P3", t(20, 9), team="L2")
    t5 = ticket(acme, vpn, "P3", t(20, 9, month=2), t(20, 10, month=2))

    def stint(tk, level, entered, left, how, wall, business):
        LevelStint.objects.create(
            ticket=tk,
            ticket_created_at=tk.created_at,
            level=level,
            team=teams[level],
            entered_at=entered,
            left_at=left,
            how_left=how,
            wall_seconds=wall,
            business_seconds=business,
        )

    stint(t1, "L1", t(2, 9), t(2, 9, 30), "escalated", 1800, 1800)
    stint(t1, "L2", t(2, 9, 30), t(2, 10, 10), "de_escalated", 2400, 1800)  # 10 min pending
    stint(t1, "L1", t(2, 10, 10), t(2, 13), "resolved", 10200, 10200)
    stint(t2, "L1", t(10, 8), t(10, 8, 30), "escalated", 1800, 1800)
    stint(t2, "L2", t(10, 8, 30), t(10, 10, 30), "escalated", 7200, 7200)
    stint(t2, "L3", t(10, 10, 30), t(10, 20), "resolved", 34200, 28800)
    stint(t2, "L3", t(11, 9), t(11, 10), "resolved", 3600, 3600)  # reopened
    stint(t3, "L1", t(15, 12), t(15, 14), "resolved", 7200, 7200)
    stint(t4, "L1", t(20, 9), t(20, 10), "escalated", 3600, 3600)
    stint(t4, "L2", t(20, 12), None, "", None, None)
    stint(t5, "L1", t(20, 9, month=2), t(20, 10, month=2), "resolved", 3600, 3600)

    def escalation(tk, kind, trigger, frm, to, created, status="closed", **extra):
        row = Escalation.objects.create(
            ticket=tk, kind=kind, trigger=trigger, status=status, from_tier=frm, to_tier=to, **extra
        )
        Escalation.objects.filter(pk=row.pk).update(created_at=created)
        return row

    e1 = escalation(t1, "functional", "time_limit", "L1", "L2", t(2, 9, 30))
    escalation(t2, "functional", "time_limit", "L1", "L2", t(10, 8, 30))
    e3 = escalation(t2, "functional", "manual", "L2", "L3", t(10, 10, 30))
    e4 = escalation(t2, "hierarchical", "severity", "L3", "MGMT", t(10, 11))
    escalation(
        t4,
        "functional",
        "manual",
        "L1",
        "L2",
        t(20, 10),
        "active",
        decided_by=manager,
        decided_at=t(20, 12),
    )
    # Sunday 16:30 UTC: Monday 01:30 in Tokyo.
    escalation(
        t3,
        "functional",
        "manual",
        "L1",
        "L2",
        t(15, 16, 30),
        "rejected",
        decided_by=manager,
        decided_at=t(15, 17),
    )
    escalation(t5, "functional", "time_limit", "L1", "L2", t(20, 9, 30, month=2))

    def review(esc, **fields):
        row = EscalationReview.objects.create(escalation=esc, **fields)
        EscalationReview.objects.filter(pk=row.pk).update(requested_at=t(12, 9))

    review(
        e1,
        submitted_at=t(3, 9),
        root_cause_category="network",
        handoff_quality=4,
        effectiveness=5,
        customer_satisfaction=4,
    )
    review(
        e3,
        submitted_at=t(12, 9),
        root_cause_category="configuration",
        handoff_quality=2,
        effectiveness=3,
    )
    review(e4)  # overdue

    def clock(tk, metric, state, used_minutes=0, cycle=1, **times):
        if state in ("met", "breached_met"):
            times.setdefault("met_at", tk.resolved_at or tk.created_at)
        return SlaClock.objects.create(
            ticket=tk,
            metric=metric,
            state=state,
            policy=policy,
            cycle=cycle,
            target=policy.target(metric),
            business_used=timedelta(minutes=used_minutes),
            started_at=tk.created_at,
            **times,
        )

    def breach(c, cycle=1):
        SlaClockAlert.objects.create(clock=c, cycle=cycle, kind="breach", due_at=c.started_at)

    clock(t1, "first_response", "met", 20)
    clock(t1, "resolution", "met", 230)  # 13800 s
    breach(clock(t1, "next_update", "met", 10, cycle=3), cycle=2)
    breach(clock(t2, "first_response", "breached_met", 90))
    breach(clock(t2, "resolution", "breached_met", 780))  # 46800 s
    clock(t2, "next_update", "running", cycle=2, due_at=NOW + timedelta(hours=1))
    clock(t3, "first_response", "met", 5)
    clock(t3, "resolution", "met", 120)
    clock(t4, "first_response", "met", 30)
    clock(
        t4,
        "resolution",
        "running",
        100,
        warn_at=NOW - timedelta(hours=1),
        due_at=NOW + timedelta(hours=1),
    )
    clock(t4, "next_update", "running", due_at=NOW - timedelta(minutes=10))

    def survey(tk, team, level, rating):
        SurveyResponse.objects.create(
            ticket=tk,
            team=teams[team],
            level=level,
            rating=rating,
            nonce="x",
            sent_at=tk.resolved_at,
            expires_at=tk.resolved_at + timedelta(days=14),
        )

    survey(t1, "L1", "L1", 5)
    survey(t3, "L1", "L1", 2)
    survey(t2, "L3", "L3", None)
    # Written straight to the tables, without events: the escalation facts and
    # their daily rollups are built as ``manage.py rebuild_rollups`` builds them.
    list(rollups_rebuild())
    return {"tickets": [t1, t2, t3, t4, t5], "policy": policy, "teams": teams, "manager": manager}
