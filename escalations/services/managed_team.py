"""Working a managed escalation: its escalation manager, its escalation team
(incident and problem owners, experts, customer and provider contacts) and its
action plan. Each step is taken by the people who manage the escalation
(``selectors.can_manage``), while it is active or in monitoring
(``escalations.pipeline``), and is recorded on the ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import events
from escalations.models import ActionItem, Escalation, EscalationTeamMember
from escalations.pipeline import Action
from escalations.services.records import escalation_step_record
from escalations.services.steps import check_moment, step_begin
from tickets import notes
from tickets.models import User
from tickets.selectors import user_is_agent


@transaction.atomic
def escalation_manager_change(*, escalation: Escalation, actor: User, manager: User) -> Escalation:
    """Hand the escalation to another escalation manager, who must be an agent."""
    locked = step_begin(escalation=escalation, actor=actor, action=Action.SET_MANAGER)
    if not user_is_agent(manager):
        raise ValidationError({"manager": _("The escalation manager must be an agent.")})
    locked.manager = manager
    locked.save(update_fields=["manager"])
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.MANAGER_CHANGED,
        what=notes.note("escalation.manager", m=manager),
    )
    return locked


@transaction.atomic
def escalation_member_add(
    *,
    escalation: Escalation,
    actor: User,
    role: str,
    user: User | None = None,
    name: str = "",
    contact: str = "",
) -> EscalationTeamMember:
    """Name someone to the escalation team in ``role``: a user, or a person outside
    Escalade by name (with an e-mail address or phone number to reach them)."""
    locked = step_begin(escalation=escalation, actor=actor, action=Action.ADD_MEMBER)
    if user is None and not name.strip():
        raise ValidationError({"name": _("Give a user or a name.")})
    member = EscalationTeamMember(
        escalation=locked, role=role, user=user, name=name.strip(), contact=contact.strip()
    )
    member.full_clean()
    member.save()
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.TEAM_CHANGED,
        what=notes.note("escalation.team", role=member.role, who=user or name),
    )
    return member


@transaction.atomic
def action_item_add(
    *,
    escalation: Escalation,
    actor: User,
    description: str,
    owner: User | None = None,
    due_at: datetime | None = None,
) -> ActionItem:
    """Add an item to the action plan; its owner, if any, is an agent, and its due
    time a date every page can show, not already past."""
    check_moment(due_at, "due_at")
    # the form's time has minutes only: "now" picked a few seconds ago still passes
    if due_at is not None and due_at < timezone.now() - timedelta(minutes=1):
        raise ValidationError({"due_at": _("An action is due from now on, not in the past.")})
    if owner is not None and not user_is_agent(owner):
        raise ValidationError({"owner": _("An action's owner is an agent.")})
    locked = step_begin(escalation=escalation, actor=actor, action=Action.ADD_ACTION)
    item = ActionItem(
        escalation=locked, description=description.strip(), owner=owner, due_at=due_at
    )
    item.full_clean()
    item.save()
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.ACTION,
        what=notes.note("escalation.action", d=item.description),
    )
    return item


@transaction.atomic
def action_item_mark_done(*, item: ActionItem, actor: User, done: bool = True) -> ActionItem:
    """Mark an action-plan item done now, or (``done`` false) open again."""
    locked = step_begin(escalation=item.escalation, actor=actor, action=Action.MARK_ACTION)
    ActionItem.objects.filter(pk=item.pk).update(done_at=timezone.now() if done else None)
    item.refresh_from_db()
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.ACTION,
        what=notes.note(
            "escalation.action_done" if done else "escalation.action_reopened", d=item.description
        ),
    )
    return item
