"""What escalations publish on the event bus (``tickets.events``): the kinds of
escalation step. The events themselves (``SLA_WARNING``, ``SLA_BREACH``,
``ESCALATION_STEP``) and their payloads are declared with all others there."""

from enum import StrEnum


class Step(StrEnum):
    """A recorded step of an escalation (payload ``step`` of ``ESCALATION_STEP``)."""

    ESCALATED = "escalated"  # the ticket moved up a level (functional)
    REQUESTED = "requested"  # a manual escalation awaits approval
    APPROVED = "approved"
    REJECTED = "rejected"
    OPENED = "opened"  # a managed (hierarchical) escalation opened
    MANAGER_CHANGED = "manager_changed"
    TEAM_CHANGED = "team_changed"
    ACTION = "action"  # an action-plan item added, done or reopened
    MONITORING = "monitoring"
    MONITORING_ENDED = "monitoring_ended"
    REOPENED = "reopened"
    CLOSED = "closed"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"
