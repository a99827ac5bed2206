"""Hierarchical (managed) escalations and post-escalation reviews.

A managed escalation brings management in: its escalation manager is the
management team's manager (changeable), it has an escalation team and an action
plan, and it moves ``active -> monitoring (until a date agreed with the
customer) -> closed``. If the ticket reopens during monitoring the escalation is
active again. It cannot close without a submitted review. When an escalated
ticket is resolved, a review of its latest escalation is requested.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations import events
from escalations.models import (
    ActionItem,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
)
from escalations.services.records import create_once, record
from tickets.models import Status, Team, Ticket, Tier, User
from tickets.selectors import user_is_admin, user_is_agent, user_team_ids
from tickets.services import ticket_lock

Kind, Trigger, State = Escalation.Kind, Escalation.Trigger, Escalation.Status
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


def management_team() -> Team | None:
    return Team.objects.filter(tier=Tier.MGMT).select_related("manager").order_by("name").first()


def managed_open(
    *,
    ticket: Ticket,
    actor: User | None,
    trigger: str,
    reason: str,
    now: datetime,
    key: str = "",
    from_tier: str = "",
    handoff: Mapping[str, str] | None = None,
) -> Escalation | None:
    """Open the ticket's managed escalation, unless one is open already.

    Opened because the ticket entered a management level, it comes ``from_tier``
    (where the ticket was before) with the ``handoff`` of that move; otherwise from
    the ticket's level, with what an automatic escalation can say for itself."""
    team = management_team()
    if handoff is None:
        handoff = {}
        if trigger != Trigger.MANUAL:
            from escalations.services.escalate import automatic_handoff

            handoff = automatic_handoff(ticket, reason)
    escalation = create_once(
        ticket=ticket,
        kind=Kind.HIERARCHICAL,
        trigger=trigger,
        status=State.ACTIVE,
        from_tier=from_tier or ticket.level,
        to_tier=Tier.MGMT,
        to_team=team,
        reason=reason,
        requested_by=actor,
        manager=team.manager if team else None,
        trigger_key=key,
        **handoff,
    )
    if escalation is None:
        return None
    record(
        ticket,
        actor,
        escalation,
        _("Managed escalation opened; escalation manager: %(m)s. %(why)s")
        % {"m": escalation.manager or _("none"), "why": reason},
        step=events.Step.OPENED,
    )
    return escalation


def can_manage(escalation: Escalation, user: User) -> bool:
    """The escalation manager, a manager of a team involved, or an admin."""
    if user_is_admin(user) or escalation.manager_id == user.pk:
        return True
    team = escalation.to_team
    return team is not None and team.manager_id == user.pk


def _locked(escalation: Escalation, actor: User, *states: str) -> Escalation:
    if not can_manage(escalation, actor):
        raise PermissionDenied(_("Only the escalation manager may do this."))
    return _check_step(_lock(escalation), *states)


def _lock(escalation: Escalation) -> Escalation:
    """The ticket first, then the escalation (see ``records.lock_ticket``)."""
    ticket_lock(escalation.ticket)
    return (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .get(pk=escalation.pk)
    )


def _check_step(locked: Escalation, *states: str) -> Escalation:
    if locked.kind != Kind.HIERARCHICAL:
        raise ValidationError({"status": _("Only managed escalations have this step.")})
    if states and locked.status not in states:
        raise ValidationError(
            {
                "status": _("Not possible while the escalation is %(s)s.")
                % {"s": locked.get_status_display()}
            }
        )
    return locked


@transaction.atomic
def managed_set_manager(*, escalation: Escalation, actor: User, manager: User) -> Escalation:
    locked = _locked(escalation, actor, State.ACTIVE, State.MONITORING)
    if not user_is_agent(manager):
        raise ValidationError({"manager": _("The escalation manager must be an agent.")})
    locked.manager = manager
    locked.save(update_fields=["manager"])
    record(
        locked.ticket,
        actor,
        locked,
        _("Escalation manager: %(m)s") % {"m": manager},
        step=events.Step.MANAGER_CHANGED,
    )
    return locked


@transaction.atomic
def member_add(
    *,
    escalation: Escalation,
    actor: User,
    role: str,
    user: User | None = None,
    name: str = "",
    contact: str = "",
) -> EscalationTeamMember:
    locked = _locked(escalation, actor, State.ACTIVE, State.MONITORING)
    if user is None and not name.strip():
        raise ValidationError({"name": _("Give a user or a name.")})
    member = EscalationTeamMember(
        escalation=locked, role=role, user=user, name=name.strip(), contact=contact.strip()
    )
    member.full_clean()
    member.save()
    record(
        locked.ticket,
        actor,
        locked,
        _("Escalation team: %(role)s %(who)s")
        % {"role": member.get_role_display(), "who": user or name},
        step=events.Step.TEAM_CHANGED,
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
    _check_moment(due_at, "due_at")
    if owner is not None and not user_is_agent(owner):
        raise ValidationError({"owner": _("An action's owner is an agent.")})
    locked = _locked(escalation, actor, State.ACTIVE, State.MONITORING)
    item = ActionItem(
        escalation=locked, description=description.strip(), owner=owner, due_at=due_at
    )
    item.full_clean()
    item.save()
    record(
        locked.ticket,
        actor,
        locked,
        _("Action: %(d)s") % {"d": item.description},
        step=events.Step.ACTION,
    )
    return item


@transaction.atomic
def action_item_done(*, item: ActionItem, actor: User, done: bool = True) -> ActionItem:
    locked = _locked(item.escalation, actor, State.ACTIVE, State.MONITORING)
    ActionItem.objects.filter(pk=item.pk).update(done_at=timezone.now() if done else None)
    item.refresh_from_db()
    record(
        locked.ticket,
        actor,
        locked,
        (_("Action done: %(d)s") if done else _("Action reopened: %(d)s"))
        % {"d": item.description},
        step=events.Step.ACTION,
    )
    return item


def _refuse_closed_ticket(escalation: Escalation) -> None:
    if escalation.ticket.status == Status.CLOSED:
        raise ValidationError(
            {"status": _("The ticket is closed: reopen it before working its escalation.")}
        )


def _check_moment(value: datetime | None, field: str) -> None:
    """A date every page can show in any time zone: 1970 to 9998 in UTC."""
    if value is None:
        return
    try:
        year = value.astimezone(UTC).year
    except OverflowError:
        year = 0
    if not 1970 <= year <= 9998:
        raise ValidationError({field: _("Give a date between 1970 and 9998.")})


@transaction.atomic
def managed_monitor(*, escalation: Escalation, actor: User, until: datetime) -> Escalation:
    """The fix is in: watch until the date agreed with the customer."""
    _check_moment(until, "until")
    if until <= timezone.now():
        raise ValidationError({"until": _("The monitoring period must end in the future.")})
    locked = _locked(escalation, actor, State.ACTIVE)
    _refuse_closed_ticket(locked)
    locked.status, locked.monitoring_until, locked.monitoring_ended_at = (
        State.MONITORING,
        until,
        None,
    )
    locked.save(update_fields=["status", "monitoring_until", "monitoring_ended_at"])
    record(
        locked.ticket,
        actor,
        locked,
        _("Monitoring until %(until)s.") % {"until": f"{until.astimezone(UTC):%Y-%m-%d %H:%M} UTC"},
        step=events.Step.MONITORING,
    )
    return locked


def _refuse_second_open(escalation: Escalation) -> None:
    """A ticket has at most one open managed escalation: reopening a closed one while
    another is open is refused, naming the open one."""
    other = (
        Escalation.objects.filter(
            ticket_id=escalation.ticket_id,
            kind=Kind.HIERARCHICAL,
            status__in=[State.ACTIVE, State.MONITORING],
        )
        .exclude(pk=escalation.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "status": _(
                    "Managed escalation #%(other)s of this ticket is open: work on it "
                    "instead, or close it before reopening this one."
                )
                % {"other": other.pk}
            }
        )


@transaction.atomic
def managed_reopen(*, escalation: Escalation, actor: User | None, reason: str) -> Escalation:
    """Back to active: the problem came back, or monitoring showed it is not solved.

    A person (who manages the escalation) says why; the system (``actor`` None, the
    ticket reopened during monitoring) needs no permission and reopens only an
    escalation still in monitoring."""
    reason = (reason or "").strip()
    if actor is not None:
        if not reason:
            raise ValidationError({"reason": _("Say why the escalation is active again.")})
        locked = _locked(escalation, actor, State.MONITORING, State.CLOSED)
        _refuse_closed_ticket(locked)
    else:  # the system: the ticket was reopened during monitoring
        locked = _lock(escalation)
        if locked.kind != Kind.HIERARCHICAL or locked.status != State.MONITORING:
            return locked  # closed or reopened meanwhile: nothing to do
    _refuse_second_open(locked)
    # Active again: the closure and the monitoring period no longer stand.
    locked.status, locked.closed_at = State.ACTIVE, None
    locked.closure_note, locked.customer_agreed = "", False
    locked.monitoring_until = locked.monitoring_ended_at = None
    fields = ["status", "closed_at", "closure_note", "customer_agreed"]
    fields += ["monitoring_until", "monitoring_ended_at"]
    try:
        with transaction.atomic():
            locked.save(update_fields=fields)
    except IntegrityError:  # another one opened meanwhile: say which
        _refuse_second_open(locked)
        raise
    record(
        locked.ticket,
        actor,
        locked,
        _("Escalation active again: %(r)s") % {"r": reason},
        step=events.Step.REOPENED,
    )
    return locked


@transaction.atomic
def managed_close(
    *, escalation: Escalation, actor: User, closure_note: str, customer_agreed: bool
) -> Escalation:
    """Close with a note recording the customer's agreement; needs a submitted review."""
    closure_note = (closure_note or "").strip()
    locked = _locked(escalation, actor, State.ACTIVE, State.MONITORING)
    errors = {}
    if not closure_note:
        errors["closure_note"] = _("Record how it was closed.")
    if not customer_agreed:
        errors["customer_agreed"] = _("Close only once the customer agrees.")
    review = EscalationReview.objects.filter(escalation=locked).first()
    if review is None or not review.is_submitted:
        errors["review"] = _("Submit the post-escalation review first.")
    if errors:
        raise ValidationError(errors)
    locked.status, locked.closed_at = State.CLOSED, timezone.now()
    locked.closure_note, locked.customer_agreed = closure_note, True
    locked.save(update_fields=["status", "closed_at", "closure_note", "customer_agreed"])
    record(
        locked.ticket,
        actor,
        locked,
        _("Managed escalation closed: %(n)s") % {"n": locked.closure_note},
        step=events.Step.CLOSED,
    )
    return locked


def review_request(escalation: Escalation, actor: User | None) -> EscalationReview:
    review, created = EscalationReview.objects.get_or_create(escalation=escalation)
    if created:
        record(
            escalation.ticket,
            actor,
            escalation,
            _("Post-escalation review requested."),
            step=events.Step.REVIEW_REQUESTED,
        )
    return review


def can_review(escalation: Escalation, user: User) -> bool:
    """Who writes the review: the escalation manager, the managers of the teams
    involved (the receiving team and the ticket's team), the receiving team's members,
    or an admin."""
    if not user.is_authenticated:
        return False
    if user_is_admin(user) or escalation.manager_id == user.pk:
        return True
    teams = [team for team in (escalation.to_team, escalation.ticket.team) if team is not None]
    if any(team.manager_id == user.pk for team in teams):
        return True
    return escalation.to_team_id is not None and escalation.to_team_id in user_team_ids(user)


def review_frozen(escalation: Escalation) -> bool:
    """A managed escalation's review is frozen once the escalation is closed. A
    functional escalation is closed as soon as the ticket moves on or is resolved
    (which is when its review is asked for), so its review is frozen once the
    ticket is closed."""
    if escalation.kind == Kind.HIERARCHICAL:
        return escalation.status == State.CLOSED
    return escalation.ticket.status == Status.CLOSED


@transaction.atomic
def review_submit(
    *, escalation: Escalation, actor: User, data: Mapping[str, Any]
) -> EscalationReview:
    """Fill in the review (``can_review`` says who), until it is frozen
    (``review_frozen``). Root cause, its category and the three ratings are required."""
    if not can_review(escalation, actor):
        raise PermissionDenied(
            _(
                "Only the escalation manager, the managers of the teams involved, the "
                "receiving team or an admin review an escalation."
            )
        )
    escalation = _lock(escalation)
    if escalation.status in (State.REQUESTED, State.REJECTED):
        raise ValidationError({"review": _("Only an escalation that took place is reviewed.")})
    if review_frozen(escalation):
        raise ValidationError(
            {"review": _("The escalation is closed: its review can no longer be changed.")}
        )
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
    record(
        escalation.ticket,
        actor,
        escalation,
        _("Post-escalation review submitted."),
        step=events.Step.REVIEWED,
    )
    return review


# --- reactions to ticket changes and the monitoring sweep -----------------------------------


def _withdraw_requests(ticket: Ticket, now: datetime) -> None:
    """A resolved ticket needs no escalation: requests awaiting approval are closed
    (rejected, with the reason), so they leave the approvals queue."""
    reason = _("The ticket was resolved before a decision.")
    for escalation in Escalation.objects.select_for_update().filter(
        ticket=ticket, status=State.REQUESTED
    ):
        escalation.status, escalation.rejection_reason = State.REJECTED, reason
        escalation.decided_at = escalation.closed_at = now
        escalation.save(update_fields=["status", "rejection_reason", "decided_at", "closed_at"])
        record(
            ticket,
            None,
            escalation,
            _("Escalation request withdrawn: %(reason)s") % {"reason": reason},
            step=events.Step.REJECTED,
        )


def on_ticket_status(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """Resolving ends functional escalations and asks for a review; reopening during
    monitoring makes the managed escalation active again."""
    if new == Status.RESOLVED:
        now = timezone.now()
        Escalation.objects.filter(ticket=ticket, kind=Kind.FUNCTIONAL, status=State.ACTIVE).update(
            status=State.CLOSED, closed_at=now
        )
        _withdraw_requests(ticket, now)
        latest = (
            Escalation.objects.filter(ticket=ticket)
            .exclude(status__in=[State.REQUESTED, State.REJECTED])
            .order_by("-kind", "-created_at", "-id")  # a managed escalation first
            .first()
        )
        if latest is not None:
            review_request(latest, actor)
    elif old == Status.RESOLVED and new == Status.OPEN:
        for escalation in Escalation.objects.filter(
            ticket=ticket, kind=Kind.HIERARCHICAL, status=State.MONITORING
        ):
            managed_reopen(
                escalation=escalation,
                actor=None,
                reason=_("the ticket was reopened during monitoring"),
            )


def monitoring_sweep(*, now: datetime | None = None) -> int:
    """Flag, once, the monitoring periods that have ended."""
    now = now or timezone.now()
    flagged = 0
    due = Escalation.objects.filter(
        status=State.MONITORING, monitoring_until__lte=now, monitoring_ended_at__isnull=True
    ).select_related("ticket")
    for escalation in due:
        with transaction.atomic():
            ticket_lock(escalation.ticket)
            won = Escalation.objects.filter(
                pk=escalation.pk, monitoring_ended_at__isnull=True, status=State.MONITORING
            ).update(monitoring_ended_at=now)
            if won:
                flagged += 1
                record(
                    escalation.ticket,
                    None,
                    escalation,
                    _("Monitoring period ended: close the escalation or reopen it."),
                    step=events.Step.MONITORING_ENDED,
                )
    return flagged
