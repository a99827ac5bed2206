"""Duty pages: the escalation directory, a team's schedule for the next two
weeks, "assign next", and each person's duty calendar feed (iCalendar)."""

import bisect
import zoneinfo
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.posting import post_only
from escalations import duty_selectors
from escalations.models import DutyProfile
from escalations.services.duty.assignment import ticket_assign_next
from escalations.views.base import agents_only
from escalations.views.ical import calendar_feed
from tickets.models import Team

TIMELINE_DAYS = 14


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    """Who is on duty now and next, per level and team, and how to reach them."""
    agents_only(request)
    q = request.GET.get("q", "")[:100]
    rows = duty_selectors.directory(at=timezone.now(), q=q)
    feed = duty_selectors.feed_profile(user=request.user)
    feed_url = request.build_absolute_uri(reverse("escalations:duty_feed", args=[feed.feed_token]))
    return render(request, "duty/directory.html", {"rows": rows, "q": q, "feed_url": feed_url})


def _zone_name(team: Team) -> str:
    return team.schedule.time_zone if hasattr(team, "schedule") else "UTC"


def _grid(team: Team, pieces, start: datetime):
    """Days (in the team's time zone) of 24 hourly cells: on duty or not, and who
    is on call at the start of each hour."""
    zone = zoneinfo.ZoneInfo(_zone_name(team))
    starts = [a for a, _b, _d, _u in pieces]
    first_day = start.astimezone(zone).date()
    days = []
    for offset in range(TIMELINE_DAYS):
        day = first_day + timedelta(days=offset)
        cells = []
        for hour in range(24):
            moment = datetime.combine(day, time(hour), tzinfo=zone)
            i = bisect.bisect_right(starts, moment) - 1
            if i < 0 or moment >= pieces[-1][1]:
                cells.append({"hour": hour, "state": "none", "on_call": None})
                continue
            _a, _b, duty, on_call = pieces[i]
            state = "on" if duty.on_duty else ("call" if on_call else "off")
            cells.append({"hour": hour, "state": state, "on_call": on_call})
        days.append({"day": day, "cells": cells})
    return days


@login_required
def team_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's duty over the next two weeks: a grid of hours and a list."""
    agents_only(request)
    team = get_object_or_404(Team.objects.select_related("manager", "schedule"), pk=pk)
    # From midnight of today in the team's zone: today's grid is whole, whatever the hour.
    zone = zoneinfo.ZoneInfo(_zone_name(team))
    today = timezone.now().astimezone(zone).date()
    start = datetime.combine(today, time(0), tzinfo=zone)
    pieces = duty_selectors.team_timeline(team=team, start=start, days=TIMELINE_DAYS + 1)
    context = {
        "team": team,
        "pieces": pieces,
        "grid": _grid(team, pieces, start),
        "teams": duty_selectors.teams_with_schedules(user=request.user),
        "hours": range(24),
        "team_zone": _zone_name(team),
    }
    return render(request, "duty/schedule.html", context)


@login_required
@post_only("escalations:duty_directory", pk=False)
def assign_next(request: HttpRequest) -> HttpResponse:
    """ "Assign next": the most urgent unassigned ticket of the agent's teams."""
    agents_only(request)
    try:
        ticket = ticket_assign_next(agent=request.user, actor=request.user)
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("escalations:duty_directory")
    if ticket is None:
        messages.info(
            request, _("No unassigned ticket is waiting for you (or you are at your cap).")
        )
        return redirect("escalations:duty_directory")
    messages.success(request, _("%(ref)s is yours.") % {"ref": ticket.reference})
    return redirect(ticket.get_absolute_url())


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's duties as an iCalendar feed; the secret token is the only key."""
    profile = DutyProfile.objects.select_related("user").filter(feed_token=token).first()
    if profile is None or not profile.user.is_active:
        raise Http404
    start = timezone.now() - timedelta(days=7)
    duties = duty_selectors.duties_of_person(user=profile.user, start=start, days=63)
    body = calendar_feed(user=profile.user, duties=duties, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duty.ics"'
    return response
