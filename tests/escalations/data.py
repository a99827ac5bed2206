"""What the escalation tests hand over and review with, and who they act as."""

from tickets.models import User

HANDOFF = {
    "summary": "Core switch flapping",
    "steps_taken": "Rebooted the access switch",
    "impact_assessment": "Office offline",
    "customer_context": "Acme Retail, quarter-end",
    "time_constraints": "Payroll at 16:00",
    "assistance_requested": "Check the core switch",
}

REVIEW = {
    "root_cause": "Bad firmware",
    "root_cause_category": "hardware",
    "effectiveness": 4,
    "handoff_quality": 5,
    "customer_satisfaction": 4,
}


def user(name: str) -> User:
    return User.objects.get(username=name)
