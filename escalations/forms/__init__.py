"""Crispy forms of the priority and escalation pages. They validate input; services decide."""

from escalations.forms.managed import (
    ActionDoneForm,
    ActionItemForm,
    CloseForm,
    EscalationForm,
    ManagerForm,
    MemberForm,
    MonitorForm,
    ReopenForm,
)
from escalations.forms.review import RATINGS, ReviewForm, rating_field
from escalations.forms.ticket import EscalateForm, PriorityOverrideForm, RejectForm
from escalations.forms.widgets import Button, DateTimeLocalInput, TierChoiceField, handoff_field

__all__ = [
    "RATINGS",
    "ActionDoneForm",
    "ActionItemForm",
    "Button",
    "CloseForm",
    "DateTimeLocalInput",
    "EscalateForm",
    "EscalationForm",
    "ManagerForm",
    "MemberForm",
    "MonitorForm",
    "PriorityOverrideForm",
    "RejectForm",
    "ReopenForm",
    "ReviewForm",
    "TierChoiceField",
    "handoff_field",
    "rating_field",
]
