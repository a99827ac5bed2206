"""Reads: SLA-aware lists (next due time, per-clock state filters), the escalations
a user may see, and who may take which step on an escalation."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalations.clockstates import ClockState
from escalations.models import (
    ActionItem,
    BusinessCalendar,
    Escalation,
    EscalationReview,
    EscalationTeamMember,
    PriorityDefinition,
    SlaClock,
)
from tickets.loaded import loaded_row
from tickets.models import Team, Ticket, TicketEvent, Tier, User
from tickets.selectors import (
    agent_filter,
    ticket_involvement_filter,
    ticket_visibility_filter,
    user_is_admin,
    user_is_agent,
    user_team_ids,
)

SLA_STATUS_CHOICES = [
    ("at_risk", gettext_lazy("at risk")),
    ("breached", gettext_lazy("breached")),
    ("paused", gettext_lazy("paused")),
]


def with_clocks(queryset: QuerySet) -> QuerySet:
    """Tickets with their clocks (and the clocks' calendars) in one more query."""
    return queryset.prefetch_related(
        Prefetch(
            "sla_clocks",
            queryset=SlaClock.objects.select_related("calendar").order_by("metric"),
        )
    )


# What the API's list shows of a clock (``SlaClockSerializer``: its state, times and
# business time used), and of its calendar (what ``calendar_spec`` reads to find the
# calendar's hours, cached per calendar until it is edited).
LISTED_CLOCK_FIELDS = (
    *("ticket", "metric", "state", "target", "business_used", "cycle", "calendar"),
    *("started_at", "resumed_at", "warn_at", "due_at", "breached_at", "met_at"),
)
LISTED_CALENDAR_FIELDS = ("time_zone", "is_24x7", "updated_at")


def clocks_attach(tickets: list[Ticket]) -> None:
    """Read the clocks of a page of tickets in one query (only the columns the list
    shows) and set them as each ticket's ``listed_clocks``, in metric order.

    What ``with_clocks`` does, without Django's per-ticket cost of a prefetch (a
    queryset cloned and filtered for each ticket to hold its clocks), with one
    calendar object per calendar instead of one per clock (a page's hundred clocks
    share a few calendars; their columns come with the clocks' row), and each
    clock built from its row as ``from_db`` builds it, without the constructor."""
    by_ticket: dict[int, list[SlaClock]] = {ticket.pk: [] for ticket in tickets}
    if by_ticket:
        names = ["id", *(SlaClock._meta.get_field(name).attname for name in LISTED_CLOCK_FIELDS)]
        joined = [f"calendar__{name}" for name in LISTED_CALENDAR_FIELDS]
        rows = SlaClock.objects.filter(ticket_id__in=list(by_ticket)).order_by("metric")
        rows = rows.values_list(*names, *joined)
        width, at, db = len(names), names.index("calendar_id"), rows.db
        calendars: dict[int, BusinessCalendar] = {}
        calendar_names = ["id", *LISTED_CALENDAR_FIELDS]
        for row in rows:
            clock = loaded_row(SlaClock, db, names, row[:width])
            if (pk := row[at]) is not None:
                if (calendar := calendars.get(pk)) is None:
                    values = (pk, *row[width:])
                    calendar = calendars[pk] = loaded_row(
                        BusinessCalendar, db, calendar_names, values
                    )
                clock._state.fields_cache["calendar"] = calendar  # as ``clock.calendar = ``
            by_ticket[clock.ticket_id].append(clock)
    for ticket in tickets:
        ticket.listed_clocks = by_ticket[ticket.pk]


PAUSED_STATES = frozenset({ClockState.PAUSED, ClockState.BREACHED_PAUSED})


@dataclass(frozen=True)
class Pause:
    paused_at: datetime
    resumed_at: datetime | None  # None while the clock is still paused


def clock_history(*, ticket: Ticket) -> list[SlaClock]:
    """The ticket's clocks with their warnings and breaches (``alerts``) and their
    pauses (``pauses``), read from the audit trail every state change is written
    to. ``ticket`` comes from a list ``with_clocks`` made (the API's tickets): then
    two more queries whatever the length of the history."""
    clocks = list(ticket.sla_clocks.all())
    prefetch_related_objects(clocks, "alerts")
    changes = TicketEvent.objects.filter(
        ticket=ticket, kind=TicketEvent.Kind.SLA, field__startswith="sla:"
    ).order_by("created_at", "id")
    pauses: dict[str, list[Pause]] = {}
    since: dict[str, datetime] = {}
    for change in changes.values_list("field", "new_value", "created_at"):
        metric, state, at = change[0].removeprefix("sla:"), change[1], change[2]
        if state in PAUSED_STATES and metric not in since:
            since[metric] = at
        elif state not in PAUSED_STATES and metric in since:
            pauses.setdefault(metric, []).append(Pause(since.pop(metric), at))
    for metric, at in since.items():
        pauses.setdefault(metric, []).append(Pause(at, None))
    for clock in clocks:
        clock.pauses = pauses.get(clock.metric, [])
    return clocks


def with_next_due(queryset: QuerySet) -> QuerySet:
    """Annotate ``next_due``: the earliest due time of a counting clock, breached
    ones included (kept on the ticket by the SLA services)."""
    return queryset.annotate(next_due=F("sla_due_at"))


URGENCY_ORDER = ("sla_rank", F("sla_due_at").asc(nulls_last=True), "priority", "created_at", "id")


def order_by_urgency(queryset: QuerySet) -> QuerySet:
    """Breached first (most overdue first), then at risk, then on track, each by
    next due time; tickets with no counting clock last, by priority. One indexed
    column set (``ticket_urgency``), no subquery per row."""
    return with_next_due(queryset).order_by(*URGENCY_ORDER)


def filter_sla_status(queryset: QuerySet, state: str, now: datetime) -> QuerySet:
    """Tickets with at least one clock at risk, breached or paused as of ``now``.

    Breached: a clock whose breach stands (overrun counting, paused, or met late:
    what the agent is accountable for, even once answered), or a counting clock
    past its due time that the sweep has not recorded yet. Both are kept on the
    ticket (``sla_breached``, and ``sla_due_at``: the earliest due time of its
    counting clocks), so the filter reads no clock."""
    if state == "breached":
        return queryset.filter(Q(sla_breached=True) | Q(sla_due_at__lte=now))
    clocks = SlaClock.objects.filter(ticket=OuterRef("pk"))
    running = Q(state=ClockState.RUNNING)
    conditions = {
        "at_risk": running & Q(warn_at__lte=now, due_at__gt=now),
        "paused": Q(state=ClockState.PAUSED),
    }
    return queryset.filter(Exists(clocks.filter(conditions[state])))


def priority_definitions() -> list[PriorityDefinition]:
    return list(PriorityDefinition.objects.order_by("priority"))


ESCALATION_RELATED = ("ticket", "ticket__team", "to_team", "to_level", "manager", "requested_by")


def escalation_list(*, user) -> QuerySet:
    """Escalations the user may see: admins all; agents those of tickets they may
    see, those sent to teams they manage, those they manage and those they asked for;
    requesters (in no team) none, not even their own tickets'."""
    qs = Escalation.objects.select_related(*ESCALATION_RELATED).order_by("-created_at", "-id")
    if user_is_admin(user):
        return qs
    if not user_is_agent(user):
        return qs.none()
    visible = Ticket.objects.filter(ticket_visibility_filter(user)).values("pk")
    return qs.filter(
        Q(ticket__in=visible)
        | Q(to_team__manager=user)
        | Q(manager=user)
        | Q(requested_by=user)
        | Q(pk__in=EscalationTeamMember.objects.filter(user=user).values("escalation_id"))
    ).distinct()


def ticket_reach(user) -> Q:
    """Tickets an agent takes part in through escalations: those they asked to
    escalate, and those whose escalation team names them (a ``tickets`` reach filter)."""
    involved = Escalation.objects.filter(ticket=OuterRef("pk")).filter(
        Q(requested_by=user)
        | Q(pk__in=EscalationTeamMember.objects.filter(user=user).values("escalation_id"))
    )
    return Q(Exists(involved))


def escalation_get(*, user, pk) -> Escalation:
    """One of ``escalation_list``, or of a ticket the agent takes part in (and may
    read: its page links them); one out of reach is a 404, not a 403."""
    try:
        return escalation_list(user=user).get(pk=pk)
    except (Escalation.DoesNotExist, ValueError, TypeError) as exc:
        if isinstance(exc, Escalation.DoesNotExist) and user_is_agent(user):
            involved = Ticket.objects.filter(ticket_involvement_filter(user)).values("pk")
            found = Escalation.objects.select_related(*ESCALATION_RELATED)
            escalation = found.filter(pk=pk, ticket__in=involved).first()
            if escalation is not None:
                return escalation
        raise Http404(_("No such escalation.")) from exc


def approvals_for(*, user) -> QuerySet:
    """Requests awaiting this user's decision: those to teams they manage."""
    qs = escalation_list(user=user).filter(status=Escalation.Status.REQUESTED)
    return qs if user_is_admin(user) else qs.filter(to_team__manager=user)


def escalation_detail(*, escalation: Escalation) -> Escalation:
    """One escalation with its team, action plan and review loaded."""
    return (
        Escalation.objects.select_related(
            "ticket", "ticket__team", "to_team", "to_level", "manager", "requested_by", "decided_by"
        )
        .prefetch_related("members__user", "action_items__owner")
        .get(pk=escalation.pk)
    )


def review_get(*, escalation: Escalation) -> EscalationReview | None:
    """The escalation's review, if one was requested or written, with its author."""
    return (
        EscalationReview.objects.filter(escalation=escalation)
        .select_related("submitted_by")
        .first()
    )


def action_item_get(*, escalation: Escalation, pk: int | str) -> ActionItem:
    """An item of the escalation's action plan; any other is a 404."""
    item = ActionItem.objects.filter(escalation=escalation, pk=pk).first()
    if item is None:
        raise Http404(_("No such action item."))
    return item


def open_managed_escalation(*, ticket: Ticket) -> Escalation | None:
    """The ticket's open managed (hierarchical) escalation, if any."""
    return (
        Escalation.objects.filter(
            ticket=ticket,
            kind=Escalation.Kind.HIERARCHICAL,
            status__in=[Escalation.Status.ACTIVE, Escalation.Status.MONITORING],
        )
        .order_by("-created_at", "-id")
        .first()
    )


def member_candidates(*, escalation: Escalation) -> QuerySet[User]:
    """Who may join the escalation team as a user: active agents, and the contacts
    of the ticket's own organization (as its customer contact; the model says so)."""
    who = agent_filter()
    if escalation.ticket.organization_id is not None:
        who |= Q(contact_for=escalation.ticket.organization_id)
    return (
        User.objects.filter(who, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def management_team() -> Team | None:
    """The team a managed escalation goes to: the first management team by name."""
    return Team.objects.filter(tier=Tier.MGMT).select_related("manager").order_by("name").first()


# --- who may take which step (the steps themselves: ``escalations.pipeline``) --------------


def can_approve(*, escalation: Escalation, user: User) -> bool:
    """The manager of the target team, or an admin, decides on a request."""
    if not user.is_authenticated:
        return False
    team = escalation.to_team
    return user_is_admin(user) or (team is not None and team.manager_id == user.pk)


def can_manage(*, escalation: Escalation, user: User) -> bool:
    """A managed escalation is worked by its escalation manager, the manager of the
    team it went to, or an admin."""
    if not user.is_authenticated:
        return False
    if user_is_admin(user) or escalation.manager_id == user.pk:
        return True
    team = escalation.to_team
    return team is not None and team.manager_id == user.pk


def can_review(*, escalation: Escalation, user: User) -> bool:
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
