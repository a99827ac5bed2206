"""Personal data the tickets app holds: tickets, comments, attachments, CC addresses,
the audit trail, accounts (with their API tokens, sign-in records and admin history)."""

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from tickets.holders import ModelHolder, Scope, register, rows_update
from tickets.models import Attachment, CcAddress, Comment, Ticket, TicketEvent, User


class TicketHolder(ModelHolder):
    """The requester's name and address become the pseudonym; the facts (status,
    priority, level, team, times) stay, so reports keep their counts."""

    model = Ticket
    key = "tickets.ticket"
    order = 100  # deleted last: everything else hangs off it
    ticket_lookup = "pk"
    text_fields = ("title", "description", "requester_name", "requester_email")
    delete_rows = True

    def pseudonymise(self, scope: Scope) -> int:
        if not scope.ticket_ids:
            return 0
        now, changed = timezone.now(), 0
        fields = [*self.text_fields, "requester", "pseudonymised_at"]
        rows = list(self.rows(scope).only("pk", "requester_id", *self.text_fields))
        for ticket in rows:
            self.clean_row(ticket, scope, scope.needles_for(ticket.pk))
            pseudonym = scope.pseudonym_for(ticket.requester_email)
            if pseudonym is not None:
                ticket.requester_name, ticket.requester_email = pseudonym.name, pseudonym.email
            if ticket.requester_id not in scope.user_ids:
                # Retention: the account lives on and must not name the ticket's requester.
                ticket.requester = None
            ticket.pseudonymised_at = now
            changed += 1
        rows_update(Ticket, rows, fields)
        return changed


class AttachmentHolder(ModelHolder):
    """Files on the tickets in scope, and the person's own uploads: exported into
    the archive; erasure and retention remove the rows, and the services walking
    the holders delete the files after the commit. What a file shows cannot be
    told apart, so every file of an erased requester's tickets goes, whoever
    uploaded it."""

    model = Attachment
    key = "tickets.attachment"
    ticket_lookup = "ticket_id"
    user_lookup = "uploaded_by_id"
    file_fields = ("file",)
    delete_rows = True

    def pseudonymise(self, scope: Scope) -> int:
        return self.rows(scope).delete()[0]


class CcAddressHolder(ModelHolder):
    """Addresses copied on the tickets in scope (other people's, about this one
    person's ticket), and the person's own address copied on anyone's ticket:
    removed, so nobody is told of those tickets any more."""

    model = CcAddress
    key = "tickets.ccaddress"
    ticket_lookup = "ticket_id"

    def rows(self, scope: Scope) -> QuerySet:
        condition = self.condition(scope)
        if scope.person and scope.pseudonyms:
            condition |= Q(email_lower__in=list(scope.pseudonyms))
        rows = CcAddress.objects.annotate(email_lower=Lower("email"))
        return rows.filter(condition).order_by("pk")

    def pseudonymise(self, scope: Scope) -> int:
        pks = list(self.rows(scope).values_list("pk", flat=True))
        return CcAddress.objects.filter(pk__in=pks).delete()[0]


class TicketEventHolder(ModelHolder):
    """The audit trail of the tickets in scope and of what the person did; for
    the whole person, also the entries of anyone's ticket that copied their
    address (``cc``), which name nobody else."""

    model = TicketEvent
    key = "tickets.ticketevent"
    ticket_lookup = "ticket_id"
    user_lookup = "actor_id"
    text_fields = ("old_value", "new_value", "note")
    json_fields = ("note_params",)  # names and addresses inside system notes
    delete_rows = True

    def condition(self, scope: Scope) -> Q:
        condition = super().condition(scope)
        if scope.person and scope.pseudonyms:
            addresses = list(scope.pseudonyms)
            copied = Q(old_value_lower__in=addresses) | Q(new_value_lower__in=addresses)
            condition |= Q(field="cc") & copied
        return condition

    def rows(self, scope: Scope) -> QuerySet:
        rows = TicketEvent.objects.annotate(
            old_value_lower=Lower("old_value"), new_value_lower=Lower("new_value")
        )
        return rows.filter(self.condition(scope)).order_by("pk")


class AccountHolder(ModelHolder):
    """The account is deactivated and stripped: pseudonym login and address, no
    name, no password; its organization stays (a fact reports count by)."""

    model = User
    key = "tickets.user"
    order = 90
    user_lookup = "pk"
    export_fields = (
        "id",
        "username",
        "email",
        "first_name",
        "last_name",
        "organization_id",
        "language",
        "time_zone",
        "date_joined",
        "last_login",
        "is_active",
    )

    def pseudonymise(self, scope: Scope) -> int:
        users = list(self.rows(scope))
        for number, user in enumerate(users):
            pseudonym = scope.pseudonym_for(user.email) or next(iter(scope.pseudonyms.values()))
            suffix = f"-{number}" if number else ""
            user.username = pseudonym.username + suffix
            user.email = pseudonym.email
            user.first_name = user.last_name = ""
            user.is_active = False
            user.set_unusable_password()
            user.save()
            user.contact_for.clear()
        return len(users)


class TokenHolder(ModelHolder):
    key = "authtoken.token"
    order = 80
    user_lookup = "user_id"
    export_fields = ("user_id", "created")

    def __init__(self) -> None:
        from rest_framework.authtoken.models import Token

        super().__init__(Token)

    def pseudonymise(self, scope: Scope) -> int:
        return self.rows(scope).delete()[0]


class SignInRecordHolder(ModelHolder):
    """Sign-in attempts and lock-outs name the login: removed with the account."""

    order = 80

    def condition(self, scope: Scope) -> Q:
        return Q(username__in=scope.usernames)

    def export(self, scope: Scope) -> list[dict[str, Any]]:
        return []  # security records of this server, not data the person gave

    def pseudonymise(self, scope: Scope) -> int:
        return self.rows(scope).delete()[0] if scope.usernames else 0


class AdminHistoryHolder(ModelHolder):
    """The admin's history names the objects it changed (a ticket, an account)."""

    model = LogEntry
    key = "admin.logentry"
    order = 80
    text_fields = ("object_repr", "change_message")
    export_fields = ()

    def condition(self, scope: Scope) -> Q:
        ticket_type = ContentType.objects.get_for_model(Ticket)
        user_type = ContentType.objects.get_for_model(User)
        return Q(content_type=ticket_type, object_id__in=[str(pk) for pk in scope.ticket_ids]) | Q(
            content_type=user_type, object_id__in=[str(pk) for pk in scope.user_ids]
        )

    def export(self, scope: Scope) -> list[dict[str, Any]]:
        return []

    def delete(self, scope: Scope) -> int:
        ticket_type = ContentType.objects.get_for_model(Ticket)
        ids = [str(pk) for pk in scope.ticket_ids]
        return LogEntry.objects.filter(content_type=ticket_type, object_id__in=ids).delete()[0]


def register_holders() -> None:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    register(
        TicketHolder(),
        AttachmentHolder(),
        CcAddressHolder(),
        ModelHolder(
            Comment,
            ticket_lookup="ticket_id",
            user_lookup="author_id",
            text_fields=("body",),
            delete_rows=True,
        ),
        TicketEventHolder(),
        AccountHolder(),
        TokenHolder(),
        AdminHistoryHolder(),
        *(SignInRecordHolder(model) for model in (AccessAttempt, AccessFailureLog, AccessLog)),
    )


register_holders()
