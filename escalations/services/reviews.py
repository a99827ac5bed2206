"""Post-escalation reviews: requested when an escalated ticket is resolved
(``resolution``), written by the people ``selectors.can_review`` names until the
review is frozen (``pipeline.review_frozen``); a managed escalation cannot close
without one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import events
from escalations.models import Escalation, EscalationReview
from escalations.pipeline import Action
from escalations.services.records import escalation_step_record
from escalations.services.steps import step_begin
from tickets import notes
from tickets.models import User

REVIEW_REQUIRED = (
    "root_cause",
    "root_cause_category",
    "effectiveness",
    "handoff_quality",
    "customer_satisfaction",
)
REVIEW_FIELDS = (
    *REVIEW_REQUIRED,
    "what_helped",
    "what_hindered",
    "lessons_learned",
    "preventive_actions",
    "problem_reference",
)


def review_request(*, escalation: Escalation, actor: User | None) -> EscalationReview:
    """Ask for the escalation's review, once: a second request finds it asked."""
    review, created = EscalationReview.objects.get_or_create(escalation=escalation)
    if created:
        escalation_step_record(
            ticket=escalation.ticket,
            actor=actor,
            escalation=escalation,
            step=events.Step.REVIEW_REQUESTED,
            what=notes.note("escalation.review_requested"),
        )
    return review


@transaction.atomic
def review_submit(
    *, escalation: Escalation, actor: User, data: Mapping[str, Any]
) -> EscalationReview:
    """Fill in the review (``can_review`` says who) of an escalation that took place,
    until it is frozen. Root cause, its category and the three ratings are required;
    writing again edits the review."""
    escalation = step_begin(escalation=escalation, actor=actor, action=Action.REVIEW)
    review = EscalationReview.objects.select_for_update().filter(escalation=escalation).first()
    if review is None:
        review = EscalationReview(escalation=escalation)
    for name in REVIEW_FIELDS:
        if name in data:
            setattr(review, name, data[name])
    missing = {
        n: _("The review needs this.") for n in REVIEW_REQUIRED if getattr(review, n) in (None, "")
    }
    if missing:
        raise ValidationError(missing)
    review.submitted_at, review.submitted_by = timezone.now(), actor
    review.full_clean()
    review.save()
    escalation_step_record(
        ticket=escalation.ticket,
        actor=actor,
        escalation=escalation,
        step=events.Step.REVIEWED,
        what=notes.note("escalation.review_submitted"),
    )
    return review
