"""What escalations adds to the ticket pages (registered in escalations.apps)."""

from dataclasses import dataclass
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from config.html import html_format
from escalations import selectors
from escalations.forms import EscalateForm, PriorityOverrideForm
from escalations.models import Escalation
from escalations.pipeline import needs_approval
from escalations.services import routing, sla
from escalations.templatetags.sla import sla_badge
from tickets.hooks import PageExtension
from tickets.models import Team, Ticket, Tier
from tickets.selectors import user_is_agent, user_works_on
from tickets.templatetags.moments import Moments


def queue_prepare(queryset, request: HttpRequest):
    """Order the queue by the nearest SLA due time and show each ticket's clocks."""
    state = request.GET.get("sla_status", "")
    if state in dict(selectors.SLA_STATUS_CHOICES):
        queryset = selectors.filter_sla_status(queryset, state, timezone.now())
    return selectors.order_by_urgency(queryset)


def queue_cells(tickets: list[Ticket]) -> list[str]:
    """The SLA badges and the next due time of each queue row (the clocks attached by
    ``clocks_attach``): what ``escalations/_queue_cell.html`` writes, without a
    template include per row."""
    moments = Moments()
    now, label = moments.now, _("Next due")
    cells = []
    for ticket in tickets:
        clocks = getattr(ticket, "listed_clocks", None)
        if clocks is None:
            clocks = ticket.sla_clocks.all()
        badges = "".join(sla_badge(clock, sla.clock_state(clock, now)) for clock in clocks)
        next_due = getattr(ticket, "next_due", None)
        cells.append(
            html_format(
                '<td class="sla-badges">{badges}</td>\n'
                '<td class="small" data-label="{label}">{due}</td>\n',
                badges=mark_safe(badges or '<span class="text-muted small">—</span>'),  # noqa: S308
                label=label,
                due=moments(next_due, due=True)
                if next_due
                else mark_safe('<span class="text-muted">—</span>'),
            )
        )
    return cells


def clock_rows(clocks, now) -> list[dict]:
    """Each clock with its state and business time left (or, past its target,
    ``overdue``: by how much), for the templates."""
    rows = []
    for clock in clocks:
        remaining = sla.remaining(clock, now)
        wall = clock.due_at - now if clock.due_at else None
        rows.append(
            {
                "clock": clock,
                "state": sla.clock_state(clock, now),
                "remaining": remaining,
                "overdue": -remaining if remaining < timedelta(0) else None,
                # Business time left is worth saying only where it is not the
                # wall time to the due time already shown (a 24/7 calendar).
                "left_differs": wall is None or abs(wall - remaining) >= timedelta(minutes=1),
            }
        )
    return rows


@dataclass(frozen=True)
class Target:
    """A level the ticket could be escalated into, as the escalate form shows it."""

    tier: str
    team: Team | None
    needs_approval: bool
    note: str

    @property
    def label(self) -> str:
        label = f"{Tier(self.tier).label} · {self.team.name if self.team else _('no team')}"
        if self.needs_approval:
            label = _("%(level)s (needs its manager's approval)") % {"level": label}
        return f"{label} — {self.note}" if self.note else label


def escalation_targets(ticket: Ticket) -> list[Target]:
    """The levels above the ticket on its path (the first of each tier), with the team
    that would take it and whether a manual escalation there waits for approval."""
    route = routing.route_of(ticket)
    if route is None:
        return []
    targets: dict[str, Target] = {}
    for level in routing.levels_of(route.path):
        if level.position > route.level.position and level.tier not in targets:
            targets[level.tier] = Target(
                tier=level.tier,
                team=routing.team_for(level, ticket),
                needs_approval=needs_approval(level=level, priority=ticket.priority),
                note=level.note,
            )
    return list(targets.values())


def escalation_context(request: HttpRequest, ticket: Ticket, can_escalate: bool = True) -> dict:
    """The ticket's escalations and, on open tickets with somewhere to go that the
    user works on, the escalate form (bound, with its errors, when a POST failed)."""
    escalations = list(ticket.escalations.select_related("to_team").order_by("created_at", "id"))
    pending = next((e for e in escalations if e.status == Escalation.Status.REQUESTED), None)
    form = getattr(request, "escalate_form", None)
    targets = form.targets if form is not None else []
    if form is None and can_escalate and ticket.is_open and pending is None:
        targets = escalation_targets(ticket)
        if targets:
            form = EscalateForm(ticket=ticket, targets=targets)
    return {
        "ticket_escalations": escalations,
        "escalation_pending": pending,
        "escalate_form": form,
        "escalate_targets": targets,
    }


def detail_context(request: HttpRequest, ticket: Ticket) -> dict:
    now = timezone.now()
    clocks = ticket.sla_clocks.all()
    if not user_is_agent(request.user):
        return {"sla_rows": clock_rows(sla.requester_clocks(clocks), now)}
    context = {"sla_rows": clock_rows(clocks, now)}
    works_on = user_works_on(user=request.user, ticket=ticket)
    if works_on:
        context["override_form"] = getattr(request, "override_form", None) or (
            PriorityOverrideForm(ticket=ticket)
        )
    context["priority_definitions"] = selectors.priority_definitions()
    context.update(escalation_context(request, ticket, can_escalate=works_on))
    return context


def create_aside_context(request: HttpRequest) -> dict:
    return {"priority_definitions": selectors.priority_definitions()}


SLA_PAGES = PageExtension(
    queue_prepare=queue_prepare,
    queue_filters_template="escalations/_queue_filter.html",
    queue_header_template="escalations/_queue_header.html",
    queue_cell_template="escalations/_queue_cell.html",
    queue_rows_prepare=selectors.clocks_attach,
    queue_cells=queue_cells,
    detail_template="escalations/_ticket_panels.html",
    detail_context=detail_context,
    create_aside_template="escalations/_priority_definitions.html",
    create_aside_context=create_aside_context,
)
