"""The queue's rows, written in Python (``tickets.queue_rows``, the SLA cells of
``escalations.pages.queue_cells``), against the template markup they replace: the
same HTML, character for character, in English and in another language and zone."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db.models import Prefetch, prefetch_related_objects
from django.template import RequestContext, Template

from escalations.models import SlaClock
from escalations.services.sweep import sla_sweep
from tests.factories import create_ticket

# tickets/_queue_results.html's rows as the template engine wrote them before
# (its SLA cells: escalations/_queue_cell.html, included per row).
TEMPLATE_ROWS = (Path(__file__).parent / "queue_rows_before.html").read_text()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def tbody(html: str) -> str:
    body = html[html.index("  <tbody>") :]
    return TOKEN.sub("TOKEN", body[: body.index("</tbody>") + len("</tbody>")])


def template_rows(response) -> str:
    """The rows of the page ``response`` answered, written by the former template,
    with the clocks the queue showed (prefetched per ticket, as it used to be)."""
    context = response.context
    page = context["page"]
    # What the former include read: the ticket's clocks, prefetched in metric order.
    clocks = SlaClock.objects.select_related("calendar").order_by("metric")
    prefetch_related_objects(page.object_list, Prefetch("sla_clocks", queryset=clocks))
    values = {name: context[name] for name in ("page", "is_agent", "extensions", "user_team_ids")}
    return tbody(Template(TEMPLATE_ROWS).render(RequestContext(response.wsgi_request, values)))


@pytest.mark.parametrize("language", ["en", "pl"])
def test_agent_rows_are_the_templates(client, agent, requester, policy, frozen, language):
    agent.language, agent.time_zone = language, "Asia/Singapore"
    agent.save()
    breached = create_ticket(agent, title="Down <for> all & more", impact=1, urgency=1)
    frozen["now"] += timedelta(minutes=50)
    create_ticket(agent, title="at risk")
    frozen["now"] += timedelta(minutes=45)
    mine = create_ticket(agent, title="mine", assignee=agent)
    create_ticket(agent, title="no team", team=None)
    resolved = create_ticket(agent, title="done")
    resolved.status = "resolved"
    resolved.save()
    sla_sweep(now=frozen["now"])
    client.force_login(agent)
    response = client.get("/?status=new&status=open&status=resolved")
    html = response.content.decode()
    assert html.count("<tr data-ticket=") == 5
    assert breached.reference in html
    assert mine.reference in html
    assert "sla-badges" in html
    assert "take-form" in html
    assert tbody(html) == template_rows(response)


def test_requester_rows_are_the_templates(client, agent, requester, policy, frozen):
    create_ticket(agent, title="Printer", requester_email=requester.email)
    create_ticket(agent, title="Mail", requester_email=requester.email)
    client.force_login(requester)
    response = client.get("/")
    html = response.content.decode()
    assert html.count("<tr data-ticket=") == 2
    assert tbody(html) == template_rows(response)


def test_an_empty_page_says_so_as_before(client, agent, policy):
    client.force_login(agent)
    response = client.get("/?q=nothing-matches-this")
    assert "No tickets match." in response.content.decode()
    assert tbody(response.content.decode()) == template_rows(response)
