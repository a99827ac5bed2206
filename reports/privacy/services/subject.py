"""Who a privacy request is about: the tickets and accounts of an e-mail address,
and the texts that name the person."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.holders import Pseudonym, Scope, name_forms
from tickets.models import Ticket, User

# Shorter texts are too common to replace in free text (they stay in the fields
# that hold only the name, which are replaced whole).
SHORTEST_NEEDLE = 3
NOTHING_HELD = gettext_lazy("Nothing is held about this address: it is unknown or already erased.")
LEGAL_HOLD = gettext_lazy(
    "A legal hold is set on the organization or on a ticket of this requester."
)


class NothingHeld(Exception):
    """No ticket and no account carries the address (unknown, or erased already)."""


class LegalHold(Exception):
    """Some of the person's data is under legal hold."""


@dataclass(frozen=True)
class Subject:
    email: str
    emails: set[str]
    tickets: list[int]
    users: list[User]
    names: set[str]


def normalise_email(value: str) -> str:
    value = (value or "").strip()
    try:
        validate_email(value)
    except ValidationError as error:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from error
    return value.lower()


def subject_find(*, email: str, region: str = "") -> Subject:
    """The tickets (of ``region``'s organizations, when given) and accounts of
    ``email``; raises NothingHeld when there are none."""
    email = normalise_email(email)
    users = list(User.objects.filter(email__iexact=email).order_by("pk"))
    tickets = Ticket.objects.filter(
        Q(requester_email__iexact=email) | Q(requester__in=[u.pk for u in users])
    )
    if region:
        tickets = tickets.filter(organization__data_region=region)
    rows = list(tickets.values_list("pk", "requester_name", "requester_email"))
    if not rows and not users:
        raise NothingHeld(email)
    names = {name for _pk, name, _email in rows} | {u.get_full_name() for u in users}
    emails = {address.lower() for _pk, _name, address in rows if address}
    emails |= {u.email.lower() for u in users if u.email} | {email}
    emails |= {u.username.lower() for u in users if "@" in u.username}
    return Subject(
        email=email,
        emails=emails,
        tickets=sorted(pk for pk, _name, _email in rows),
        users=users,
        names={n.strip() for n in names if n and n.strip()},
    )


def subject_check_erasable(subject: Subject) -> None:
    """Staff accounts are not erased here, and nothing under legal hold is."""
    if any(u.is_staff or u.is_superuser or u.teams.exists() for u in subject.users):
        raise ValidationError(
            {"email": _("This address belongs to a member of staff; only requesters are erased.")}
        )
    held = Ticket.objects.filter(pk__in=subject.tickets).filter(
        Q(legal_hold=True) | Q(organization__legal_hold=True)
    )
    if held.exists() or any(u.organization and u.organization.legal_hold for u in subject.users):
        raise LegalHold(held.count())


def subject_scope(subject: Subject, *, pseudonym: Pseudonym | None = None) -> Scope:
    pseudonym = pseudonym or Pseudonym(secrets.token_hex(6))
    replacements = dict.fromkeys(subject.emails, pseudonym.email)
    for name in subject.names:
        if len(name) >= SHORTEST_NEEDLE:
            replacements.update(name_forms(name, pseudonym))
    return Scope(
        ticket_ids=frozenset(subject.tickets),
        user_ids=frozenset(u.pk for u in subject.users),
        usernames=frozenset(u.username for u in subject.users),
        replacements=replacements,
        pseudonyms=dict.fromkeys(subject.emails, pseudonym),
        person=True,
    )
