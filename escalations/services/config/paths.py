"""Escalation paths and their levels: saving and deleting them.

A path's levels are written as one list that replaces the old one. Levels keep
their identity where they can: the n-th level of a tier stays the n-th level of
that tier, updated in place, so the tickets standing on it and the requests
awaiting approval into it keep pointing at it. Level clocks keep the time limit
they started with; the new one applies from the next time a ticket enters the
level."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalations.models import Escalation, EscalationLevel, EscalationPath, TicketRoute
from escalations.services.config import InUse, fields_apply
from tickets.models import Ticket, Tier

PATH_FIELDS = ("name", "is_active", "is_default", "category", "priority")
LEVEL_FIELDS = (
    "position",
    "tier",
    "teams",
    "time_limit_minutes",
    "calendar",
    "notify_manager",
    "approval_required",
    "note",
)


def escalation_path_check(*, path: EscalationPath) -> None:
    """One default path: it serves every ticket no other path fits.
    ValidationError on ``is_default`` otherwise."""
    clash = EscalationPath.objects.filter(is_default=True).exclude(pk=path.pk)
    if path.is_default and clash.exists():
        raise ValidationError({"is_default": _("Another path is the default already.")})


def escalation_levels_check(*, levels: Sequence[Mapping[str, Any]]) -> None:
    """A path's levels (``LEVEL_FIELDS`` each): at least one, positions 1..n
    without gaps, tiers climbing (L1, L2, L3, management), every level with a
    team. ValidationError on ``levels`` with the first thing wrong."""
    if not levels:
        raise ValidationError({"levels": _("A path needs at least one level.")})
    positions = sorted(level["position"] for level in levels)
    if positions != list(range(1, len(levels) + 1)):
        raise ValidationError({"levels": _("Positions must be 1, 2, 3... without gaps.")})
    order = [
        Tier.values.index(level["tier"]) for level in sorted(levels, key=lambda d: d["position"])
    ]
    if order != sorted(order):
        raise ValidationError({"levels": _("Levels must climb: L1, L2, L3, management.")})
    if not all(level["teams"] for level in levels):
        raise ValidationError({"levels": _("Every level needs at least one team.")})


def escalation_levels_in_use(*, path: EscalationPath, levels: Sequence[Mapping[str, Any]]) -> str:
    """What would be pulled from under tickets and requests if ``levels``
    replaced the path's levels: a message naming them, or "" when nothing is."""
    if path.pk is None:
        return ""
    _kept, _new, dropped = _plan(path, levels)
    ids = [level.pk for level in dropped]
    used = _uses(TicketRoute.objects.filter(level_id__in=ids), ids) if dropped else ""
    if not used:
        return ""
    return _(
        "These levels would be removed but are still in use: %(levels)s. Used by: "
        "%(uses)s. Keep the levels, or move those tickets and decide those "
        "requests first."
    ) % {"levels": ", ".join(str(level) for level in dropped), "uses": used}


@transaction.atomic
def escalation_path_save(
    *,
    path: EscalationPath | None = None,
    data: Mapping[str, Any],
    levels: Sequence[Mapping[str, Any]] | None = None,
) -> EscalationPath:
    """Create a path (``path`` None, or a new unsaved one) or change one with
    ``data`` (``PATH_FIELDS``); ``levels``, when given, replace its levels.

    Rules: ``escalation_path_check`` and ``escalation_levels_check``
    (ValidationError with field messages); a level that would go away while
    tickets stand on it or a request awaits approval into it is refused with
    ``InUse`` naming them, and nothing is changed then."""
    path = path if path is not None else EscalationPath()
    fields_apply(instance=path, data=data, allowed=PATH_FIELDS)
    path.full_clean(validate_constraints=False)  # the default path: checked just below
    escalation_path_check(path=path)
    if levels is not None:
        escalation_levels_check(levels=levels)
        used = escalation_levels_in_use(path=path, levels=levels)
        if used:
            raise InUse(used)
    path.save()
    if levels is not None:
        _levels_replace(path, levels)
    return path


def escalation_path_uses(*, path: EscalationPath) -> str:
    """What still uses the path: the tickets that have followed it and the
    requests awaiting approval into its levels ("" when nothing does)."""
    level_ids = list(path.levels.values_list("pk", flat=True))
    return _uses(TicketRoute.objects.filter(path=path), level_ids)


@transaction.atomic
def escalation_path_delete(*, path: EscalationPath) -> None:
    """Delete a path no ticket has followed; one in use is refused with
    ``InUse`` (deactivate it instead, so no new ticket follows it)."""
    used = escalation_path_uses(path=path)
    if used:
        raise InUse(
            _(
                "The escalation path %(path)s is still used by: %(uses)s. "
                "Deactivate it instead, so no new ticket follows it."
            )
            % {"path": path, "uses": used}
        )
    path.delete()


def _requests_awaiting(level_ids: Sequence[int]) -> list[int]:
    """The escalation requests awaiting approval into these levels."""
    return sorted(
        Escalation.objects.filter(
            to_level_id__in=level_ids, status=Escalation.Status.REQUESTED
        ).values_list("pk", flat=True)
    )


def _plan(path: EscalationPath, levels: Sequence[Mapping[str, Any]]):
    """Which old level each new one becomes (the n-th of its tier), which are
    new, and which old ones go away."""
    old_by_tier: dict[str, list[EscalationLevel]] = defaultdict(list)
    for level in path.levels.order_by("position"):
        old_by_tier[level.tier].append(level)
    kept: list[tuple[EscalationLevel, Mapping[str, Any]]] = []
    new: list[Mapping[str, Any]] = []
    seen: dict[str, int] = defaultdict(int)
    for data in sorted(levels, key=lambda d: d["position"]):
        n = seen[data["tier"]]
        seen[data["tier"]] += 1
        olds = old_by_tier[data["tier"]]
        if n < len(olds):
            kept.append((olds[n], data))
        else:
            new.append(data)
    dropped = [lv for tier, olds in old_by_tier.items() for lv in olds[seen[tier] :]]
    return kept, new, dropped


def _levels_replace(path: EscalationPath, levels: Sequence[Mapping[str, Any]]) -> None:
    kept, new, dropped = _plan(path, levels)
    EscalationLevel.objects.filter(pk__in=[lv.pk for lv in dropped]).delete()
    # Positions are unique per path: park the kept levels out of the way first.
    for offset, (level, _data) in enumerate(kept, start=1):
        EscalationLevel.objects.filter(pk=level.pk).update(position=1000 + offset)
    for level, data in kept:
        fields = dict(data)
        teams = fields.pop("teams")
        for name, value in fields.items():
            setattr(level, name, value)
        level.save()
        level.teams.set(teams)
    for data in new:
        fields = dict(data)
        teams = fields.pop("teams")
        EscalationLevel.objects.create(path=path, **fields).teams.set(teams)


def _uses(routes, level_ids: Sequence[int]) -> str:
    """What still points at a path or levels: the tickets of ``routes`` standing on
    them, and the requests awaiting approval into ``level_ids``."""
    refs = [Ticket(pk=pk).reference for pk in sorted(routes.values_list("ticket_id", flat=True))]
    pending = _requests_awaiting(level_ids)
    parts = []
    if refs:
        shown = ", ".join(refs[:10]) + (", …" if len(refs) > 10 else "")
        parts.append(
            ngettext("%(n)s ticket (%(refs)s)", "%(n)s tickets (%(refs)s)", len(refs))
            % {"n": len(refs), "refs": shown}
        )
    if pending:
        parts.append(
            ngettext(
                "%(n)s escalation awaiting approval (%(ids)s)",
                "%(n)s escalations awaiting approval (%(ids)s)",
                len(pending),
            )
            % {"n": len(pending), "ids": ", ".join(f"#{pk}" for pk in pending)}
        )
    return "; ".join(parts)
