"""Checks on schedule input, shared by the admin forms and the API. Pure apart
from the calendar's time zone, which they are given."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from escalations.businesstime import Interval
from escalations.duty import overlapping_shifts
from escalations.models import DutyOverride, DutyProfile, Weekday
from escalations.models.handover import new_feed_token
from tickets.models import Priority, validate_time_zone


def _label(interval: Interval) -> str:
    return f"{Weekday(interval.weekday).label} {interval.start:%H:%M}-{interval.end:%H:%M}"


def shifts_check(*, shifts: Sequence[Mapping[str, Any]], field: str = "shifts") -> None:
    """Weekly shifts (``weekday``, ``start``, ``end``; an end before the start runs
    past midnight): none empty (start = end), no two overlapping in the week.
    ValidationError on ``field``."""
    problems, valid = [], []
    for data in shifts:
        interval = Interval(data["weekday"], data["start"], data["end"])
        if data["start"] == data["end"]:
            problem = _("%(shift)s is empty: it ends when it starts.")
            problems.append(problem % {"shift": _label(interval)})
        else:
            valid.append(interval)
    clashes = overlapping_shifts(valid)
    if clashes:
        a, b = clashes[0]
        problems.append(_("Shifts overlap: %(a)s and %(b)s.") % {"a": _label(a), "b": _label(b)})
    if problems:
        raise ValidationError({field: problems})


def schedule_check(*, time_zone: str, calendar_time_zone: str | None) -> None:
    """A known time zone; a calendar giving the hours must be in the same one."""
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise ValidationError({"time_zone": error.messages}) from None
    if calendar_time_zone is not None and calendar_time_zone != time_zone:
        raise ValidationError(
            {
                "calendar": _(
                    "The calendar is in %(cal)s, the team in %(team)s: "
                    "pick one in the team's time zone."
                )
                % {"cal": calendar_time_zone, "team": time_zone}
            }
        )


def rotation_members_message() -> str:
    return _("A rotation needs at least one member.")


def priorities_clean(value: str) -> str:
    """``P1,P2``-style priorities, each known, each once; empty for none."""
    wanted = [p.strip().upper() for p in (value or "").split(",") if p.strip()]
    unknown = [p for p in wanted if p not in Priority.values]
    if unknown:
        raise ValidationError(
            {"priorities": _("Unknown priority: %(p)s.") % {"p": ", ".join(unknown)}}
        )
    return ",".join(p for p in Priority.values if p in wanted)


def rotation_check(*, members: Sequence[Any], windows: Sequence[Mapping[str, Any]]) -> None:
    """A rotation needs at least one member; its windows follow the shift rules."""
    if not members:
        raise ValidationError({"members": rotation_members_message()})
    shifts_check(shifts=windows, field="windows")


def period_check(*, starts_at: datetime | None, ends_at: datetime | None) -> None:
    """A period ends after it starts."""
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})


def override_check(
    *, kind: str, user: Any, layer: int | None, starts_at: datetime | None, ends_at: datetime | None
) -> None:
    """A person override names the person; a team override names nobody."""
    period_check(starts_at=starts_at, ends_at=ends_at)
    if kind == DutyOverride.Kind.PERSON and user is None:
        raise ValidationError({"user": _("Name the person on call.")})
    if kind != DutyOverride.Kind.PERSON and (user is not None or layer is not None):
        raise ValidationError({"user": _("A team override names no person and no layer.")})


def duty_feed_address_renew(*, profiles: Iterable[DutyProfile]) -> int:
    """Give each person a new calendar feed address; the old one stops working at
    once (a feed address is a secret: renewing it is how a leaked one is revoked)."""
    renewed = 0
    for profile in profiles:
        profile.feed_token = new_feed_token()
        profile.save(update_fields=["feed_token"])
        renewed += 1
    return renewed
