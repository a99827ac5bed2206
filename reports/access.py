"""Who sees reports: admins every team, a team manager the teams he manages,
nobody else (agents and requesters are refused)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from tickets.models import Team, User
from tickets.selectors import user_is_admin


def managed_team_ids(user: User) -> tuple[int, ...]:
    """The teams ``user`` manages (cached on the user for the request)."""
    if not user.is_authenticated:
        return ()
    cached = getattr(user, "_managed_team_ids", None)
    if cached is None:
        cached = tuple(
            Team.objects.filter(manager=user).order_by("pk").values_list("pk", flat=True)
        )
        user._managed_team_ids = cached
    return cached


def can_see_reports(user: User) -> bool:
    """Admins and team managers (loaded with the user by the authentication backend,
    so the navigation costs no query)."""
    if user_is_admin(user):
        return True
    manages = getattr(user, "manages_teams", None)
    return bool(managed_team_ids(user)) if manages is None else manages


def report_scope(user: User) -> tuple[int, ...] | None:
    """The teams ``user`` may report on: None for every team (admins), else the
    teams he manages; PermissionDenied for anyone else."""
    if user_is_admin(user):
        return None
    teams = managed_team_ids(user)
    if not teams:
        raise PermissionDenied(_("Reports are for team managers and admins."))
    return teams
