"""The choices every app shares: levels, priorities, impact, urgency, statuses."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


class Tier(models.TextChoices):
    L1 = "L1", _("Level 1")
    L2 = "L2", _("Level 2")
    L3 = "L3", _("Level 3")
    MGMT = "MGMT", _("Management")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 - critical")
    P2 = "P2", _("P2 - high")
    P3 = "P3", _("P3 - medium")
    P4 = "P4", _("P4 - low")


class Impact(models.IntegerChoices):
    EXTENSIVE = 1, _("1 - extensive / widespread")
    SIGNIFICANT = 2, _("2 - significant / large")
    MODERATE = 3, _("3 - moderate / limited")
    MINOR = 4, _("4 - minor / localized")


class Urgency(models.IntegerChoices):
    CRITICAL = 1, _("1 - critical")
    HIGH = 2, _("2 - high")
    MEDIUM = 3, _("3 - medium")
    LOW = 4, _("4 - low")


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", pgettext_lazy("ticket status", "Open")
    PENDING = "pending", _("Pending (waiting on customer)")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")
