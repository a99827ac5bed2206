from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from reports.privacy.models import RetentionRun
from reports.privacy.services.retention import retention_apply, retention_preview
from tests.factories import CommentFactory, OrganizationFactory, TicketFactory
from tests.privacy.conftest import traces
from tests.workers import celery_processes, needs_broker, wait_for  # noqa: F401
from tickets.models import Comment, Ticket, TicketEvent


def closed(days_ago: int, **fields) -> Ticket:
    ticket = TicketFactory(
        status="closed",
        closed_at=timezone.now() - timedelta(days=days_ago),
        requester_name="Olga Retained",
        requester_email="olga@old.example",
        description="Olga Retained says hi",
        **fields,
    )
    CommentFactory(ticket=ticket, body="Hello Olga Retained")
    return ticket


@pytest.fixture
def old_and_new(db, settings):
    settings.PRIVACY_RETENTION_DAYS = 365
    short = OrganizationFactory(name="Short", retention_days=30, retention_action="delete")
    held = OrganizationFactory(name="Held", retention_days=30, legal_hold=True)
    forever = OrganizationFactory(name="Forever", retention_days=0)
    return {
        "default_old": [closed(400), closed(500)],
        "default_young": closed(100),
        "short_old": closed(40, organization=short),
        "held_org": closed(400, organization=held),
        "held_ticket": closed(400, legal_hold=True),
        "forever": closed(4000, organization=forever),
        "open_old": TicketFactory(status="open", requester_email="olga@old.example"),
    }


def test_the_dry_run_counts_per_organization_and_changes_nothing(old_and_new, capsys):
    preview = retention_preview()
    assert preview["totals"] == {"pseudonymise": 2, "delete": 1}
    rows = {(r["organization"], r["action"]): r["tickets"] for r in preview["organizations"]}
    assert rows == {("", "pseudonymise"): 2, ("Short", "delete"): 1}
    call_command("privacy_retention", "--dry-run")
    assert "Would pseudonymise 2 and delete 1 tickets" in capsys.readouterr().out
    assert Ticket.objects.filter(pseudonymised_at__isnull=False).count() == 0
    assert Ticket.objects.count() == 8


def test_retention_works_in_batches_and_touches_nothing_held_or_young(old_and_new):
    run = retention_apply(batch_size=1)
    assert (run.pseudonymised, run.deleted, run.complete) == (2, 1, True)
    assert run.batches == 3
    assert not Ticket.objects.filter(pk=old_and_new["short_old"].pk).exists()
    for ticket in old_and_new["default_old"]:
        ticket.refresh_from_db()
        assert ticket.requester_email.endswith("@erased.invalid")
        assert ticket.pseudonymised_at is not None
        assert "Olga" not in ticket.description
        assert not Comment.objects.filter(ticket=ticket, body__contains="Olga").exists()
        assert TicketEvent.objects.filter(ticket=ticket, field="requester").exists()
    # One pseudonym per address within a run.
    assert (
        len({t.requester_email for t in Ticket.objects.filter(pseudonymised_at__isnull=False)}) == 1
    )
    kept = ("default_young", "held_org", "held_ticket", "forever", "open_old")
    for key in kept:
        ticket = Ticket.objects.get(pk=old_and_new[key].pk)
        assert ticket.requester_email == "olga@old.example", key
    # A second run finds nothing.
    again = retention_apply()
    assert (again.pseudonymised, again.deleted) == (0, 0)


def test_a_spent_time_budget_leaves_the_rest_to_the_next_run(old_and_new):
    run = retention_apply(batch_size=1, time_budget=0)
    assert (run.pseudonymised, run.deleted, run.complete) == (0, 0, False)
    assert retention_apply(batch_size=1).complete


def test_retention_is_off_by_default(db):
    closed(4000)
    assert retention_preview()["totals"] == {"pseudonymise": 0, "delete": 0}
    assert retention_apply().pseudonymised == 0


@needs_broker
def test_beat_and_a_real_worker_apply_retention_in_batches(celery_processes):  # noqa: F811
    tickets = [closed(400) for _ in range(7)]
    young = closed(10)
    env = {
        "PRIVACY_RETENTION_DAYS": "365",
        "PRIVACY_RETENTION_BATCH_SIZE": "3",
        "PRIVACY_RETENTION_INTERVAL": "1",
    }
    celery_processes.worker(queues="deliveries", **env)
    celery_processes.beat(**env)
    wait_for(
        lambda: (
            not Ticket.objects.filter(
                pk__in=[t.pk for t in tickets], pseudonymised_at__isnull=True
            ).exists()
        ),
        timeout=90,
        message=celery_processes.logs,
    )
    assert traces("olga@old.example").get("tickets_ticket.requester_email") == 1  # the young one
    assert Ticket.objects.get(pk=young.pk).pseudonymised_at is None
    runs = RetentionRun.objects.filter(pseudonymised__gt=0)
    assert sum(runs.values_list("pseudonymised", flat=True)) == 7
    assert sum(runs.values_list("batches", flat=True)) >= 3  # batches of at most 3


def test_wrong_retention_settings_fail_the_system_check(settings):
    from reports.privacy.checks import retention_settings

    assert retention_settings(None) == []
    settings.PRIVACY_RETENTION_ACTION = "shred"
    settings.PRIVACY_RETENTION_BATCH_SIZE = 0
    assert {e.id for e in retention_settings(None)} == {"privacy.E001", "privacy.E003"}
