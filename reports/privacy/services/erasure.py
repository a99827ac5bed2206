"""Erasure: an admin erases a requester by e-mail address."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import transaction

from reports.privacy.models import ErasureLog
from reports.privacy.services.subject import subject_check_erasable, subject_find, subject_scope
from tickets import notes
from tickets.holders import registered, stored_files
from tickets.models import Ticket, TicketEvent, User
from tickets.search import ticket_search_refresh


def requester_erase(*, email: str, actor: User | None) -> ErasureLog:
    """Replace the person's data by one pseudonym in every registered holder,
    deactivate and strip their accounts and delete their files, in one transaction.

    The same pseudonym everywhere keeps report counts (tickets per requester,
    distinct requesters); SLA clocks, escalations and reviews are facts and stay.
    Raises ``NothingHeld`` for an address nothing carries (unknown, or erased
    already), ``LegalHold`` while the organization or a ticket is held, and a
    ValidationError for a bad address or a member of staff.
    """
    subject = subject_find(email=email)
    with transaction.atomic():
        # Locked for the erasure, so no edit puts the name back meanwhile; the
        # legal hold is read under the same lock.
        list(Ticket.objects.select_for_update().filter(pk__in=subject.tickets).values("pk"))
        subject_check_erasable(subject)
        scope = subject_scope(subject)
        pseudonym = next(iter(scope.pseudonyms.values()))
        holders = registered()
        files = stored_files(scope)
        rows = {holder.key: holder.pseudonymise(scope) for holder in holders}
        # The search index holds the old words too.
        ticket_search_refresh(ticket_ids=sorted(scope.ticket_ids))
        log = ErasureLog.objects.create(
            erased_by=actor,
            pseudonym=pseudonym.token,
            tickets=len(subject.tickets),
            accounts=len(subject.users),
            files_deleted=len(files),
            rows={key: count for key, count in rows.items() if count},
        )
        note = notes.event_fields(notes.note("privacy.erased", token=pseudonym.token))
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(
                    ticket_id=pk,
                    actor=actor,
                    kind=TicketEvent.Kind.CHANGED,
                    field="requester",
                    **note,
                )
                for pk in subject.tickets
            ],
            batch_size=500,
        )
        transaction.on_commit(lambda: files_delete(files))
    return log


def files_delete(names: list[str]) -> None:
    """Delete stored files (after the commit: storage is not transactional)."""
    for name in names:
        default_storage.delete(name)
