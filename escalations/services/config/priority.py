"""Priority criteria and the impact x urgency matrix.

Both decide the priority of tickets as they are created or edited from then
on; a ticket keeps the priority it was given until it changes."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from escalations.models import PriorityCriterion, PriorityMatrixRow
from escalations.rules import split_keywords
from escalations.services.config import fields_apply

CRITERION_FIELDS = (
    "name",
    "is_active",
    "position",
    "organization_tier",
    "category",
    "if_security",
    "if_safety",
    "if_legal",
    "if_major_outage",
    "keywords",
    "minimum_priority",
    "jump_to_level",
    "notify_management",
)
MATRIX_FIELDS = ("urgency_1", "urgency_2", "urgency_3", "urgency_4")


def priority_criterion_check(*, criterion: PriorityCriterion) -> None:
    """A criterion names at least one condition (tier, category, a flag or
    keywords): one without would raise the priority of every ticket.
    ValidationError otherwise."""
    c = criterion
    words = split_keywords(c.keywords)
    if c.keywords.strip() and not words:
        # commas and spaces alone: a condition in name only, matching every ticket
        raise ValidationError(
            {"keywords": _("Name at least one word or phrase between the commas.")}
        )
    flags = (c.if_security, c.if_safety, c.if_legal, c.if_major_outage)
    if not (c.organization_tier or c.category_id or any(flags) or words):
        message = _("Give at least one condition: tier, category, a flag or keywords.")
        raise ValidationError({NON_FIELD_ERRORS: message})


@transaction.atomic
def priority_criterion_save(
    *, criterion: PriorityCriterion | None = None, data: Mapping[str, Any]
) -> PriorityCriterion:
    """Create a criterion (``criterion`` None, or a new unsaved one) or change
    one with ``data`` (``CRITERION_FIELDS``). Rules: the field choices and
    ``priority_criterion_check``; ValidationError with field messages otherwise."""
    criterion = criterion if criterion is not None else PriorityCriterion()
    fields_apply(instance=criterion, data=data, allowed=CRITERION_FIELDS)
    criterion.full_clean()
    priority_criterion_check(criterion=criterion)
    criterion.save()
    return criterion


@transaction.atomic
def priority_matrix_row_save(
    *, row: PriorityMatrixRow, data: Mapping[str, Any]
) -> PriorityMatrixRow:
    """Change the priorities of one impact row for some urgencies (``MATRIX_FIELDS``).
    Rules: each is a priority, P1..P4; ValidationError with field messages otherwise."""
    fields_apply(instance=row, data=data, allowed=MATRIX_FIELDS)
    row.full_clean()
    row.save()
    return row
