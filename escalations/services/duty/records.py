"""Writes on duty records from the pages and the API: overrides, absences and
an agent's hand-over note. Each checks who may write it and what is written."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from escalations.models import Absence, DutyOverride, HandoverNote, TeamSchedule
from escalations.services.duty import config
from tickets.models import Team, Ticket, User
from tickets.selectors import user_is_admin, user_is_agent


def _may_plan_for_team(actor: User, team: Team) -> bool:
    return user_is_admin(actor) or team.manager_id == actor.pk


def _may_plan_for_person(actor: User, person: User) -> bool:
    return (
        actor.pk == person.pk
        or user_is_admin(actor)
        or Team.objects.filter(manager=actor, members=person).exists()
    )


@transaction.atomic
def duty_override_create(
    *,
    actor: User,
    schedule: TeamSchedule,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    user: User | None = None,
    layer: int | None = None,
    note: str = "",
) -> DutyOverride:
    """A person on call, or the team on or off duty, for a period: the team's
    manager or an admin."""
    if not _may_plan_for_team(actor, schedule.team):
        raise PermissionDenied(_("Only the team's manager or an admin may override its duty."))
    if kind not in DutyOverride.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of override.")})
    config.override_check(kind=kind, user=user, layer=layer, starts_at=starts_at, ends_at=ends_at)
    return DutyOverride.objects.create(
        schedule=schedule,
        kind=kind,
        user=user,
        layer=layer,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
    )


def duty_override_delete(*, actor: User, override: DutyOverride) -> None:
    if not _may_plan_for_team(actor, override.schedule.team):
        raise PermissionDenied(_("Only the team's manager or an admin may override its duty."))
    override.delete()


@transaction.atomic
def absence_create(
    *, actor: User, user: User, kind: str, starts_at: datetime, ends_at: datetime, note: str = ""
) -> Absence:
    """Someone's leave, sickness or time out of office: the person, a manager of a
    team they are in, or an admin."""
    if not _may_plan_for_person(actor, user):
        raise PermissionDenied(_("Only the person, their manager or an admin may do this."))
    if kind not in Absence.Kind.values:
        raise ValidationError({"kind": _("Unknown kind of absence.")})
    config.period_check(starts_at=starts_at, ends_at=ends_at)
    return Absence.objects.create(
        user=user, kind=kind, starts_at=starts_at, ends_at=ends_at, note=note.strip()
    )


def absence_delete(*, actor: User, absence: Absence) -> None:
    if not _may_plan_for_person(actor, absence.user):
        raise PermissionDenied(_("Only the person, their manager or an admin may do this."))
    absence.delete()


@transaction.atomic
def handover_note_save(*, ticket: Ticket, actor: User, text: str) -> HandoverNote | None:
    """What the next team should know (what was done, what is next), kept for the
    ticket's next hand-over; an empty text removes it. Agents only."""
    if not user_is_agent(actor):
        raise PermissionDenied(_("Only agents can write hand-over notes."))
    text = (text or "").strip()
    if len(text) > 5000:
        raise ValidationError({"text": _("Keep the note under 5000 characters.")})
    if not text:
        HandoverNote.objects.filter(ticket=ticket).delete()
        return None
    note, _created = HandoverNote.objects.update_or_create(
        ticket=ticket, defaults={"text": text, "updated_by": actor}
    )
    return note
