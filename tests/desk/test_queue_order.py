"""The queue: breached first (most overdue first), then at risk, then by next due."""

from datetime import UTC, datetime, timedelta

from escalations.services.sweep import sla_sweep
from tests.factories import create_ticket
from tickets.models import SlaRank

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def order(body, *tickets):
    return sorted(tickets, key=lambda t: body.index(f'data-ticket="{t.reference}"'))


def test_a_breached_p1_comes_before_an_on_track_p2(client, agent, policy, p1_policy, frozen):
    p1 = create_ticket(agent, title="Down for all", impact=1, urgency=1)
    frozen["now"] = T0 + timedelta(hours=3)  # both P1 clocks (15 min, 2 h) are past due
    sla_sweep(now=frozen["now"])
    p2 = create_ticket(agent, title="Slow for some", impact=2, urgency=1)
    p1.refresh_from_db()
    assert p1.sla_rank == SlaRank.BREACHED
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert order(body, p2, p1) == [p1, p2]
    assert 'id="queue-order"' in body


def test_most_overdue_first_then_at_risk_then_next_due(client, agent, policy, frozen):
    """Fallback policy: 60 min first response, warning at 75 %."""
    older = create_ticket(agent, title="older")
    frozen["now"] = T0 + timedelta(minutes=10)
    newer = create_ticket(agent, title="newer")
    frozen["now"] = T0 + timedelta(minutes=50)
    at_risk = create_ticket(agent, title="at risk")
    frozen["now"] = T0 + timedelta(minutes=95)
    fresh = create_ticket(agent, title="fresh")
    sla_sweep(now=frozen["now"])
    # older and newer breached (older by more); at_risk is past 75 % of its hour.
    at_risk.refresh_from_db()
    assert at_risk.sla_rank == SlaRank.AT_RISK
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert order(body, fresh, at_risk, newer, older) == [older, newer, at_risk, fresh]


def test_the_api_orders_breached_tickets_first_by_next_due(api_as, agent, policy, frozen):
    late = create_ticket(agent, title="late")
    frozen["now"] = T0 + timedelta(minutes=70)
    sla_sweep(now=frozen["now"])
    fine = create_ticket(agent, title="fine")
    ids = [
        t["id"] for t in api_as(agent).get("/api/v1/tickets/?ordering=next_due").json()["results"]
    ]
    assert ids == [late.pk, fine.pk]


def test_the_queue_and_its_count_run_without_distinct_or_subquery_per_row(
    client, agent, policy, frozen
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    create_ticket(agent, title="one")
    client.force_login(agent)
    with CaptureQueriesContext(connection) as captured:
        client.get("/?status=open&status=new&priority=P3")
    ticket_sql = [q["sql"] for q in captured if 'FROM "tickets_ticket"' in q["sql"]]
    assert ticket_sql
    assert not any("DISTINCT" in sql for sql in ticket_sql)
    assert not any('FROM "escalations_slaclock"' in sql.split("ORDER BY")[-1] for sql in ticket_sql)


def test_every_sort_link_turns_the_order_round_on_a_second_click(client, agent, policy, frozen):
    p1 = create_ticket(agent, title="Down for all", impact=1, urgency=1)
    p3 = create_ticket(agent, title="Slow for one", impact=3, urgency=3)
    client.force_login(agent)
    for column in ("priority", "status", "reference", "created"):
        first = client.get(f"/?sort={column}").context["sort_links"][column]
        assert first == f"?sort=-{column}", column  # the column sorted: its link reverses it
    body = client.get("/?sort=priority").content.decode()
    assert order(body, p3, p1) == [p1, p3]
    assert 'class="sort-link sort-ascending" data-sort="priority"' in body  # said on the page
    body = client.get("/?sort=-priority").content.decode()
    assert order(body, p1, p3) == [p3, p1]
    assert 'class="sort-link sort-descending" data-sort="priority"' in body
