"""The queue page and the ticket list API at scale, on PostgreSQL.

Loads ``--tickets`` tickets (three in ten open, spread over ten teams, with
their SLA clocks: some breached, some at risk), a comment each and an
escalation for one in twenty, then times the in-process test client (as an
admin and as an L1 agent; the searches also as an agent of a team whose every
ticket holds the word): the queue's first page, ``sla_status=breached``, a
search, and the API list's first page, ``ordering=next_due``,
``sla_status=breached`` and ``q=``. Prints median and p95 of ``--runs``
requests each, the median CPU time of this process per request, and the
query count. ``--explain`` prints EXPLAIN ANALYZE of the queue's main query,
and of the query the queue ran before its sort key was kept on the ticket (a
subquery per row, SELECT DISTINCT), and of the
slowest query of the API list's first page (as the admin) and of the L1 agent's
slowest lines (breached, search, by priority). ``--gunicorn`` then measures the
throughput of the API list's first page under gunicorn (``--workers``
processes, ``--clients`` concurrent clients with the L1 agent's token, for
``--seconds``): requests per second, p50 and p99.

    .venv/bin/python bench/desk_queue.py --tickets 100000
    .venv/bin/python bench/desk_queue.py --tickets 100000 --reuse --explain
    .venv/bin/python bench/desk_queue.py --tickets 1000000 --runs 20 --explain --gunicorn
    .venv/bin/python bench/desk_queue.py --tickets 1000000 --reuse --gunicorn --runs 0

With ``--reuse`` the tickets already loaded are kept when their number is the
one asked for (a million take minutes to load).

Uses ``DATABASE_URL`` (default: the ``escalade_bench`` database); it empties
the tables it loads.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import _common

OPEN_SHARE = 10  # of every 10 tickets, 3 are open (ids ending 0, 1, 2 modulo 10)
TEAMS = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--gunicorn", action="store_true", help="throughput of the API list")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--as", dest="who", choices=["admin", "l1"], default="l1")
    return parser.parse_args()


def load(count: int) -> float:
    from django.db import connection

    from escalations.models import Escalation, SlaClock
    from tests.factories import AdminFactory, TeamFactory, UserFactory
    from tickets.models import Comment, Ticket, Tier

    _common.reset()
    Escalation.objects.all().delete()
    policy = _common.bench_policy()
    teams = []
    for n in range(TEAMS):
        tier = [Tier.L1, Tier.L2, Tier.L3][n % 3]
        team = TeamFactory(name=f"Bench team {n}", tier=tier)
        team.members.add(UserFactory(username=f"bench-agent{n}"))
        teams.append(team.pk)
    AdminFactory(username="bench-admin")
    started = time.perf_counter()
    t, c, k, e = (
        Ticket._meta.db_table,
        Comment._meta.db_table,
        SlaClock._meta.db_table,
        Escalation._meta.db_table,
    )
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute(
            f"""
            INSERT INTO {t} (
                title, description, requester_name, requester_email, requester_language,
                impact, urgency, priority, priority_override,
                is_security, is_safety, is_legal, is_major_outage,
                status, level, team_id, created_at, updated_at, sla_rank
            )
            SELECT (ARRAY['Printer jammed', 'VPN drops', 'Checkout fails', 'Mail delayed',
                          'Laptop slow'])[1 + g %% 5] || ' at site ' || g,
                   'Users report trouble since the morning; ticket ' || g || '.',
                   'Requester ' || g, 'requester' || (g %% 5000) || '@example.com', 'en',
                   1 + g %% 4, 1 + (g / 4) %% 4, 'P' || (1 + g %% 4), '',
                   false, false, false, false,
                   CASE WHEN g %% 10 = 0 THEN 'new' WHEN g %% 10 = 1 THEN 'open'
                        WHEN g %% 10 = 2 THEN 'pending' WHEN g %% 10 < 6 THEN 'resolved'
                        ELSE 'closed' END,
                   'L1', (%(teams)s::int[])[1 + g %% {TEAMS}],
                   now() - (g %% 720) * interval '1 hour', now(), 3
            FROM generate_series(1, %(count)s) AS g
            """,  # noqa: S608
            {"count": count, "teams": teams},
        )
        # Open tickets: first response and resolution clocks; one in eight breached,
        # one in eight at risk, the rest on track; pending ones paused.
        cur.execute(
            f"""
            INSERT INTO {k} (
                ticket_id, metric, state, policy_id, calendar_id, target, warning_percent,
                business_used, cycle, started_at, resumed_at, paused_at, warn_at, due_at,
                warned_at, breached_at, met_at, next_action_at
            )
            SELECT x.id, x.metric, x.state, %(policy)s, %(calendar)s, x.target, 75,
                   interval '0', 1, x.created_at, x.created_at, NULL,
                   x.due - x.target * 0.25, x.due, NULL,
                   CASE WHEN x.state = 'breached_running' THEN x.due END, NULL,
                   CASE WHEN x.state = 'running' THEN x.due - x.target * 0.25 END
            FROM (
                SELECT t.id, t.created_at, m.metric, m.target,
                       CASE WHEN t.status = 'pending' THEN 'paused'
                            WHEN t.id %% 8 = 0 THEN 'breached_running'
                            ELSE 'running' END AS state,
                       CASE WHEN t.id %% 8 = 0 THEN now() - random() * interval '2 days'
                            WHEN t.id %% 8 = 1 THEN now() + random() * interval '10 minutes'
                            ELSE now() + interval '3 hours' + random() * interval '30 days'
                       END AS due
                FROM {t} t
                CROSS JOIN (VALUES ('first_response', interval '60 minutes'),
                                   ('resolution', interval '8 hours')) AS m(metric, target)
                WHERE t.status IN ('new', 'open', 'pending')
            ) x
            """,  # noqa: S608
            {"policy": policy.pk, "calendar": policy.calendar_id},
        )
        # The queue's sort key and the breach flag, as the clock services keep them.
        cur.execute(
            f"""
            UPDATE {t} SET sla_due_at = s.due, sla_warn_at = s.warn,
                   sla_rank = CASE WHEN s.due <= now() THEN 0 WHEN s.warn <= now() THEN 1
                                   ELSE 2 END,
                   sla_breached = s.breached
            FROM (SELECT ticket_id, min(due_at) AS due, min(warn_at) AS warn,
                         bool_or(state = 'breached_running') AS breached FROM {k}
                  WHERE state IN ('running', 'breached_running') GROUP BY ticket_id) s
            WHERE {t}.id = s.ticket_id
            """,  # noqa: S608
            [],
        )
        cur.execute(
            f"""
            INSERT INTO {c} (ticket_id, author_id, body, is_public, created_at)
            SELECT id, NULL, 'Checked the ' ||
                   (ARRAY['switch', 'router', 'firmware', 'cabling', 'gateway'])[1 + id %% 5]
                   || ' for ticket ' || id || '; no change.', true, created_at
            FROM {t}
            """,  # noqa: S608
            [],
        )
        cur.execute(
            f"""
            INSERT INTO {e} (ticket_id, kind, trigger, status, from_tier, to_tier, reason,
                summary, steps_taken, impact_assessment, customer_context, time_constraints,
                assistance_requested, rejection_reason, closure_note, customer_agreed,
                trigger_key, created_at, to_team_id)
            SELECT id, 'functional', 'manual', 'active', 'L1', 'L2', 'bench', '', '', '', '',
                   '', '', '', '', false, '', created_at, team_id
            FROM {t} WHERE id %% 20 = 0
            """,  # noqa: S608
            [],
        )
        # The search vectors, as the services keep them.
        cur.execute(
            f"""
            UPDATE {t} x SET search_vector =
                setweight(to_tsvector('simple', x.title), 'A')
                || setweight(to_tsvector('simple', x.description), 'B')
                || setweight(to_tsvector('simple', coalesce((
                    SELECT string_agg(y.body, ' ') FROM {c} y WHERE y.ticket_id = x.id
                ), '')), 'C')
            """,  # noqa: S608
            [],
        )
        # As autovacuum leaves a table that has settled: statistics, and the visibility
        # map that lets counts read indexes only.
        for table in (t, k, c, e):
            cur.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def measure(client, url: str, runs: int, **headers) -> tuple[list[float], list[float], int, int]:
    from django.db import connection

    client.get(url, **headers)  # warm up
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    # (Not CaptureQueriesContext: every request starts by emptying the query log.)
    with connection.execute_wrapper(count):
        response = client.get(url, **headers)
    times, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), time.process_time()
        client.get(url, **headers)
        times.append(time.perf_counter() - started)
        # This process's CPU (Django, DRF, the driver): what bounds requests per second
        # per core, whatever else the machine runs meanwhile.
        cpu.append(time.process_time() - used)
    return times, cpu, len(captured), response.status_code


def legacy_queue_sql():
    """The queue's query as it ran before: a subquery per row, SELECT DISTINCT."""
    from django.db.models import F, OuterRef, Subquery

    from escalations.models import SlaClock
    from tickets.models import Ticket

    running = SlaClock.objects.filter(ticket=OuterRef("pk"), state="running")
    return (
        Ticket.objects.filter(status__in=["new", "open", "pending"])
        .distinct()
        .annotate(next_due=Subquery(running.order_by("due_at").values("due_at")[:1]))
        .order_by(F("next_due").asc(nulls_last=True), "priority", "created_at", "id")
        .select_related("organization", "category", "team", "assignee")[:25]
    )


def explain_slowest(user, path: str) -> None:
    """EXPLAIN ANALYZE of the slowest query one request of ``path`` runs."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(user)
    client.get(path)
    timed = []

    def clock(execute, sql, params, many, context):
        started = time.perf_counter()
        result = execute(sql, params, many, context)
        timed.append((time.perf_counter() - started, sql, params))
        return result

    with connection.execute_wrapper(clock):
        for _ in range(3):
            client.get(path)
    spent: dict[str, float] = {}
    for seconds, sql, _params in timed:
        spent[sql] = spent.get(sql, 0.0) + seconds
    slowest = max(spent, key=spent.get)
    sql, params = next((sql, params) for _s, sql, params in timed if sql == slowest)
    print(f"\n--- EXPLAIN ANALYZE: the slowest query of {path} as {user.username}")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def explain(queryset, title: str) -> None:
    print(f"\n--- EXPLAIN ANALYZE: {title}")
    print(queryset.explain(analyze=True, buffers=False))


def main() -> None:
    args = parse_args()
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    url = os.environ.get("DATABASE_URL", _common.DEFAULT_DATABASE_URL)
    _common.setup_django(url)
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)  # pages name hashed files

    from escalations.selectors import order_by_urgency
    from tickets.models import Ticket, User

    if not args.reuse or Ticket.objects.count() != args.tickets:
        print(f"loading {args.tickets:,} tickets ...", flush=True)
        print(f"loaded in {load(args.tickets):.1f} s")
    admin = User.objects.get(username="bench-admin")
    l1 = User.objects.get(username="bench-agent0")
    # An agent of a team whose tickets all hold the searched word (bench-agent0's
    # team holds none of it): a search must be bounded in both cases.
    l1_matching = User.objects.get(username="bench-agent2")
    scenarios = [
        ("queue, first page", "/", {}),
        ("queue, sla_status=breached", "/?sla_status=breached", {}),
        ("queue, q=firmware (full text)", "/?q=firmware", {}),
        ("queue, q=54321 (one ticket)", "/?q=54321", {}),
        ("queue, list refresh (htmx)", "/", {"HTTP_HX_REQUEST": "true"}),
        ("queue, sort=priority", "/?sort=priority", {}),
        ("queue, page 3", "/?page=3", {}),
        ("API list, first page", "/api/v1/tickets/", {}),
        ("API list, ordering=next_due", "/api/v1/tickets/?ordering=next_due", {}),
        ("API list, sla_status=breached", "/api/v1/tickets/?sla_status=breached", {}),
        ("API list, q=firmware", "/api/v1/tickets/?q=firmware", {}),
        ("API list, q=54321 (one ticket)", "/api/v1/tickets/?q=54321", {}),
        ("API list, ordering=-priority", "/api/v1/tickets/?ordering=-priority", {}),
    ]
    print(f"\n{args.tickets:,} tickets, {args.runs} requests each (in-process test client)")
    searches = [scenario for scenario in scenarios if "q=" in scenario[1]]
    users = (("admin", admin, scenarios), ("L1 agent", l1, scenarios))
    users += (("L1 agent2", l1_matching, searches),)
    for who, user, lines in users if args.runs else ():
        client = Client()
        client.force_login(user)
        for title, path, headers in lines:
            times, cpu, queries, status = measure(client, path, args.runs, **headers)
            ms = [x * 1000 for x in times]
            print(
                f"{who:9} {title:32} median {statistics.median(ms):7.1f} ms  "
                f"p95 {_common.percentile(ms, 95):7.1f} ms  "
                f"cpu {statistics.median(cpu) * 1000:5.1f} ms  {queries:2d} queries  [{status}]",
                flush=True,
            )
    if args.explain:
        current = order_by_urgency(
            Ticket.objects.filter(status__in=["new", "open", "pending"]).select_related(
                "organization", "category", "team", "assignee"
            )
        )[:25]
        explain(legacy_queue_sql(), "queue before (subquery per row, DISTINCT)")
        explain(current, "queue now (indexed sort key on the ticket)")
        explain_slowest(admin, "/api/v1/tickets/")
        for path in (
            "/api/v1/tickets/?sla_status=breached",
            "/?sla_status=breached",
            "/?q=firmware",
            "/api/v1/tickets/?q=firmware",
            "/api/v1/tickets/?ordering=-priority",
        ):
            explain_slowest(l1, path)
        for path in ("/?q=firmware", "/api/v1/tickets/?q=firmware"):
            explain_slowest(l1_matching, path)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.gunicorn:
        import _throughput
        from rest_framework.authtoken.models import Token

        token, _created = Token.objects.get_or_create(user=admin if args.who == "admin" else l1)
        _throughput.run(
            "/api/v1/tickets/",
            token.key,
            workers=args.workers,
            clients=args.clients,
            seconds=args.seconds,
        )


if __name__ == "__main__":
    main()
