"""The states of an SLA clock and the moves between them, declared as one table
checked by one function. Pure: no database.

A clock is in one of six states. Before its target is missed it is running
(counting business time), paused (the ticket waits on the customer) or met.
Once past its target it is breached, and keeps a state of its own: its overrun
still counting, paused, or ended (met late). The breach is never undone; only
a new cycle (a new level, the next public update) starts the clock afresh.

Every change of a clock's state, in the services and in the sweep, asks
``clock_move`` for the state an event leads to; a move that is not declared in
``TRANSITIONS`` is refused with ``ClockMoveError``, a programming error.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED_RUNNING = "breached_running", _("Breached, overrun counting")
    BREACHED_PAUSED = "breached_paused", _("Breached, paused")
    BREACHED_MET = "breached_met", _("Breached, then met")


class ClockStatus(models.TextChoices):
    """What clients are shown (API ``status``, pages): the state without the
    detail of a breached clock."""

    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


class ClockEvent(StrEnum):
    START = "start"  # a new clock, or a new cycle of one, timed from now
    START_PAUSED = "start_paused"  # the same while the ticket is pending
    PAUSE = "pause"  # the ticket became pending
    RESUME = "resume"  # the ticket left pending
    WARN = "warn"  # the sweep found the warning time passed
    BREACH = "breach"  # the sweep found the target missed
    MEET = "meet"  # met: a reply, an update, resolution, the level left, no target any more
    REOPEN = "reopen"  # the resolved ticket was reopened: resolution counts again
    RETARGET = "retarget"  # a new policy, target or calendar; used time kept


S, E = ClockState, ClockEvent
# A new cycle may start from any state: the level clock restarts at every level
# entered, the next-update clock after every public update.
_NEW_CYCLE = {E.START: S.RUNNING, E.START_PAUSED: S.PAUSED}

# None is a clock that does not exist yet.
TRANSITIONS: dict[ClockState | None, dict[ClockEvent, ClockState]] = {
    None: {**_NEW_CYCLE},
    S.RUNNING: {
        **_NEW_CYCLE,
        E.PAUSE: S.PAUSED,
        E.WARN: S.RUNNING,
        E.BREACH: S.BREACHED_RUNNING,
        E.MEET: S.MET,
        E.RETARGET: S.RUNNING,
    },
    S.PAUSED: {
        **_NEW_CYCLE,
        E.RESUME: S.RUNNING,
        E.MEET: S.MET,
        E.RETARGET: S.PAUSED,
    },
    S.MET: {**_NEW_CYCLE, E.REOPEN: S.RUNNING},
    # A breached clock is not re-targeted: the breach stands whatever the new target.
    S.BREACHED_RUNNING: {**_NEW_CYCLE, E.PAUSE: S.BREACHED_PAUSED, E.MEET: S.BREACHED_MET},
    S.BREACHED_PAUSED: {**_NEW_CYCLE, E.RESUME: S.BREACHED_RUNNING, E.MEET: S.BREACHED_MET},
    S.BREACHED_MET: {**_NEW_CYCLE, E.REOPEN: S.BREACHED_RUNNING},
}

# Groups the services and queries use, each a reading of the table above.
COUNTING = frozenset({S.RUNNING, S.BREACHED_RUNNING})  # consuming business time
OPEN = frozenset({S.RUNNING, S.PAUSED})  # neither met nor breached
BREACHED = frozenset({S.BREACHED_RUNNING, S.BREACHED_PAUSED, S.BREACHED_MET})
ENDED = frozenset({S.MET, S.BREACHED_MET})

STATUS: dict[ClockState, ClockStatus] = {
    S.RUNNING: ClockStatus.RUNNING,
    S.PAUSED: ClockStatus.PAUSED,
    S.MET: ClockStatus.MET,
    S.BREACHED_RUNNING: ClockStatus.BREACHED,
    S.BREACHED_PAUSED: ClockStatus.BREACHED,
    S.BREACHED_MET: ClockStatus.BREACHED,
}


class ClockMoveError(ValueError):
    """A move the table does not declare: a defect in the caller, never bad input."""


def can_move(state: str | None, event: ClockEvent) -> bool:
    """Whether ``event`` may happen to a clock in ``state``."""
    return event in TRANSITIONS.get(_state(state), {})


def clock_move(state: str | None, event: ClockEvent) -> ClockState:
    """The state ``event`` leads to from ``state``; ``ClockMoveError`` if undeclared."""
    moves = TRANSITIONS.get(_state(state), {})
    if event not in moves:
        raise ClockMoveError(f"An SLA clock cannot {event} when {state or 'new'}.")
    return moves[event]


def states_allowing(event: ClockEvent) -> frozenset[ClockState]:
    """Every existing state from which ``event`` is declared (for set-based updates)."""
    return frozenset(s for s, moves in TRANSITIONS.items() if s is not None and event in moves)


def public_status(state: str) -> ClockStatus:
    """What clients are shown for a clock in ``state``."""
    return STATUS[ClockState(state)]


def _state(state: str | None) -> ClockState | None:
    if state is None or state == "":
        return None
    try:
        return ClockState(state)
    except ValueError:
        raise ClockMoveError(f"Unknown SLA clock state {state!r}.") from None
