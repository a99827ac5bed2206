"""The weekly digest: each team manager gets a summary of his teams, in his
language and time zone, on the configured day and hour of his own week.

Beat runs ``digests_send`` every 15 minutes; a manager whose local day and hour are
due gets the digest of the week that just ended, once (``DigestLog``). The
channels are his to choose (notification preferences, event
``report.digest``): switching both off stops the digest.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import EventKind
from notifications.recipients import users
from notifications.services.dispatch import event_emit
from reports.dashboard import manager_dashboard, week_start
from reports.models import DigestLog
from tickets.models import Team, User


def digest_due(user: User, now: datetime) -> bool:
    local = now.astimezone(zoneinfo.ZoneInfo(user.time_zone or "UTC"))
    return (
        local.weekday() == settings.REPORTS_DIGEST_WEEKDAY
        and local.hour == settings.REPORTS_DIGEST_HOUR
    )


def digest_values(*, user: User, teams: list[Team], now: datetime) -> dict:
    """The digest's figures for ``user``'s teams: the week that ended at the start
    of his current week, against the week before, and what stands now."""
    figures = manager_dashboard(
        teams=tuple(t.pk for t in teams), time_zone=user.time_zone, now=now - timedelta(days=7)
    )
    # ``now - 7 days`` lies in the week reported: its comparison is that week and
    # the one before; "now" figures are taken at the time of sending.
    current = manager_dashboard(teams=tuple(t.pk for t in teams), time_zone=user.time_zone, now=now)
    base = settings.SITE_URL.rstrip("/")
    labels = {
        "tickets_created": _("Tickets opened"),
        "tickets_resolved": _("Tickets resolved"),
        "escalations": _("Escalations"),
        "breaches": _("SLA breaches"),
    }
    return {
        "week": figures["week_start"],
        "teams": ", ".join(t.name for t in teams),
        "figures": [
            {"label": str(labels[key]), "this": this, "last": last}
            for key, this, last in figures["weeks"]
        ],
        "breached_now": current["breached_now"],
        "at_risk": current["at_risk"],
        "approvals": current["approvals_waiting"],
        "reviews": current["reviews_due"],
        "worst": [
            {
                "reference": clock.ticket.reference,
                "title": clock.ticket.title,
                "metric": str(clock.get_metric_display()),
                "due_at": clock.due_at,
                "url": base + clock.ticket.get_absolute_url(),
            }
            for clock in current["worst"][:5]
        ],
        "dashboard": base + reverse("reports:dashboard"),
        "reports": base + reverse("reports:index"),
    }


def digest_send(*, user: User, now: datetime | None = None) -> bool:
    """Send ``user`` the digest of his teams for the week that just ended, once."""
    now = now or timezone.now()
    teams = list(Team.objects.filter(manager=user).order_by("name"))
    if not teams:
        return False
    week = week_start(now, user.time_zone).date() - timedelta(days=7)
    try:
        with transaction.atomic():
            DigestLog.objects.create(user=user, week=week)
            with translation.override(user.language):
                values = digest_values(user=user, teams=teams, now=now)
            event_emit(kind=EventKind.REPORT_DIGEST, recipients=users([user]), extra=values)
    except IntegrityError:
        return False  # sent already
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """Beat: the digests due now; how many were sent."""
    now = now or timezone.now()
    managers = User.objects.filter(is_active=True, managed_teams__isnull=False).distinct()
    return sum(digest_send(user=user, now=now) for user in managers if digest_due(user, now))
