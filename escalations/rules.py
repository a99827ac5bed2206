"""Priority and policy rules. Pure: no database; callers pass plain facts.

- ``decide_priority``: the impact x urgency matrix, raised (never lowered) by
  the priority criteria a ticket matches.
- ``match_policy``: the most specific SLA policy for a ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tickets.notes import Note, note

PRIORITIES = ("P1", "P2", "P3", "P4")  # most to least urgent
FLAGS = ("security", "safety", "legal", "major_outage")


def most_urgent(*priorities: str) -> str:
    return min(priorities, key=PRIORITIES.index)


@dataclass(frozen=True)
class TicketFacts:
    impact: int
    urgency: int
    category_id: int | None = None
    organization_tier: str = ""
    flags: frozenset[str] = frozenset()
    text: str = ""


@dataclass(frozen=True)
class Criterion:
    id: int
    name: str
    minimum_priority: str
    organization_tier: str = ""
    category_id: int | None = None
    flags: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()
    jump_to_level: str = ""
    notify_management: bool = False

    def matches(self, facts: TicketFacts) -> bool:
        if self.organization_tier and self.organization_tier != facts.organization_tier:
            return False
        if self.category_id is not None and self.category_id != facts.category_id:
            return False
        if self.flags and not self.flags & facts.flags:
            return False
        return not self.keywords or any(_contains_phrase(facts.text, k) for k in self.keywords)


@dataclass(frozen=True)
class PriorityDecision:
    priority: str
    matrix_priority: str
    impact: int
    urgency: int
    matched: tuple[Criterion, ...] = field(default=())

    @property
    def reason(self) -> Note:
        """Why: a system note (``tickets.notes``), kept language-neutral and read in
        the reader's language."""
        base = note(
            "priority.rules",
            priority=self.matrix_priority,
            impact=self.impact,
            urgency=self.urgency,
        )
        raising = [c for c in self.matched if c.minimum_priority == self.priority]
        if self.priority != self.matrix_priority and raising:
            names = ", ".join(c.name for c in raising)
            return note("priority.criteria", priority=self.priority, names=names, base=base)
        return base


def split_keywords(raw: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in raw.split(",") if part.strip())


def _contains_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, flags=re.IGNORECASE) is not None


def decide_priority(
    facts: TicketFacts, matrix: Mapping[tuple[int, int], str], criteria: Iterable[Criterion]
) -> PriorityDecision:
    """The matrix's priority for impact x urgency, raised to the highest minimum of
    the matching criteria. Criteria never lower a priority."""
    base = matrix[(facts.impact, facts.urgency)]
    matched = tuple(c for c in criteria if c.matches(facts))
    priority = most_urgent(base, *(c.minimum_priority for c in matched))
    return PriorityDecision(
        priority=priority,
        matrix_priority=base,
        impact=facts.impact,
        urgency=facts.urgency,
        matched=matched,
    )


@dataclass(frozen=True)
class PolicyKey:
    id: int
    priority: str = ""
    category_id: int | None = None
    organization_tier: str = ""

    def specificity(self) -> tuple[int, int, int]:
        return (bool(self.priority), self.category_id is not None, bool(self.organization_tier))


def match_policy(
    policies: Sequence[PolicyKey], *, priority: str, category_id: int | None, tier: str
) -> PolicyKey | None:
    """The most specific policy whose every set condition fits the ticket.

    Priority weighs most, then category, then organization tier; ties go to
    the oldest policy."""
    fitting = [
        p
        for p in policies
        if (not p.priority or p.priority == priority)
        and (p.category_id is None or p.category_id == category_id)
        and (not p.organization_tier or p.organization_tier == tier)
    ]
    if not fitting:
        return None
    return max(fitting, key=lambda p: (p.specificity(), -p.id))
