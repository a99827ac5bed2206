"""Personal data the escalations app holds: texts written about a requester's
ticket (reason, hand-off, action plan, closure, review, shift-end hand-overs) and
its escalation team's contacts.

The facts stay (trigger, levels, times, ratings): only the texts, and the values
of the system's notes among them, are scrubbed of the requester's name and
address. Rows go with their ticket (a cascade)."""

from escalations.models import (
    ActionItem,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
    Handover,
    HandoverNote,
)
from tickets.holders import ModelHolder, register

register(
    ModelHolder(
        Escalation,
        ticket_lookup="ticket_id",
        text_fields=(
            "reason",
            "summary",
            "steps_taken",
            "impact_assessment",
            "customer_context",
            "time_constraints",
            "assistance_requested",
            "rejection_reason",
            "closure_note",
        ),
        json_fields=("reason_params", "rejection_reason_params", "handoff_notes"),
    ),
    # The draft quotes the title, the timeline and comments: its values too.
    ModelHolder(
        Handover,
        ticket_lookup="ticket_id",
        text_fields=("draft", "note"),
        json_fields=("draft_params",),
    ),
    ModelHolder(HandoverNote, ticket_lookup="ticket_id", text_fields=("text",)),
    ModelHolder(
        EscalationTeamMember,
        ticket_lookup="escalation__ticket_id",
        user_lookup="user_id",
        text_fields=("name", "contact"),
    ),
    ModelHolder(ActionItem, ticket_lookup="escalation__ticket_id", text_fields=("description",)),
    ModelHolder(
        EscalationReview,
        ticket_lookup="escalation__ticket_id",
        text_fields=(
            "root_cause",
            "what_helped",
            "what_hindered",
            "lessons_learned",
            "preventive_actions",
            "problem_reference",
        ),
    ),
)
