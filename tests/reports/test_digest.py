"""The weekly digest: each manager, his teams, his language and time zone, once."""

from datetime import UTC, datetime

import pytest

from notifications.models import Delivery, Notification, Preference
from reports.models import DigestLog
from reports.services.digest import digests_send
from reports.tasks import send_weekly_digests
from tests.factories import TicketFactory, UserFactory
from tickets.models import Team, Ticket

# Monday 08:05 in Tokyo is Sunday 23:05 UTC.
TOKYO_MONDAY_8 = datetime(2026, 3, 15, 23, 5, tzinfo=UTC)


@pytest.fixture
def lead(db, settings):
    settings.REPORTS_DIGEST_WEEKDAY, settings.REPORTS_DIGEST_HOUR = 0, 8
    user = UserFactory(username="lead", language="pl", time_zone="Asia/Tokyo")
    team = Team.objects.create(name="Service Desk", tier="L1", manager=user)
    other = Team.objects.create(name="Elsewhere", tier="L1")
    for created, where in [
        (datetime(2026, 3, 10, 3, tzinfo=UTC), team),  # last week (Tokyo)
        (datetime(2026, 3, 11, 3, tzinfo=UTC), team),
        (datetime(2026, 3, 4, 3, tzinfo=UTC), team),  # the week before
        (datetime(2026, 3, 10, 3, tzinfo=UTC), other),  # not his team
    ]:
        ticket = TicketFactory(team=where)
        Ticket.objects.filter(pk=ticket.pk).update(created_at=created)
    return user


def test_digest_goes_out_on_the_managers_own_monday_morning_once(lead):
    assert digests_send(now=TOKYO_MONDAY_8) == 1
    assert digests_send(now=TOKYO_MONDAY_8) == 0
    note = Notification.objects.get(recipient=lead, kind="report.digest")
    assert "Service Desk" in note.body
    assert "Elsewhere" not in note.body
    mail = Delivery.objects.get(user=lead, kind="report.digest", channel="email")
    assert (mail.language, mail.time_zone) == ("pl", "Asia/Tokyo")
    extra = mail.context["extra"]
    assert extra["week"] == "2026-03-09T00:00:00+09:00"  # his Monday
    assert (extra["figures"][0]["this"], extra["figures"][0]["last"]) == (2, 1)
    assert extra["dashboard"].endswith("/dashboard/")
    assert DigestLog.objects.get(user=lead).week.isoformat() == "2026-03-09"


def test_no_digest_at_another_hour(lead):
    assert digests_send(now=datetime(2026, 3, 16, 8, 5, tzinfo=UTC)) == 0  # 17:05 in Tokyo
    assert not Notification.objects.filter(kind="report.digest").exists()


def test_opting_out_in_preferences_stops_the_digest(lead):
    for channel in ("inapp", "email"):
        Preference.objects.create(user=lead, kind="report.digest", channel=channel, enabled=False)
    digests_send(now=TOKYO_MONDAY_8)
    assert not Notification.objects.filter(kind="report.digest").exists()
    assert not Delivery.objects.filter(kind="report.digest").exists()


def test_the_beat_task_calls_the_service(lead):
    assert send_weekly_digests() == 0  # not Monday 08:00 in Tokyo now
