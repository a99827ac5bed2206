"""The queue's rows, written in Python.

A queue page of 25 rows spent about half its CPU in the template engine: some 30
nodes per row (variables resolved through the context stack, ``{% if %}``,
``{% url %}``, ``{% csrf_token %}``, an include per row for each extension's cells).
Here each row is one ``html_format`` call (``format_html``'s escaping, cheaper),
with what does not change between rows worked out once per page (the words, the
user's teams, the page's address and CSRF token, the times' formats). The markup is
the one ``tickets/_queue_results.html`` had, character for character (pinned by
``tests/desk/test_queue_rows.py``); an extension's cells come from its
``queue_cells``, else its ``queue_cell_template`` is rendered per row with the
ticket and the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from config.html import html_format
from tickets import selectors
from tickets.hooks import PageExtension
from tickets.models import Ticket
from tickets.templatetags.moments import Moments
from tickets.templatetags.ticket_display import REQUESTER_STATUS

_DASH = "—"

_AGENT_ROW = (
    '\n    <tr data-ticket="{ref}">\n'
    '      <td class="pick"><input class="form-check-input" type="checkbox" name="tickets"'
    ' value="{pk}" form="bulk-form" id="pick-{pk}"{ticked} hx-preserve="true"'
    ' aria-label="{pick}"></td>\n'
    '      <td class="text-nowrap"><span class="badge badge-{priority}" title="{priority_label}">'
    '{priority}</span> <a href="{url}">{ref}</a></td>\n'
    '      <td class="queue-title">{title}{category}</td>\n'
    '      <td data-label="{status_word}">{status_label}</td>\n'
    "      \n"
    '      <td class="hide-on-phone">{requester}{organization}</td>\n'
    '      <td class="hide-on-phone">{team} <span class="text-muted small">{level}</span></td>\n'
    '      <td data-label="{assignee_label}">{assignee}{take}</td>\n'
    "      \n"
    "      {cells}\n"
    '      <td data-label="{created_label}">{created}</td>\n'
    "    </tr>\n  "
)
_REQUESTER_ROW = (
    '\n    <tr data-ticket="{ref}">\n'
    "      \n"
    '      <td class="text-nowrap"><span class="badge badge-{priority}" title="{priority_label}">'
    '{priority}</span> <a href="{url}">{ref}</a></td>\n'
    '      <td class="queue-title">{title}{category}</td>\n'
    '      <td data-label="{status_word}">{status_label}</td>\n'
    "      \n"
    "      \n"
    '      <td data-label="{created_label}">{created}</td>\n'
    "    </tr>\n  "
)
_TAKE = (
    '<form method="post" action="{action}" class="d-inline take-form ms-1">{token}'
    '<input type="hidden" name="next" value="{here}">'
    '<button class="btn btn-sm btn-outline-primary" type="submit">{label}</button></form>'
)


def _muted(text) -> SafeString:
    return html_format(' <span class="text-muted small">· {text}</span>', text=text)


def queue_rows(
    tickets: Iterable[Ticket],
    *,
    request: HttpRequest,
    is_agent: bool,
    extensions: Iterable[PageExtension],
    user_team_ids: Iterable[int],
    csrf_token: str,
    ticked: Iterable[int] = (),
) -> list[SafeString]:
    """Each ticket's ``<tr>`` (with the whitespace around it the template gave);
    the boxes of ``ticked`` come ticked (a bulk change sent back to be put right)."""
    tickets = list(tickets)
    ticked = set(ticked)
    if not is_agent:
        moments = Moments()
        return [_requester_row(ticket, moments) for ticket in tickets]
    created_label = _("Created")
    words = {
        "assignee_label": _("Assignee"),
        "created_label": created_label,
    }
    take_label = _("Take it")
    # As {% csrf_token %}: nothing when the view was exempted from CSRF.
    token = ""
    if csrf_token and csrf_token != "NOTPROVIDED":  # noqa: S105 (a marker, not a secret)
        token = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_token
        )
    pick = _("Pick %(ref)s")
    here = request.get_full_path()
    teams = frozenset(user_team_ids)
    moments = Moments()
    cells = [_cells(extension, tickets, request) for extension in extensions]
    rows = []
    for row, ticket in enumerate(tickets):
        reference = ticket.reference
        organization = ticket.organization
        team = ticket.team.name if ticket.team is not None else ""
        take = ""
        if selectors.user_may_take(user=request.user, ticket=ticket, team_ids=teams):
            take = html_format(
                _TAKE,
                action=reverse("tickets:take", args=[ticket.pk]),
                token=token,
                here=here,
                label=take_label,
            )
        rows.append(
            html_format(
                _AGENT_ROW,
                **_shown(ticket, moments),
                pk=ticket.pk,
                ticked=mark_safe(" checked") if ticket.pk in ticked else "",
                # As {% blocktranslate %}: the value escaped, the words as translated.
                pick=mark_safe(pick % {"ref": conditional_escape(reference)}),  # noqa: S308
                requester=ticket.requester_name,
                organization=_muted(organization) if organization else "",
                team=team or _DASH,
                level=ticket.level,
                assignee=ticket.assignee if ticket.assignee is not None else _DASH,
                cells=mark_safe("".join(each[row] for each in cells if each)),  # noqa: S308
                take=take,
                **words,
            )
        )
    return rows


def _requester_row(ticket: Ticket, moments: Moments) -> SafeString:
    shown = _shown(ticket, moments)
    if ticket.status in REQUESTER_STATUS:
        shown["status_label"] = REQUESTER_STATUS[ticket.status]
    return html_format(_REQUESTER_ROW, **shown, created_label=_("Created"))


def _shown(ticket: Ticket, moments: Moments) -> dict:
    """What a row shows to agents and requesters alike."""
    category = ticket.category
    return {
        "ref": ticket.reference,
        "url": ticket.get_absolute_url(),
        "priority": ticket.priority,
        "priority_label": ticket.priority_label,
        "title": ticket.title,
        "category": _muted(category) if category else "",
        "status_label": ticket.status_label,
        "status_word": _("Status"),
        "created": moments(ticket.created_at),
    }


def _cells(extension: PageExtension, tickets: list[Ticket], request: HttpRequest) -> list[str]:
    """``extension``'s cells for each of ``tickets`` (none when it adds no column)."""
    if extension.queue_cells is not None:
        return extension.queue_cells(tickets)
    if not extension.queue_cell_template:
        return []
    template = get_template(extension.queue_cell_template)
    return [template.render({"ticket": ticket}, request) for ticket in tickets]
