"""Business calendars (hours and holidays) and the calendar a team works."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from escalations import tasks
from escalations.businesstime import Interval, overlapping_intervals
from escalations.models import BusinessCalendar, Holiday, TeamCalendar, Weekday, WorkingInterval
from escalations.services.config import InUse, fields_apply
from tickets.models import Status, Team, Ticket

CALENDAR_FIELDS = ("name", "time_zone", "is_24x7")
INTERVAL_FIELDS = ("weekday", "start", "end", "overnight")
HOLIDAY_FIELDS = ("date", "name", "recurring")


def calendar_hours_check(*, is_24x7: bool, intervals: Sequence[Mapping[str, Any]]) -> None:
    """The working hours of a calendar (``INTERVAL_FIELDS`` each). Pure.

    Rules: an interval ends after it starts, unless it is an overnight shift,
    which ends the next day at or before its start time; no two intervals of
    the week overlap; a calendar that is not 24x7 has at least one interval
    (without working hours no business time ever passes, and a clock it times
    could never come due). ValidationError on ``intervals`` otherwise."""
    problems, valid = [], []
    for data in intervals:
        start, end, overnight = data["start"], data["end"], data.get("overnight", False)
        if data["weekday"] not in Weekday.values:
            problems.append(_("%(day)s is not a day of the week.") % {"day": data["weekday"]})
            continue
        interval = Interval(data["weekday"], start, end)
        if overnight and end > start:
            problem = _("an overnight shift ends the next day, at or before its start time.")
        elif not overnight and end <= start:
            problem = _("the end must be after the start (tick “ends next day” for a night shift).")
        else:
            valid.append(interval)
            continue
        problems.append(f"{_interval_label(interval)}: {problem}")
    clashes = overlapping_intervals(valid)
    if clashes:
        a, b = clashes[0]
        problems.append(
            _("Working intervals overlap: %(a)s and %(b)s.")
            % {"a": _interval_label(a), "b": _interval_label(b)}
        )
    if not is_24x7 and not intervals:
        problems.append(
            _(
                "Add at least one working interval, or mark the calendar 24x7: "
                "without working hours no business time ever passes."
            )
        )
    if problems:
        raise ValidationError({"intervals": problems})


def calendar_holidays_check(*, holidays: Sequence[Mapping[str, Any]]) -> None:
    """A date is a holiday once per calendar. ValidationError on ``holidays``."""
    dates = [h["date"] for h in holidays]
    if len(dates) != len(set(dates)):
        raise ValidationError({"holidays": _("A date is listed twice.")})


@transaction.atomic
def calendar_save(
    *,
    calendar: BusinessCalendar | None = None,
    data: Mapping[str, Any],
    intervals: Sequence[Mapping[str, Any]] | None = None,
    holidays: Sequence[Mapping[str, Any]] | None = None,
) -> BusinessCalendar:
    """Create a calendar (``calendar`` None, or a new unsaved one) or change one
    with ``data`` (``CALENDAR_FIELDS``); ``intervals`` and ``holidays``, when
    given, replace the lists the calendar had.

    Rules: a known time zone, ``calendar_hours_check`` and
    ``calendar_holidays_check``; ValidationError with field messages otherwise.
    Saving a calendar that existed re-targets the open clocks it times (level
    clocks included), in the background after the commit; the stretch already
    running is measured with the calendar as it is now."""
    calendar = calendar if calendar is not None else BusinessCalendar()
    existed = calendar.pk is not None
    fields_apply(instance=calendar, data=data, allowed=CALENDAR_FIELDS)
    calendar.full_clean()
    hours = intervals
    if hours is None:
        hours = list(calendar.intervals.values(*INTERVAL_FIELDS)) if existed else []
    calendar_hours_check(is_24x7=calendar.is_24x7, intervals=hours)
    if holidays is not None:
        calendar_holidays_check(holidays=holidays)
    # Saved even when only the lists change: ``updated_at`` is what the compiled
    # calendars are cached by.
    calendar.save()
    if intervals is not None:
        calendar.intervals.all().delete()
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=calendar, **i) for i in intervals
        )
    if holidays is not None:
        calendar.holidays.all().delete()
        Holiday.objects.bulk_create(Holiday(calendar=calendar, **h) for h in holidays)
    if existed:
        tasks.recompute_clocks_after_commit(calendar_id=calendar.pk)
    return calendar


@transaction.atomic
def calendar_delete(*, calendar: BusinessCalendar) -> None:
    """Delete a calendar nothing uses; one still used by SLA policies, teams or
    escalation levels is refused with ``InUse``, naming them."""
    try:
        calendar.delete()
    except ProtectedError as exc:
        users = ", ".join(sorted({str(obj) for obj in exc.protected_objects}))
        raise InUse(
            _(
                "The calendar %(calendar)s is still used by: %(users)s. "
                "Give them another calendar first."
            )
            % {"calendar": calendar, "users": users}
        ) from exc


@transaction.atomic
def team_calendar_save(*, team: Team, calendar: BusinessCalendar | None) -> None:
    """Set the calendar ``team`` works (None: none, so its clocks run 24x7 unless
    their policy names a calendar). A change re-matches the open tickets in the
    background after the commit, when the team has any: policies without a
    calendar time its tickets with the team's."""
    link = TeamCalendar.objects.filter(team=team).first()
    if (link.calendar_id if link else None) == (calendar.pk if calendar else None):
        return
    if calendar is None:
        link.delete()
    else:
        TeamCalendar.objects.update_or_create(team=team, defaults={"calendar": calendar})
    open_tickets = Ticket.objects.filter(team=team).exclude(
        status__in=(Status.RESOLVED, Status.CLOSED)
    )
    if open_tickets.exists():
        tasks.recompute_clocks_after_commit()


def _interval_label(interval: Interval) -> str:
    return f"{Weekday(interval.weekday).label} {interval.start:%H:%M}-{interval.end:%H:%M}"
