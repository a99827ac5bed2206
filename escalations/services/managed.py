"""The life of a managed (hierarchical) escalation: open, monitor, reopen, close,
and the sweep that flags ended monitoring periods.

A managed escalation brings management in: its escalation manager is the
management team's manager (changeable), it has an escalation team and an action
plan (``managed_team``), and it moves ``active -> monitoring (until a date agreed
with the customer) -> closed`` (``escalations.pipeline`` declares the moves). If
the ticket reopens during monitoring the escalation is active again
(``resolution``). It cannot close without a submitted review (``reviews``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalations import events
from escalations.models import Escalation
from escalations.pipeline import Action, set_status
from escalations.selectors import management_team, review_get
from escalations.services.duty.management import on_call_now
from escalations.services.records import (
    escalation_create_once,
    escalation_step_record,
    handoff_columns,
)
from escalations.services.steps import check_moment, escalation_lock, step_begin
from tickets import notes
from tickets.models import Team, Ticket, Tier, User
from tickets.services import ticket_lock

Kind, Trigger, State = Escalation.Kind, Escalation.Trigger, Escalation.Status


def managed_escalation_open(
    *,
    ticket: Ticket,
    actor: User | None,
    trigger: str,
    reason: str | notes.Note,
    now: datetime,
    key: str = "",
    from_tier: str = "",
    handoff: Mapping[str, str | notes.Note] | None = None,
) -> Escalation | None:
    """Open the ticket's managed escalation, unless one is open already (at most one
    per ticket; None then). Its escalation manager is the management team's manager
    on call (its on-call rotation), else the team's manager.

    Opened because the ticket entered a management level, it comes ``from_tier``
    (where the ticket was before) with the ``handoff`` of that move; otherwise from
    the ticket's level, with what an automatic escalation can say for itself."""
    team = management_team()
    if handoff is None:
        handoff = {}
        if trigger != Trigger.MANUAL:
            from escalations.services.automatic import automatic_handoff  # it builds on this

            handoff = automatic_handoff(ticket=ticket, why=reason)
    escalation = escalation_create_once(
        ticket=ticket,
        kind=Kind.HIERARCHICAL,
        trigger=trigger,
        status=State.ACTIVE,
        from_tier=from_tier or ticket.level,
        to_tier=Tier.MGMT,
        to_team=team,
        **notes.text_fields(reason, "reason"),
        requested_by=actor,
        manager=_manager_on_duty(team, now),
        trigger_key=key,
        **handoff_columns(handoff),
    )
    if escalation is None:
        return None
    escalation_step_record(
        ticket=ticket,
        actor=actor,
        escalation=escalation,
        step=events.Step.OPENED,
        what=notes.note(
            "escalation.opened",
            m=escalation.manager or notes.note("escalation.no_manager"),
            why=reason,
        ),
    )
    return escalation


def _manager_on_duty(team: Team | None, now: datetime) -> User | None:
    if team is None:
        return None
    return on_call_now([team], at=now).get(team.pk, team.manager)


@transaction.atomic
def managed_escalation_monitor(
    *, escalation: Escalation, actor: User, until: datetime
) -> Escalation:
    """The fix is in: an active escalation is watched until the date agreed with the
    customer, which must lie ahead. Its manager decides; not on a closed ticket."""
    check_moment(until, "until")
    if until <= timezone.now():
        raise ValidationError({"until": _("The monitoring period must end in the future.")})
    locked = step_begin(escalation=escalation, actor=actor, action=Action.MONITOR)
    set_status(locked, State.MONITORING)
    locked.monitoring_until, locked.monitoring_ended_at = until, None
    locked.save(update_fields=["status", "monitoring_until", "monitoring_ended_at"])
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.MONITORING,
        what=notes.note("escalation.monitoring", until=until),
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
def managed_escalation_reopen(
    *, escalation: Escalation, actor: User | None, reason: str | notes.Note
) -> Escalation:
    """Back to active: the problem came back, or monitoring showed it is not solved.

    A person (who manages the escalation) says why, and reopens one in monitoring or
    closed, not on a closed ticket; the system (``actor`` None, the ticket reopened
    during monitoring) needs no permission and reopens only an escalation still in
    monitoring. Never while another managed escalation of the ticket is open."""
    if not isinstance(reason, notes.Note):  # a person's words (the system's: a note)
        reason = (reason or "").strip()
    if actor is not None:
        if not reason:
            raise ValidationError({"reason": _("Say why the escalation is active again.")})
        locked = step_begin(escalation=escalation, actor=actor, action=Action.REOPEN)
    else:  # the system: the ticket was reopened during monitoring
        locked = escalation_lock(escalation=escalation)
        if locked.kind != Kind.HIERARCHICAL or locked.status != State.MONITORING:
            return locked  # closed or reopened meanwhile: nothing to do
    _refuse_second_open(locked)
    # Active again: the closure and the monitoring period no longer stand.
    set_status(locked, State.ACTIVE)
    locked.closed_at = None
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
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.REOPENED,
        what=notes.note("escalation.reopened", r=reason),
    )
    return locked


@transaction.atomic
def managed_escalation_close(
    *,
    escalation: Escalation,
    actor: User,
    closure_note: str,
    customer_agreed: bool,
    close_open_actions: bool = False,
) -> Escalation:
    """Its manager closes an active or monitored escalation with a note recording the
    customer's agreement, once the post-escalation review is submitted. Action
    items still open need ``close_open_actions``; which were open is recorded."""
    closure_note = (closure_note or "").strip()
    locked = step_begin(escalation=escalation, actor=actor, action=Action.CLOSE)
    errors = {}
    if not closure_note:
        errors["closure_note"] = _("Record how it was closed.")
    if not customer_agreed:
        errors["customer_agreed"] = _("Close only once the customer agrees.")
    review = review_get(escalation=locked)
    if review is None or not review.is_submitted:
        errors["review"] = _("Submit the post-escalation review first.")
    still_open = list(
        locked.action_items.filter(done_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("description", flat=True)
    )
    if still_open and not close_open_actions:
        errors["close_open_actions"] = ngettext(
            "%(count)d action item is still open: %(items)s. Confirm to close with it open.",
            "%(count)d action items are still open: %(items)s. Confirm to close with them open.",
            len(still_open),
        ) % {"count": len(still_open), "items": "; ".join(still_open)}
    if errors:
        raise ValidationError(errors)
    set_status(locked, State.CLOSED)
    locked.closed_at = timezone.now()
    locked.closure_note, locked.customer_agreed = closure_note, True
    locked.save(update_fields=["status", "closed_at", "closure_note", "customer_agreed"])
    escalation_step_record(
        ticket=locked.ticket,
        actor=actor,
        escalation=locked,
        step=events.Step.CLOSED,
        what=notes.note(
            "escalation.closed_open_items", n=locked.closure_note, items="; ".join(still_open)
        )
        if still_open
        else notes.note("escalation.closed", n=locked.closure_note),
    )
    return locked


def monitoring_sweep(*, now: datetime | None = None) -> int:
    """Flag, once, the monitoring periods that have ended (a guarded update: a second
    sweeper or a retried task flags nothing more). The escalation stays in monitoring
    until its manager closes or reopens it."""
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
                escalation_step_record(
                    ticket=escalation.ticket,
                    actor=None,
                    escalation=escalation,
                    step=events.Step.MONITORING_ENDED,
                    what=notes.note("escalation.monitoring_ended"),
                )
    return flagged
