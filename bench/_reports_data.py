"""Bulk data for the reports benchmark: tickets over two years with their level
stints, escalations, reviews, SLA clocks, breach alerts and survey answers,
written with ``INSERT ... SELECT generate_series`` (the services would take hours).

Shape (for ``tickets`` = 1,000,000): 35 % of tickets have stints (500,000
stints: 150,000 tickets escalated L1 -> L2, 200,000 resolved at L1); the
escalated ones have two escalations each (300,000: one functional, then a
hierarchical one or a rejected request), reviews on the functional ones,
surveys on 60 % of resolved tickets with stints; every ticket has its
first-response and resolution clocks (15 % breached, with their alert).
"""

from __future__ import annotations

import time

DAYS = 730
# The table each step of ``load`` writes.
TABLES = {
    "tickets": "tickets_ticket",
    "stints": "reports_levelstint",
    "escalations": "escalations_escalation",
    "reviews": "escalations_escalationreview",
    "clocks": "escalations_slaclock",
    "alerts": "escalations_slaclockalert",
    "surveys": "reports_surveyresponse",
}


def reference_rows() -> dict:
    """Teams (3 per level), categories and organizations; ids by kind."""
    from escalations.models import BusinessCalendar, SlaPolicy
    from tickets.models import Category, Organization, Team, User

    boss, _ = User.objects.get_or_create(username="bench-manager")
    teams = {}
    for tier in ("L1", "L2", "L3", "MGMT"):
        teams[tier] = [
            Team.objects.get_or_create(
                name=f"{tier} team {i}", defaults={"tier": tier, "manager": boss}
            )[0].pk
            for i in range(3)
        ]
    categories = [Category.objects.get_or_create(name=f"Category {i}")[0].pk for i in range(12)]
    orgs = [Organization.objects.get_or_create(name=f"Organization {i}")[0].pk for i in range(50)]
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="Bench 24x7", defaults={"is_24x7": True}
    )
    policy, _ = SlaPolicy.objects.get_or_create(
        name="Bench reports",
        defaults={"first_response_minutes": 60, "resolution_minutes": 480, "calendar": calendar},
    )
    return {
        "teams": teams,
        "categories": categories,
        "orgs": orgs,
        "policy": policy.pk,
        "boss": boss.pk,
    }


def load(tickets: int) -> dict[str, float]:
    """Write the data set; seconds per table."""
    from django.db import connection

    ref = reference_rows()
    l1, l2, mgmt = ref["teams"]["L1"], ref["teams"]["L2"], ref["teams"]["MGMT"]
    p = {
        "n": tickets,
        "days": DAYS,
        "l1": l1,
        "l2": l2,
        "mgmt": mgmt,
        "cats": ref["categories"],
        "orgs": ref["orgs"],
        "policy": ref["policy"],
        "boss": ref["boss"],
    }
    took = {}
    steps = [
        (
            "tickets",
            """
            INSERT INTO tickets_ticket (title, description, requester_name, requester_email,
                requester_language, impact, urgency, priority, priority_override, is_security,
                is_safety, is_legal, is_major_outage, status, level, team_id, organization_id,
                category_id, created_at, updated_at, resolved_at)
            SELECT 'Report bench ' || g, '-', 'R', 'r' || (g %% 5000) || '@example.com', 'en',
                   3, 3, 'P' || (1 + g %% 4), '', false, false, false, false,
                   CASE WHEN g %% 10 = 9 THEN 'open' ELSE 'closed' END,
                   CASE WHEN g %% 20 < 3 THEN 'L2' ELSE 'L1' END,
                   CASE WHEN g %% 20 < 3 THEN (%(l2)s)[1 + g %% 3] ELSE (%(l1)s)[1 + g %% 3] END,
                   (%(orgs)s)[1 + g %% 50], (%(cats)s)[1 + (g / 7) %% 12],
                   c, c, CASE WHEN g %% 10 = 9 THEN NULL ELSE c + random() * interval '3 days' END
            FROM generate_series(1, %(n)s) AS g,
                 LATERAL (SELECT now() - (g %% %(days)s) * interval '1 day'
                                 - random() * interval '1 day' AS c) AS t
            """,
        ),
        (
            "stints",
            """
            INSERT INTO reports_levelstint (ticket_id, level, team_id, entered_at, left_at,
                how_left, wall_seconds, business_seconds, paused_wall_seconds,
                paused_business_seconds, ticket_created_at)
            SELECT t.id, s.level, CASE WHEN s.level = 'L1' THEN (%(l1)s)[1 + t.id %% 3]
                                       ELSE t.team_id END,
                   t.created_at + s.start * w.wall * interval '1 second',
                   CASE WHEN s.level = t.level AND t.resolved_at IS NULL THEN NULL
                        ELSE t.created_at + (s.start + 1) * w.wall * interval '1 second' END,
                   CASE WHEN s.level = 'L1' AND t.level = 'L2' THEN 'escalated'
                        WHEN t.resolved_at IS NULL THEN '' ELSE 'resolved' END,
                   w.wall, (w.wall * 0.6)::bigint, 0, 0, t.created_at
            FROM tickets_ticket t
            CROSS JOIN LATERAL (SELECT 600 + (t.id * 7919) %% 28800 AS wall) w
            JOIN (VALUES ('L1', 0), ('L2', 1)) AS s(level, start)
              ON s.level = 'L1' OR t.level = 'L2'
            WHERE t.title LIKE 'Report bench %%' AND t.id %% 20 < 7
            """,
        ),
        (
            "escalations",
            """
            INSERT INTO escalations_escalation (ticket_id, kind, trigger, status, from_tier,
                to_tier, to_team_id, reason, summary, steps_taken, impact_assessment,
                customer_context, time_constraints, assistance_requested, rejection_reason,
                closure_note, customer_agreed, trigger_key, created_at, decided_at, decided_by_id)
            SELECT t.id, e.kind,
                   (ARRAY['manual','time_limit','sla_breach','severity'])[1 + t.id %% 4],
                   e.status, e.from_tier, e.to_tier, t.team_id, '', '', '', '', '', '', '', '', '',
                   false, '', t.created_at + e.after * interval '1 hour',
                   CASE WHEN e.status = 'rejected'
                        THEN t.created_at + (e.after + 1) * interval '1 hour' END,
                   CASE WHEN e.status = 'rejected' THEN %(boss)s END
            FROM tickets_ticket t
            JOIN (VALUES ('functional', 'closed', 'L1', 'L2', 1, 0),
                         ('hierarchical', 'closed', 'L2', 'MGMT', 2, 1),
                         ('functional', 'rejected', 'L2', 'L3', 2, 2))
                   AS e(kind, status, from_tier, to_tier, after, which)
              ON e.which = 0 OR (e.which = 1 AND t.id %% 20 = 0)
                 OR (e.which = 2 AND t.id %% 20 IN (1, 2))
            WHERE t.title LIKE 'Report bench %%' AND t.id %% 20 < 3
            """,
        ),
        (
            "reviews",
            """
            INSERT INTO escalations_escalationreview (escalation_id, requested_at, submitted_at,
                root_cause, root_cause_category, what_helped, what_hindered, lessons_learned,
                preventive_actions, problem_reference, effectiveness, handoff_quality,
                customer_satisfaction)
            SELECT e.id, e.created_at,
                   CASE WHEN e.id %% 5 > 0 THEN e.created_at + interval '1 day' END,
                   '', (ARRAY['software','hardware','network','configuration','capacity','vendor',
                              'process','security','other'])[1 + e.id %% 9],
                   '', '', '', '', '', 1 + e.id %% 5, 1 + (e.id / 5) %% 5, NULL
            FROM escalations_escalation e WHERE e.kind = 'functional' AND e.status = 'closed'
              AND NOT EXISTS (SELECT 1 FROM escalations_escalationreview r
                              WHERE r.escalation_id = e.id)
            """,
        ),
        (
            "clocks",
            """
            INSERT INTO escalations_slaclock (ticket_id, metric, state, policy_id, target,
                warning_percent, business_used, cycle, started_at, warn_at, due_at, met_at,
                breached_at, applied)
            SELECT t.id, m.metric,
                   CASE WHEN t.resolved_at IS NULL THEN 'running'
                        WHEN (t.id + m.k) %% 7 = 0 THEN 'breached_met' ELSE 'met' END,
                   %(policy)s, m.target, 75, m.target * ((t.id %% 13) / 10.0), 1, t.created_at,
                   t.created_at + m.target * 0.75, t.created_at + m.target, t.resolved_at,
                   CASE WHEN (t.id + m.k) %% 7 = 0 THEN t.created_at + m.target END, '{}'::jsonb
            FROM tickets_ticket t
            CROSS JOIN (VALUES ('first_response', interval '60 minutes', 0),
                               ('resolution', interval '8 hours', 3)) AS m(metric, target, k)
            WHERE t.title LIKE 'Report bench %%'
            """,
        ),
        (
            "alerts",
            """
            INSERT INTO escalations_slaclockalert (clock_id, cycle, kind, due_at, recorded_at)
            SELECT c.id, 1, 'breach', c.due_at, c.breached_at
            FROM escalations_slaclock c WHERE c.state = 'breached_met'
            """,
        ),
        (
            "surveys",
            """
            INSERT INTO reports_surveyresponse (ticket_id, nonce, sent_at, expires_at, rating,
                comment, answered_at, team_id, level)
            SELECT t.id, 'bench', t.resolved_at, t.resolved_at + interval '14 days',
                   CASE WHEN t.id %% 3 = 0 THEN NULL ELSE 1 + t.id %% 5 END, '',
                   t.resolved_at + interval '2 hours', t.team_id, t.level
            FROM tickets_ticket t
            WHERE t.title LIKE 'Report bench %%' AND t.id %% 20 < 7 AND t.resolved_at IS NOT NULL
              AND t.id %% 5 < 3
            """,
        ),
    ]
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.14)")
        for name, sql in steps:
            started = time.perf_counter()
            cur.execute(sql, p)
            rows = cur.rowcount
            # Statistics of what was just written: the next steps read it (planned
            # with the empty tables' statistics, the reviews took over 20 minutes).
            cur.execute(f"ANALYZE {TABLES[name]}")
            took[name] = time.perf_counter() - started
            print(f"  {name}: {rows:,} rows in {took[name]:.1f} s", flush=True)
        for table in TABLES.values():
            cur.execute(f"VACUUM ANALYZE {table}")
    return took
