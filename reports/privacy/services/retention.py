"""Retention: closed tickets older than their organization's retention period (or
the default) lose their requester's personal data, or are deleted, in small
batches by a beat task. Nothing under legal hold is touched."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from reports.privacy.models import RetentionRun
from reports.privacy.services.erasure import files_delete
from tickets import notes
from tickets.holders import Pseudonym, Scope, name_forms, registered, stored_files
from tickets.models import Organization, RetentionAction, Status, Ticket, TicketEvent
from tickets.search import ticket_search_refresh


@dataclass(frozen=True)
class Rule:
    """Tickets of these organizations (and of none, for the default) closed more
    than ``days`` ago get ``action``."""

    days: int
    action: str
    organization_ids: tuple[int, ...]
    without_organization: bool

    def due(self, *, now: datetime) -> QuerySet:
        where = Q(organization_id__in=self.organization_ids)
        if self.without_organization:
            where |= Q(organization__isnull=True)
        tickets = Ticket.objects.filter(
            where,
            Q(organization__isnull=True) | Q(organization__legal_hold=False),
            status=Status.CLOSED,
            closed_at__lt=now - timedelta(days=self.days),
            legal_hold=False,
        )
        if self.action == RetentionAction.PSEUDONYMISE:
            tickets = tickets.filter(pseudonymised_at__isnull=True)
        return tickets


def retention_rules() -> list[Rule]:
    """One rule per (days, action) in force; organizations under legal hold and
    periods of 0 days (keep for ever) make none."""
    default = (settings.PRIVACY_RETENTION_DAYS, settings.PRIVACY_RETENTION_ACTION)
    groups: dict[tuple[int, str], list[int]] = {default: []}
    values = Organization.objects.filter(legal_hold=False).values_list(
        "pk", "retention_days", "retention_action"
    )
    for pk, days, action in values:
        key = (default[0] if days is None else days, action or default[1])
        groups.setdefault(key, []).append(pk)
    return [
        Rule(days, action, tuple(ids), without_organization=(days, action) == default)
        for (days, action), ids in sorted(groups.items())
        if days > 0
    ]


def retention_preview(*, now: datetime | None = None) -> dict:
    """The dry run: how many tickets each action would take now, in total and per
    organization. Changes nothing."""
    now = now or timezone.now()
    totals = dict.fromkeys(RetentionAction.values[1:], 0)
    per_organization = []
    names = dict(Organization.objects.values_list("pk", "name"))
    for rule in retention_rules():
        counts = rule.due(now=now).values("organization").annotate(n=Count("pk")).order_by()
        for row in counts:
            totals[rule.action] += row["n"]
            per_organization.append(
                {
                    "organization": names.get(row["organization"], ""),
                    "organization_id": row["organization"],
                    "days": rule.days,
                    "action": rule.action,
                    "tickets": row["n"],
                }
            )
    per_organization.sort(key=lambda r: (r["organization"], r["action"]))
    return {"totals": totals, "organizations": per_organization}


@dataclass
class _Pass:
    pseudonyms: dict[str, Pseudonym] = field(default_factory=dict)
    longest: float = 0.0
    batches: int = 0


def retention_apply(
    *, now: datetime | None = None, batch_size: int | None = None, time_budget: float | None = None
) -> RetentionRun:
    """Work through every rule in batches of ``batch_size`` tickets, each batch in
    its own short transaction over rows claimed with SKIP LOCKED (so edits and a
    second sweeper never wait on it), until nothing is due or the time budget is
    spent (the next run goes on). Re-running is harmless."""
    now = now or timezone.now()
    batch_size = batch_size or settings.PRIVACY_RETENTION_BATCH_SIZE
    budget = settings.PRIVACY_RETENTION_TIME_BUDGET if time_budget is None else time_budget
    deadline = time.monotonic() + budget
    run = RetentionRun.objects.create(started_at=timezone.now())
    state, complete = _Pass(), True
    for rule in retention_rules():
        while True:
            if time.monotonic() > deadline:
                complete = False
                break
            done = _batch(rule, now=now, size=batch_size, state=state)
            if rule.action == RetentionAction.DELETE:
                run.deleted += done
            else:
                run.pseudonymised += done
            if done < batch_size:
                break
        if not complete:
            break
    run.batches, run.longest_batch_ms = state.batches, round(state.longest * 1000)
    run.complete, run.finished_at = complete, timezone.now()
    run.save()
    return run


def _batch(rule: Rule, *, now: datetime, size: int, state: _Pass) -> int:
    started = time.monotonic()
    with transaction.atomic():
        claimed = rule.due(now=now).select_for_update(skip_locked=True, of=("self",))
        rows = list(
            claimed.order_by("closed_at").values_list("pk", "requester_name", "requester_email")[
                :size
            ]
        )
        if rows:
            if rule.action == RetentionAction.DELETE:
                tickets_delete([pk for pk, _n, _e in rows])
            else:
                tickets_pseudonymise(rows, state.pseudonyms)
    if rows:
        state.batches += 1
        state.longest = max(state.longest, time.monotonic() - started)
    return len(rows)


def tickets_pseudonymise(rows: list[tuple[int, str, str]], pseudonyms: dict) -> None:
    """Replace each ticket's requester by a pseudonym (one per address within a
    run) in every holder; accounts stay, unlinked from these tickets."""
    replacements, by_ticket = {}, {}
    for pk, name, email in rows:
        email = (email or "").lower()
        pseudonym = pseudonyms.setdefault(email, Pseudonym(secrets.token_hex(6)))
        replacements[email] = pseudonym.email
        by_ticket[pk] = (email,)
        if name and len(name.strip()) >= 3:
            forms = name_forms(name, pseudonym)
            replacements.update(forms)
            by_ticket[pk] = (email, *forms)
    scope = Scope(
        ticket_ids=frozenset(by_ticket),
        replacements=replacements,
        pseudonyms={email.lower(): pseudonyms[email.lower()] for _pk, _n, email in rows},
        by_ticket=by_ticket,
    )
    files = stored_files(scope)
    for holder in registered():
        holder.pseudonymise(scope)
    transaction.on_commit(lambda: files_delete(files))
    ticket_search_refresh(ticket_ids=sorted(scope.ticket_ids))  # the search index holds them too
    note = notes.event_fields(notes.note("privacy.retention"))
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket_id=pk, kind=TicketEvent.Kind.CHANGED, field="requester", **note)
            for pk in scope.ticket_ids
        ]
    )


def tickets_delete(ticket_ids: list[int]) -> None:
    """Delete tickets with everything that hangs off them, holder by holder."""
    scope = Scope(ticket_ids=frozenset(ticket_ids))
    files = stored_files(scope)
    for holder in registered():
        holder.delete(scope)
    transaction.on_commit(lambda: files_delete(files))
