"""When a stakeholder update is due, and the first action towards it.

Pure: these functions set fields on an ``UpdateCadence`` and read its
``CommunicationPlan``, and never touch the database. Cadences run on
wall-clock time (see ``notifications.services.plans``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from notifications.models import CommunicationPlan, UpdateCadence


def every(plan: CommunicationPlan) -> timedelta:
    """The plan's cadence: how long after one update the next is due."""
    return timedelta(minutes=plan.cadence_minutes)


def aim(cadence: UpdateCadence, plan: CommunicationPlan, due_at: datetime) -> None:
    """Set the next due time and the first action towards it: the reminder, when
    the plan asks for one shorter than the cadence, else the due time itself."""
    cadence.plan = plan
    cadence.due_at = due_at
    cadence.aimed_cadence_minutes = plan.cadence_minutes
    cadence.aimed_remind_minutes = plan.remind_before_minutes
    remind = plan.remind_before_minutes
    if 0 < remind < plan.cadence_minutes:
        cadence.stage = UpdateCadence.Stage.REMIND
        cadence.next_action_at = due_at - timedelta(minutes=remind)
    else:
        cadence.stage = UpdateCadence.Stage.DUE
        cadence.next_action_at = due_at


def timing_changed(cadence: UpdateCadence, plan: CommunicationPlan) -> bool:
    """Whether the plan's cadence or reminder changed since the cadence was aimed."""
    return (cadence.aimed_cadence_minutes, cadence.aimed_remind_minutes) != (
        plan.cadence_minutes,
        plan.remind_before_minutes,
    )
