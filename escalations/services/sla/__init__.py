"""SLA clocks: started, paused, resumed, met and re-targeted as tickets change.

The rules:
- clocks start when a ticket is created: first response and resolution, and
  next update once the first response is made (if the policy has a cadence);
- a breached clock keeps counting business time until it is met, so the
  overrun is known;
- ``pending`` pauses every counting clock, breached ones included; leaving it
  resumes them, so the due time moves by the paused business time;
- an agent's public reply meets first response (a breached one stays breached,
  with the time it was met), and meets (or, after a breach, simply ends) the
  current next-update cycle and starts the next one with the current policy's
  cadence;
- resolving meets every clock; reopening resumes resolution with its used time
  kept, starts a new next-update cycle and a new cycle of the level clock;
- a change of priority, category, organization or team re-matches the policy,
  re-targets the open clocks, keeping the business time already used, and
  starts the clocks the policy sets that the ticket lacks (a policy that only
  applies now); a clock already past its new target breaches at the next
  sweep, once;
- a counting clock met or paused past its due time before the sweep came by
  records its breach first, dated when it fell due (nobody is told, nothing
  escalates: the answer is there).

Where each part lives: the states and their moves in ``escalations.clockstates``,
the arithmetic in ``escalations.clocks`` (both pure), the policy and calendar
that govern a ticket in ``governing``, each step of a clock's life in
``lifecycle`` (the level clock's in ``level``), and the reactions to ticket
events in ``reactions``. Warnings and breaches are recorded by the sweep
(``escalations.services.sweep``). Every change is written to the ticket's audit
trail.

The names other modules use are importable from here.
"""

from escalations.clocks import STATES, breached_at, clock_state
from escalations.services.sla.governing import remaining, requester_clocks, used_now
from escalations.services.sla.level import (
    level_clock_reschedule,
    level_clock_start,
    level_clock_stop,
)
from escalations.services.sla.reactions import sla_refresh

__all__ = [
    "STATES",
    "breached_at",
    "clock_state",
    "level_clock_reschedule",
    "level_clock_start",
    "level_clock_stop",
    "remaining",
    "requester_clocks",
    "sla_refresh",
    "used_now",
]
