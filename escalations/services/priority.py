"""The priority resolver plugged into ticket writes: matrix plus criteria."""

from escalations.models import PriorityCriterion, PriorityMatrixRow
from escalations.rules import FLAGS, Criterion, TicketFacts, decide_priority, split_keywords
from tickets.models import Ticket
from tickets.notes import Note
from tickets.priority import DEFAULT_MATRIX

URGENCIES = (1, 2, 3, 4)


def _flags(security: bool, safety: bool, legal: bool, major_outage: bool) -> frozenset[str]:
    """The set flags, by name, in the order of ``rules.FLAGS``."""
    return frozenset(
        name for name, on in zip(FLAGS, (security, safety, legal, major_outage), strict=True) if on
    )


def priority_matrix() -> dict[tuple[int, int], str]:
    """The configured grid, with the default matrix filling any row not configured."""
    matrix = {
        (impact, urgency): DEFAULT_MATRIX[impact - 1][urgency - 1]
        for impact in range(1, 5)
        for urgency in URGENCIES
    }
    for row in PriorityMatrixRow.objects.all():
        for urgency in URGENCIES:
            matrix[(row.impact, urgency)] = row.for_urgency(urgency)
    return matrix


def active_criteria() -> list[Criterion]:
    return [
        Criterion(
            id=c.pk,
            name=c.name,
            minimum_priority=c.minimum_priority,
            organization_tier=c.organization_tier,
            category_id=c.category_id,
            flags=_flags(c.if_security, c.if_safety, c.if_legal, c.if_major_outage),
            keywords=split_keywords(c.keywords),
            jump_to_level=c.jump_to_level,
            notify_management=c.notify_management,
        )
        for c in PriorityCriterion.objects.filter(is_active=True).order_by("position", "id")
    ]


def ticket_facts(ticket: Ticket) -> TicketFacts:
    return TicketFacts(
        impact=ticket.impact,
        urgency=ticket.urgency,
        category_id=ticket.category_id,
        organization_tier=ticket.organization.tier if ticket.organization_id else "",
        flags=_flags(ticket.is_security, ticket.is_safety, ticket.is_legal, ticket.is_major_outage),
        text=f"{ticket.title}\n{ticket.description}",
    )


def priority_resolve(ticket: Ticket) -> tuple[str, Note]:
    """The ticket's priority under the configured matrix and criteria, and why (a
    system note, read in the reader's language)."""
    decision = decide_priority(ticket_facts(ticket), priority_matrix(), active_criteria())
    return decision.priority, decision.reason


def matching_criteria(ticket: Ticket) -> list[Criterion]:
    facts = ticket_facts(ticket)
    return [c for c in active_criteria() if c.matches(facts)]
