"""What resolving and reopening a ticket do to its escalations (a listener of
``TICKET_STATUS_CHANGED``, subscribed in ``escalations.apps``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from escalations import events
from escalations.models import Escalation
from escalations.pipeline import set_status
from escalations.services.managed import managed_escalation_reopen
from escalations.services.records import escalation_step_record
from escalations.services.reviews import review_request
from escalations.services.steps import functional_escalations_close
from tickets import notes
from tickets.models import Status, Ticket, User

Kind, State = Escalation.Kind, Escalation.Status


def _withdraw_requests(ticket: Ticket, now: datetime) -> None:
    """A resolved ticket needs no escalation: requests awaiting approval are closed
    (rejected, with the reason and no decider), so they leave the approvals queue."""
    reason = notes.note("escalation.resolved_first")
    for escalation in Escalation.objects.select_for_update().filter(
        ticket=ticket, status=State.REQUESTED
    ):
        set_status(escalation, State.REJECTED)
        said = notes.text_fields(reason, "rejection_reason")
        for name, value in said.items():
            setattr(escalation, name, value)
        escalation.decided_at = escalation.closed_at = now
        escalation.save(update_fields=["status", *said, "decided_at", "closed_at"])
        escalation_step_record(
            ticket=ticket,
            actor=None,
            escalation=escalation,
            step=events.Step.REJECTED,
            what=notes.note("escalation.withdrawn", reason=reason),
        )


def on_ticket_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """Resolving ends functional escalations, withdraws requests awaiting approval
    and asks for a review of the managed escalation (else the latest escalation that
    took place); reopening during monitoring makes the managed escalation active
    again."""
    if new == Status.RESOLVED:
        now = timezone.now()
        functional_escalations_close(ticket=ticket, now=now)
        _withdraw_requests(ticket, now)
        latest = (
            Escalation.objects.filter(ticket=ticket)
            .exclude(status__in=[State.REQUESTED, State.REJECTED])
            .order_by("-kind", "-created_at", "-id")  # a managed escalation first
            .first()
        )
        if latest is not None:
            review_request(escalation=latest, actor=actor)
    elif old == Status.RESOLVED and new == Status.OPEN:
        for escalation in Escalation.objects.filter(
            ticket=ticket, kind=Kind.HIERARCHICAL, status=State.MONITORING
        ):
            managed_escalation_reopen(
                escalation=escalation,
                actor=None,
                reason=notes.note("escalation.reopened_in_monitoring"),
            )
