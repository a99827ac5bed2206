"""Configuration writes: one service per write, for SLA policies, business
calendars (hours, holidays, a team's calendar), escalation paths and their
levels, priority criteria and the priority matrix.

Each service owns the rules of its write (it checks them whatever the door:
admin, API, a command) and what the write sets off: an edit that can move
deadlines re-targets the open clocks, once, in a background task after the
transaction commits. Each rule that spans rows also has a ``*_check`` function,
which the admin forms call so that their messages show on the form; the API
lets the service refuse (a 400 with field messages, or a 409 for ``InUse``).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models


class InUse(Exception):
    """Removing this would pull it from under tickets, requests or other
    configuration still using it; the message names them."""


def fields_apply(
    *, instance: models.Model, data: Mapping[str, Any], allowed: Iterable[str]
) -> None:
    """Set ``data`` (field name to value) on ``instance``; a name outside
    ``allowed`` is a defect in the caller, not bad input."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no writable field {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)
