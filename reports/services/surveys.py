"""Customer-satisfaction surveys: sent to the requester when a ticket is
resolved (or a managed escalation closes with the customer's agreement),
answered with one click from a signed link, no sign-in.

The link carries a signature over the survey, its ticket, its nonce and the
rating, so it cannot be forged or moved to another ticket. A click records or
changes the rating while the survey is open; the requester may then add a
comment, which closes the survey: later clicks are refused as used. Links
expire after ``SURVEY_EXPIRY_DAYS``. One survey per ticket; sending it again
(the ticket resolved again before anyone answered) renews the nonce, so the
earlier links stop working. Organizations and requesters may opt out.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from escalations.events import Step
from escalations.models import Escalation, EscalationReview
from notifications.models import EventKind
from notifications.recipients import requester
from notifications.services.dispatch import event_emit
from reports.models import SurveyOptOut, SurveyResponse
from tickets.models import Status, Ticket, TicketEvent, User

SALT = "reports.survey"


class SurveyLinkError(Exception):
    """A survey link that cannot be used; ``status`` is the HTTP answer for it."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def opted_out(ticket: Ticket) -> bool:
    """Whether the ticket's organization or its requester asked for no surveys."""
    who = Q(email__iexact=ticket.requester_email) & ~Q(email="")
    if ticket.organization_id:
        who |= Q(organization=ticket.organization_id)
    return SurveyOptOut.objects.filter(who).exists()


def survey_token(survey: SurveyResponse, rating: int) -> str:
    payload = {"s": survey.pk, "t": survey.ticket_id, "n": survey.nonce, "r": rating}
    return signing.dumps(payload, salt=SALT, compress=True)


def survey_links(survey: SurveyResponse) -> list[dict]:
    base = settings.SITE_URL.rstrip("/")
    return [
        {"rating": r, "url": base + reverse("reports:survey", args=[survey_token(survey, r)])}
        for r in range(1, 6)
    ]


@transaction.atomic
def survey_send(
    *,
    ticket: Ticket,
    actor: User | None = None,
    escalation: Escalation | None = None,
    note: str = "",
    now=None,
) -> SurveyResponse | None:
    """Send the survey of ``ticket`` to its requester, with the resolution's public
    ``note``, unless they or their organization opted out, or it was answered
    already. None when not sent."""
    now = now or timezone.now()
    if opted_out(ticket):
        return None
    survey = SurveyResponse.objects.select_for_update().filter(ticket=ticket).first()
    if survey is not None and (survey.rating is not None or survey.closed_at is not None):
        if escalation is not None and survey.escalation_id is None:
            survey.escalation = escalation
            survey.save(update_fields=["escalation"])
        return None
    survey = survey or SurveyResponse(ticket=ticket)
    survey.nonce = secrets.token_hex(8)
    survey.sent_at = now
    survey.expires_at = now + timedelta(days=settings.SURVEY_EXPIRY_DAYS)
    survey.escalation = escalation or survey.escalation
    survey.team_id, survey.level = ticket.team_id, ticket.level
    survey.save()
    event_emit(
        kind=EventKind.TICKET_RESOLVED,
        ticket=ticket,
        escalation=escalation,
        actor=actor,
        recipients=requester(ticket),
        extra={"survey": survey_links(survey), "expires_at": survey.expires_at, "note": note},
    )
    return survey


def survey_open(token: str, *, now: datetime | None = None) -> tuple[SurveyResponse, int]:
    """The survey and rating a link stands for; ``SurveyLinkError`` when the link
    is forged, for another survey of the ticket, expired or already used."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=SALT)
        survey_id, ticket_id, nonce, rating = (payload[k] for k in ("s", "t", "n", "r"))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise SurveyLinkError(_("This survey link is not valid.")) from None
    survey = SurveyResponse.objects.select_related("ticket").filter(pk=survey_id).first()
    if (
        survey is None
        or survey.ticket_id != ticket_id
        or survey.nonce != nonce
        or rating not in range(1, 6)
    ):
        raise SurveyLinkError(_("This survey link is not valid."))
    if survey.closed_at is not None:
        raise SurveyLinkError(_("Thank you: this survey has been answered already."), 410)
    if now >= survey.expires_at:
        raise SurveyLinkError(_("This survey link has expired."), 410)
    return survey, rating


@transaction.atomic
def survey_rate(*, token: str, now: datetime | None = None) -> SurveyResponse:
    """Record (or change) the rating a link carries; the agent, team and level
    are the ticket's at this moment. The reviews of the ticket's escalations
    take the rating as their customer satisfaction."""
    now = now or timezone.now()
    survey, rating = survey_open(token, now=now)
    survey = SurveyResponse.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
    survey_open(token, now=now)  # again, under the lock
    ticket = survey.ticket
    survey.rating, survey.answered_at = rating, now
    survey.agent_id, survey.team_id, survey.level = ticket.assignee_id, ticket.team_id, ticket.level
    survey.save()
    reviews_fill(ticket=ticket, rating=rating)
    return survey


@transaction.atomic
def survey_comment(
    *, token: str, comment: str, opt_out: bool = False, now: datetime | None = None
) -> SurveyResponse:
    """Add the requester's comment and close the survey (its links are used up);
    ``opt_out``: no more surveys for this requester's address."""
    now = now or timezone.now()
    survey, _rating = survey_open(token, now=now)
    survey = SurveyResponse.objects.select_for_update().select_related("ticket").get(pk=survey.pk)
    if survey.closed_at is not None:
        raise SurveyLinkError(_("Thank you: this survey has been answered already."), 410)
    survey.comment = (comment or "").strip()[:5000]
    survey.closed_at = now
    survey.save(update_fields=["comment", "closed_at"])
    if opt_out and survey.ticket.requester_email:
        SurveyOptOut.objects.get_or_create(email=survey.ticket.requester_email.lower())
    return survey


def reviews_fill(*, ticket: Ticket, rating: int | None) -> None:
    """The reviews of the ticket's escalations carry the survey's rating."""
    if rating is not None:
        EscalationReview.objects.filter(escalation__ticket=ticket).update(
            customer_satisfaction=rating
        )


# --- listeners (phase FACTS) ---------------------------------------------------------------


def on_ticket_status_changed(*, ticket: Ticket, actor: User | None, old: str, new: str) -> None:
    """The requester hears of every resolution, with what the agent wrote for them;
    the survey's links come with it while it is unanswered and wanted."""
    if new != Status.RESOLVED:
        return
    note = resolution_note(ticket)
    if survey_send(ticket=ticket, actor=actor, note=note) is None:
        event_emit(
            kind=EventKind.TICKET_RESOLVED,
            ticket=ticket,
            actor=actor,
            recipients=requester(ticket),
            extra={"note": note},
        )


def resolution_note(ticket: Ticket) -> str:
    """The public note given with the ticket's latest resolution ("" if none)."""
    return (
        TicketEvent.objects.filter(
            ticket=ticket, kind=TicketEvent.Kind.STATUS, new_value=Status.RESOLVED, note_public=True
        )
        .order_by("-pk")
        .values_list("note", flat=True)
        .first()
        or ""
    )


def on_escalation_step(*, escalation: Escalation, actor: User | None, step: str, what: str) -> None:
    """A managed escalation closed with the customer's agreement sends the survey;
    a review requested or submitted takes the survey's rating."""
    if step == Step.CLOSED and escalation.customer_agreed:
        survey_send(ticket=escalation.ticket, actor=actor, escalation=escalation)
    elif step in (Step.REVIEW_REQUESTED, Step.REVIEWED):
        rating = (
            SurveyResponse.objects.filter(ticket=escalation.ticket_id)
            .values_list("rating", flat=True)
            .first()
        )
        reviews_fill(ticket=escalation.ticket, rating=rating)
