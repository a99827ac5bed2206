"""Writes on who works and who asks: teams, categories and organizations (admins,
through admin or the API). Each is checked whole (``full_clean``) before it is
saved, and its people are set in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from tickets.models import Category, Organization, Team, User


def _save(instance, data: Mapping[str, Any]):
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def team_save(
    *, team: Team | None = None, data: Mapping[str, Any], members: Iterable[User] | None = None
) -> Team:
    """Create or change a team (name, tier, manager, e-mail); ``members``, when
    given, replaces its members."""
    team = _save(team or Team(), data)
    if members is not None:
        team.members.set(members)
    return team


@transaction.atomic
def category_save(*, category: Category | None = None, data: Mapping[str, Any]) -> Category:
    """Create or change a category; switch it off (``is_active``) rather than delete it."""
    return _save(category or Category(), data)


@transaction.atomic
def organization_save(
    *,
    organization: Organization | None = None,
    data: Mapping[str, Any],
    contacts: Iterable[User] | None = None,
) -> Organization:
    """Create or change an organization; ``contacts``, when given, replaces the
    people told about its tickets."""
    organization = _save(organization or Organization(), data)
    if contacts is not None:
        organization.contacts.set(contacts)
    return organization
