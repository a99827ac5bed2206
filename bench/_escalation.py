"""Part d of bench/sweep.py: the sweep escalating tickets whose level time limit
ran out, all at once.

A path Bench L1 -> Bench L2 (each level a team; L2 has three members and a
manager, told of every escalation in the inbox and by e-mail), ``count`` open
tickets of the bulk load put on its L1 level (their route and a running level
clock written with SQL), then every level clock made due in the last 5 minutes.
The sweep is drained as the beat task runs it; each ticket escalates L1 -> L2
once (escalation record, ticket moved and unassigned, route, a new level cycle,
audit entries, 4 inbox messages and 4 e-mails).
"""

from __future__ import annotations

import time


def bench_path():
    """The Bench path and its two levels' teams (created once per run)."""
    from escalations.models import EscalationLevel, EscalationPath
    from tickets.models import Team, Tier, User

    path = EscalationPath.objects.filter(name="Bench path").first()
    if path is not None:
        return path
    EscalationPath.objects.filter(is_default=True).update(is_default=False)
    path = EscalationPath.objects.create(name="Bench path", is_default=True)
    manager = User.objects.create_user(username="bench-manager", email="manager@example.com")
    for position, tier, limit in [(1, Tier.L1, 30), (2, Tier.L2, 60)]:
        team = Team.objects.create(name=f"Bench {tier}", tier=tier, manager=manager)
        if tier == Tier.L2:
            for n in range(3):
                team.members.add(
                    User.objects.create_user(username=f"bench-l2-{n}", email=f"l2-{n}@example.com")
                )
        level = EscalationLevel.objects.create(
            path=path, position=position, tier=tier, time_limit_minutes=limit, notify_manager=True
        )
        level.teams.add(team)
    return path


def put_on_level_one(count: int, path) -> list[int]:
    """Route ``count`` running open tickets to L1 with a level clock due in the
    last 5 minutes (warning already sent); their ids."""
    from django.db import connection

    from escalations.models import SlaClock, TicketRoute
    from tickets.models import Team, Ticket

    level = path.levels.get(position=1)
    team = Team.objects.get(name="Bench L1")
    tickets, clocks, routes = (
        Ticket._meta.db_table,
        SlaClock._meta.db_table,
        TicketRoute._meta.db_table,
    )
    with connection.cursor() as cur:
        cur.execute(
            f"""
            SELECT t.id FROM {tickets} t
            WHERE t.status = 'open'
              AND NOT EXISTS (SELECT 1 FROM {routes} r WHERE r.ticket_id = t.id)
            ORDER BY md5(t.id::text) LIMIT %s
            """,  # noqa: S608
            [count],
        )
        ids = [row[0] for row in cur.fetchall()]
        cur.execute(
            f"UPDATE {tickets} SET team_id = %s, level = 'L1' WHERE id = ANY(%s)",  # noqa: S608
            [team.pk, ids],
        )
        # Their SLA clocks as the services lay them out (24x7: due = resumed +
        # target), so moving to the L2 team re-targets nothing.
        cur.execute(
            f"""
            UPDATE {clocks} SET
                resumed_at = now() - interval '10 minutes',
                started_at = now() - interval '10 minutes',
                warn_at = now() - interval '10 minutes' + target * 0.75,
                due_at = now() - interval '10 minutes' + target,
                next_action_at = now() - interval '10 minutes' + target * 0.75
            WHERE ticket_id = ANY(%s) AND state = 'running'
            """,  # noqa: S608
            [ids],
        )
        cur.execute(
            f"""
            INSERT INTO {routes} (ticket_id, path_id, level_id, entered_at)
            SELECT id, %s, %s, now() - interval '40 minutes' FROM unnest(%s::int[]) AS id
            """,  # noqa: S608
            [path.pk, level.pk, ids],
        )
        cur.execute(
            f"""
            INSERT INTO {clocks} (
                ticket_id, metric, state, policy_id, calendar_id, target, warning_percent,
                business_used, cycle, started_at, resumed_at, paused_at, warn_at, due_at,
                warned_at, breached_at, met_at, next_action_at
            )
            SELECT x.id, 'level', 'running', NULL, NULL, interval '30 minutes', 75,
                   interval '0', 1, x.due - interval '30 minutes', x.due - interval '30 minutes',
                   NULL, x.due - interval '7.5 minutes', x.due, x.due - interval '7.5 minutes',
                   NULL, NULL, x.due
            FROM (SELECT id, now() - interval '10 seconds' - random() * interval '5 minutes'
                         AS due FROM unnest(%s::int[]) AS id) x
            """,  # noqa: S608
            [ids],
        )
        cur.execute(f"ANALYZE {clocks}")
    return ids


def measure_escalations(count: int, batch_size: int, budget: float, count_queries) -> None:
    """Drain the sweep over ``count`` due level clocks and print escalations per second."""
    from escalations.models import Escalation
    from escalations.services.sweep import sla_sweep
    from notifications.models import Delivery, Notification
    from tickets.models import Ticket, TicketEvent

    path = bench_path()
    ids = put_on_level_one(count, path)
    runs, escalated = 0, 0
    before = Escalation.objects.count()
    mails_before = Delivery.objects.filter(kind="escalation.escalated").count()
    with count_queries() as queries:
        started, cpu = time.perf_counter(), time.process_time()
        while True:
            result = sla_sweep(batch_size=batch_size, time_budget=budget)
            runs += 1
            if result.clocks == 0:
                break
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    escalated = Escalation.objects.count() - before
    print(
        f"  {escalated:,} level clocks breached and escalated in {elapsed:.2f} s = "
        f"{escalated / elapsed:,.0f} escalated clocks/s; {cpu * 1000 / max(escalated, 1):.2f} "
        f"ms of this process's CPU a clock = {escalated / max(cpu, 1e-9):,.0f} a CPU second "
        f"({runs - 1} task run(s) of "
        f"<= {budget:g} s, batches of <= {batch_size}, "
        f"{queries['n'] / max(escalated, 1):.1f} statements per escalated clock)"
    )
    moved = Ticket.objects.filter(pk__in=ids, level="L2").count()
    trail = TicketEvent.objects.filter(ticket_id__in=ids).count()
    told = Notification.objects.filter(ticket_id__in=ids).count()
    mails = Delivery.objects.filter(kind="escalation.escalated").count() - mails_before
    print(
        f"  checked: {moved:,}/{len(ids):,} tickets at L2, one escalation each "
        f"({escalated:,}); {trail:,} audit entries, {told:,} inbox messages, "
        f"{mails:,} e-mails queued"
    )
    assert escalated == len(ids) == moved
