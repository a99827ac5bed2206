"""Automatic assignment within a team (``TeamAssignment``): round-robin or
least-loaded among the members on duty and not absent, at most ``cap`` open
tickets each, optionally only those with the ticket's category among their
skills. Applied when a ticket enters a team, when its assignee goes off duty
with an open P1/P2 ticket (``off_duty_reassign_sweep``), and on demand
(``ticket_assign_next``). The reason is written into the timeline.

Exactly once, cap respected: the ticket is locked first, then the team's
assignment row (so one team assigns one ticket at a time), then the chosen
agent's row, under which the agent's open tickets are counted again (so two
teams sharing an agent cannot both fill the agent's last place).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations.models import DutyProfile, TeamAssignment
from escalations.services.duty.schedules import duties_at, duty_of
from tickets import batch, notes
from tickets.models import Priority, Status, Team, Ticket, TicketEvent, User
from tickets.selectors import user_is_admin
from tickets.services import ticket_event_record, ticket_lock
from tickets.services.base import changed_publish

OPEN = (Status.NEW, Status.OPEN, Status.PENDING)
URGENT = (Priority.P1, Priority.P2)
Mode = TeamAssignment.Mode


def open_loads(user_ids) -> dict[int, int]:
    """Open tickets assigned to each of ``user_ids`` (any team)."""
    batch.settle()  # counted as a batch job (the sweep) has moved them so far
    rows = (
        Ticket.objects.filter(assignee_id__in=list(user_ids), status__in=OPEN)
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def _eligible(config: TeamAssignment, ticket: Ticket, now: datetime) -> list[int]:
    """Members on duty, active, not absent, with the skill if asked; in id order."""
    people = set(duty_of(config.team, at=now).people)
    if not people:
        return []
    active = User.objects.filter(pk__in=people, is_active=True)
    if config.match_skills and ticket.category_id:
        active = active.filter(duty_profile__skills=ticket.category_id)
    return sorted(active.values_list("pk", flat=True))


def _order(config: TeamAssignment, candidates: list[int]) -> list[int]:
    """Candidates in turn order: after the last one assigned, cyclically; for
    least-loaded, by open tickets first."""
    last = config.last_assignee_id
    after = [c for c in candidates if last is not None and c > last]
    turn = after + [c for c in candidates if c not in after]
    if config.mode == Mode.LEAST_LOADED:
        loads = open_loads(turn)
        turn.sort(key=lambda c: loads.get(c, 0))  # stable: ties keep the turn order
    return turn


def _assign(*, ticket: Ticket, agent: User, note: str | notes.Note) -> Ticket:
    ticket.assignee = agent
    ticket.save(update_fields=["assignee", "updated_at"])
    ticket_event_record(
        ticket=ticket,
        actor=None,
        kind=TicketEvent.Kind.ASSIGNED,
        field="assignee",
        old=None,
        new=agent,
        note=note,
    )
    return changed_publish(ticket=ticket, actor=None, fields={"assignee"})


def _take(config: TeamAssignment, candidates: list[int]) -> User | None:
    """The first candidate still under the cap, counted under the agent's lock."""
    for candidate in candidates:
        agent = User.objects.select_for_update().get(pk=candidate)
        if open_loads([candidate]).get(candidate, 0) < config.cap:
            return agent
    return None


@transaction.atomic
def ticket_assign_auto(
    *,
    ticket: Ticket | int,
    why: str | notes.Note,
    now: datetime | None = None,
    replace: bool = False,
) -> Ticket | None:
    """Assign the ticket within its team by the team's rule; the ticket as
    assigned, or None (rule off, nobody eligible, everyone at the cap, already
    assigned unless ``replace``)."""
    now = now or timezone.now()
    locked = ticket_lock(ticket)
    if locked.status not in OPEN or locked.team_id is None:
        return None
    if locked.assignee_id and not replace:
        return None
    config = (
        TeamAssignment.objects.select_for_update()
        .select_related("team")
        .filter(team_id=locked.team_id)
        .first()
    )
    if config is None or config.mode == Mode.OFF:
        return None
    candidates = [c for c in _eligible(config, locked, now) if c != locked.assignee_id]
    agent = _take(config, _order(config, candidates))
    if agent is None:
        return None
    config.last_assignee = agent
    config.save(update_fields=["last_assignee"])
    note = notes.note("duty.assigned", mode=config.mode, team=config.team.name, why=why)
    return _assign(ticket=locked, agent=agent, note=note)


def _assigns_automatically(team_id: int) -> bool:
    """Whether the team has an assignment rule; a batch job (the sweep) reads the
    rules once, so tickets moving to teams without one cost nothing more."""
    teams = batch.memo(
        "teams-assigning",
        lambda: set(
            TeamAssignment.objects.exclude(mode=Mode.OFF).values_list("team_id", flat=True)
        ),
    )
    return team_id in teams


def on_team_entered(*, ticket: Ticket, actor: User | None, fields: set[str]) -> None:
    """A ticket that moved to a team, unassigned, is assigned by the team's rule."""
    entered = "team" in fields and ticket.team_id and not ticket.assignee_id
    if entered and _assigns_automatically(ticket.team_id):
        ticket_assign_auto(ticket=ticket.pk, why=notes.note("duty.entered_team"))


def on_ticket_created(*, ticket: Ticket, actor: User | None) -> None:
    if ticket.team_id and not ticket.assignee_id and _assigns_automatically(ticket.team_id):
        ticket_assign_auto(ticket=ticket.pk, why=notes.note("duty.new_ticket"))


def off_duty_reassign_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Open P1/P2 tickets whose assignee is no longer on duty for the ticket's team
    go to someone who is (teams with automatic assignment only)."""
    now = now or timezone.now()
    configs = list(TeamAssignment.objects.exclude(mode=Mode.OFF).select_related("team"))
    if not configs:
        return 0
    duties = duties_at([c.team for c in configs], at=now)
    moved = 0
    for config in configs:
        on_duty = duties[config.team_id].people
        if not on_duty:  # nobody to take them over: they stay until someone is
            continue
        stale = (
            Ticket.objects.filter(
                team_id=config.team_id,
                status__in=OPEN,
                priority__in=URGENT,
                assignee__teams=config.team_id,  # members; a manager's tickets stay
            )
            .exclude(assignee__isnull=True)
            .exclude(assignee_id__in=on_duty)
            .values_list("pk", flat=True)[:limit]
        )
        for pk in stale:
            if ticket_assign_auto(
                ticket=pk, why=notes.note("duty.off_duty"), now=now, replace=True
            ):
                moved += 1
    return moved


def _teams_of(agent: User) -> list[int]:
    return list(Team.objects.filter(members=agent).values_list("pk", flat=True))


@transaction.atomic
def ticket_assign_next(*, agent: User, actor: User, now: datetime | None = None) -> Ticket | None:
    """ "Assign next": the most urgent unassigned open ticket of the agent's teams
    goes to the agent, if under the cap of that team (10 where it has no rule).
    The agent asks for themselves; a manager of one of their teams or an admin
    may ask for them."""
    if actor.pk != agent.pk and not (
        user_is_admin(actor) or Team.objects.filter(manager=actor, members=agent).exists()
    ):
        raise PermissionDenied(_("Only the agent, their manager or an admin may do this."))
    teams = _teams_of(agent)
    if not teams:
        raise ValidationError({"agent": _("%(user)s is in no team.") % {"user": agent}})
    rules = TeamAssignment.objects.filter(team_id__in=teams)
    caps = dict(rules.values_list("team_id", "cap"))
    skilled_teams = set(rules.filter(match_skills=True).values_list("team_id", flat=True))
    skills = set(DutyProfile.objects.filter(user=agent).values_list("skills", flat=True))
    candidates = (
        Ticket.objects.filter(team_id__in=teams, status__in=OPEN, assignee__isnull=True)
        .order_by("priority", "created_at", "pk")
        .select_for_update(of=("self",), no_key=True, skip_locked=True)
    )
    User.objects.select_for_update().get(pk=agent.pk)
    load = open_loads([agent.pk]).get(agent.pk, 0)
    for ticket in candidates[:50]:
        if load >= caps.get(ticket.team_id, 10):
            continue
        if ticket.team_id in skilled_teams and ticket.category_id not in skills | {None}:
            continue
        note = notes.note("duty.assign_next", agent=agent)
        return _assign(ticket=ticket_lock(ticket), agent=agent, note=note)
    return None
