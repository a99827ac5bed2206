"""Opening a ticket."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from tickets import events
from tickets.models import (
    Category,
    Organization,
    Status,
    Team,
    Ticket,
    TicketEvent,
    Tier,
    User,
)
from tickets.search import ticket_search_refresh
from tickets.selectors import user_is_agent
from tickets.services.base import (
    check_assignee,
    default_team,
    priority_decide,
    ticket_event_record,
)
from tickets.services.followers import follower_record_assignee


def _check_own_details(
    actor: User, name: str, email: str, organization: Organization | None
) -> None:
    """Refuse a requester's ticket that names someone else (rather than quietly
    replace the details); their own, as a client fills them in, pass."""
    own = (actor.get_full_name() or actor.username).strip(), actor.email.lower()
    sent = {
        "requester_name": name.strip() not in ("", own[0]),
        "requester_email": email.lower() not in ("", own[1]),
        "organization": organization is not None and organization.pk != actor.organization_id,
    }
    if any(sent.values()):
        said = _("You file tickets for yourself: this comes from your account.")
        raise ValidationError({field: said for field, other in sent.items() if other})


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    title: str,
    description: str,
    requester_name: str = "",
    requester_email: str = "",
    requester_language: str = "",
    organization: Organization | None = None,
    category: Category | None = None,
    impact: int = 3,
    urgency: int = 3,
    is_security: bool = False,
    is_safety: bool = False,
    is_legal: bool = False,
    is_major_outage: bool = False,
    team: Team | None = None,
    assignee: User | None = None,
) -> Ticket:
    """Open a ticket and record its creation.

    A requester (a user in no team) files tickets for themself: the requester
    details and organization come from their account (someone else's are
    refused, their own accepted), and they may not set team, assignee or flags.
    Without a team the ticket lands on the first L1 team.
    The priority comes from the impact x urgency matrix, raised by any priority
    criteria that apply (see ``tickets.hooks``).
    """
    if not user_is_agent(actor):
        if team is not None or assignee is not None:
            raise PermissionDenied(_("Only agents can choose the team or the assignee."))
        if is_security or is_safety or is_legal or is_major_outage:
            raise PermissionDenied(_("Only agents can flag a ticket."))
        _check_own_details(actor, requester_name, requester_email, organization)
        requester_name = actor.get_full_name() or actor.username
        requester_email = actor.email
        # one the requester chose for this ticket, else their own; a requester who
        # follows the browser's language files in the one in use
        requester_language = requester_language or actor.language or _active_language()
        organization = actor.organization
        requester = actor
    else:
        requester = (
            User.objects.filter(email__iexact=requester_email).first()
            if (requester_email)
            else None
        )
        if requester is not None and organization is None:
            organization = requester.organization
    if team is None:
        team = default_team()
    check_assignee(team=team, assignee=assignee)
    if category is not None and not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})

    ticket = Ticket(
        title=title,
        description=description,
        requester=requester,
        requester_name=requester_name,
        requester_email=requester_email,
        requester_language=requester_language or "en",
        organization=organization,
        category=category,
        impact=impact,
        urgency=urgency,
        is_security=is_security,
        is_safety=is_safety,
        is_legal=is_legal,
        is_major_outage=is_major_outage,
        status=Status.NEW,
        level=team.tier if team else Tier.L1,
        team=team,
        assignee=assignee,
        created_by=actor,
    )
    ticket.priority, reason = priority_decide(ticket)
    ticket.full_clean()
    ticket.save()
    ticket_event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.CREATED,
        field="priority",
        new=ticket.priority,
        note=reason,
    )
    if assignee is not None:
        ticket_event_record(
            ticket=ticket,
            actor=actor,
            kind=TicketEvent.Kind.ASSIGNED,
            field="assignee",
            new=assignee,
        )
        follower_record_assignee(ticket=ticket, assignee=assignee)
    ticket_search_refresh(ticket_ids=[ticket.pk])
    return events.publish(events.TICKET_CREATED, ticket=ticket, actor=actor)["ticket"]


def _active_language() -> str:
    code = (translation.get_language() or "").split("-")[0]
    return code if code in dict(settings.LANGUAGES) else ""
