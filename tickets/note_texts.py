"""The messages of system notes (``tickets.notes``), one place for every app.

A key names a message for good: a stored note keeps its key, so a message is
reworded here (the catalogs follow) but a key is never reused for another
meaning. Each message declares the kind of each parameter (see ``tickets.notes``);
choice kinds are the names registered with ``tickets.hooks.add_value_choices``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

WHEN, DURATION, NUMBER, TEXT, NOTE = "when", "duration", "number", "text", "note"
LINES = "lines"  # a list of notes (or texts), one per line

_HOURS = ngettext_lazy("%(count)d hour", "%(count)d hours", "count")
_MINUTES = ngettext_lazy("%(count)d minute", "%(count)d minutes", "count")


def hours(count: int) -> str:
    return _HOURS % {"count": count}


def minutes(count: int) -> str:
    return _MINUTES % {"count": count}


@dataclass(frozen=True)
class Message:
    text: Promise | str
    kinds: dict[str, str]


def _m(text: Promise | str, /, **kinds: str) -> Message:
    return Message(text, kinds)


_DUE = _("%(metric)s due %(due)s (target %(target)s of business time)")
_HANDED = _("Handed over at the end of %(from)s's duty to %(to)s.")

MESSAGES: dict[str, Message] = {
    # tickets
    "priority.by_hand": _m(_("Priority set by hand.")),
    "priority.matrix": _m(
        _("Priority %(priority)s from impact %(impact)s x urgency %(urgency)s."),
        priority=TEXT,
        impact=NUMBER,
        urgency=NUMBER,
    ),
    "priority.set": _m(_("Set by hand: %(reason)s"), reason=TEXT),
    "priority.back_to_rules": _m(
        _("Back to the rules (%(why)s): %(reason)s"), why=NOTE, reason=TEXT
    ),
    # the priority rules (escalations.rules): the matrix's answer, raised by criteria
    "priority.rules": _m(
        _("%(priority)s from impact %(impact)s x urgency %(urgency)s"),
        priority=TEXT,
        impact=NUMBER,
        urgency=NUMBER,
    ),
    "priority.criteria": _m(
        _("%(priority)s by criteria: %(names)s (%(base)s)"), priority=TEXT, names=TEXT, base=NOTE
    ),
    "comment.public": _m(_("Public reply")),
    "comment.internal": _m(_("Internal note")),
    "comment.opened": _m(_("Opened by the first public reply.")),
    "comment.requester_replied": _m(_("The requester replied.")),
    "admin.changed": _m(_("Changed in admin.")),
    # SLA clocks
    "sla.due": _m(_DUE, metric="metric", due=WHEN, target=DURATION),
    "sla.used": _m(_("%(used)s business time used"), used=DURATION),
    "sla.reopened": _m(_("Reopened, %(used)s already used: %(due)s"), used=DURATION, due=NOTE),
    "sla.cycle": _m(_("Cycle %(cycle)s: %(due)s"), cycle=NUMBER, due=NOTE),
    "sla.retargeted": _m(
        _("Re-targeted by policy %(policy)s: %(due)s, %(used)s already used"),
        policy=TEXT,
        due=NOTE,
        used=DURATION,
    ),
    "sla.no_target": _m(_("The policy %(policy)s has no such target."), policy=TEXT),
    "sla.calendar_changed": _m(
        _("Calendar %(calendar)s changed: %(due)s"), calendar=TEXT, due=NOTE
    ),
    "sla.left_level": _m(_("Left the level.")),
    "sla.resolved": _m(_("Ticket resolved.")),
    "sla.first_reply": _m(_("First public reply.")),
    "sla.public_update": _m(_("Public update.")),
    "sla.missed": _m(_("%(metric)s target missed."), metric="metric"),
    "sla.due_soon": _m(_("%(metric)s is due soon."), metric="metric"),
    # escalations
    "escalation.automatic": _m(_("Escalated automatically: %(why)s"), why=NOTE),
    "escalation.level_time": _m(_("%(level)s time limit ran out."), level="level"),
    "escalation.sla_breached": _m(_("%(metric)s SLA breached."), metric="metric"),
    "escalation.criterion": _m(_("Priority criterion “%(name)s”."), name=TEXT),
    "escalation.escalated": _m(_("Escalated: %(reason)s"), reason=NOTE),
    "escalation.by_hand": _m(_("Escalated by hand.")),
    "escalation.on_approval": _m(_("Escalated on approval.")),
    "escalation.requested": _m(
        _("Escalation requested; awaiting approval by %(team)s's manager."), team=TEXT
    ),
    "escalation.approved": _m(_("Escalation approved.")),
    "escalation.rejected": _m(_("Escalation rejected: %(reason)s"), reason=TEXT),
    # ``r``: a person's words, or the system's note (stored rows hold text: shown as is)
    "escalation.reopened": _m(_("Escalation active again: %(r)s"), r=NOTE),
    "escalation.reopened_in_monitoring": _m(_("the ticket was reopened during monitoring")),
    "escalation.opened": _m(
        _("Managed escalation opened; escalation manager: %(m)s. %(why)s"), m=NOTE, why=NOTE
    ),
    "escalation.no_manager": _m(_("none")),
    "escalation.closed": _m(_("Managed escalation closed: %(n)s"), n=TEXT),
    "escalation.closed_open_items": _m(
        # The items first: the closure note is a person's words, with or without a full stop.
        _("Managed escalation closed with open action items (%(items)s): %(n)s"),
        n=TEXT,
        items=TEXT,
    ),
    "escalation.withdrawn": _m(_("Escalation request withdrawn: %(reason)s"), reason=NOTE),
    "escalation.resolved_first": _m(_("The ticket was resolved before a decision.")),
    "escalation.manager": _m(_("Escalation manager: %(m)s"), m=TEXT),
    "escalation.team": _m(_("Escalation team: %(role)s %(who)s"), role="team_role", who=TEXT),
    "escalation.action": _m(_("Action: %(d)s"), d=TEXT),
    "escalation.action_done": _m(_("Action done: %(d)s"), d=TEXT),
    "escalation.action_reopened": _m(_("Action reopened: %(d)s"), d=TEXT),
    "escalation.monitoring": _m(_("Monitoring period set: it ends %(until)s."), until=WHEN),
    "escalation.monitoring_ended": _m(
        _("Monitoring period ended: close the escalation or reopen it.")
    ),
    "escalation.review_requested": _m(_("Post-escalation review requested.")),
    "escalation.review_submitted": _m(_("Post-escalation review submitted.")),
    # what an automatic escalation says for itself in place of a hand-off
    "handoff.summary": _m(_("%(ref)s %(title)s: %(why)s"), ref=TEXT, title=TEXT, why=NOTE),
    "handoff.comments": _m(_("Comments so far: %(n)s; see the ticket's timeline."), n=NUMBER),
    "handoff.impact": _m(
        _("Priority %(p)s (impact %(i)s, urgency %(u)s)."), p=TEXT, i=NUMBER, u=NUMBER
    ),
    "handoff.customer": _m(
        _("%(who)s, %(org)s (%(tier)s)"), who=TEXT, org=TEXT, tier="organization_tier"
    ),
    "handoff.assistance": _m(_("Take over at the next level.")),
    "routing.path": _m(_("Routed by path %(path)s."), path=TEXT),
    # duty
    "duty.handed_over": _m(_HANDED, **{"from": TEXT, "to": TEXT}),
    "duty.handed_over_note": _m(
        _("Handed over at the end of %(from)s's duty to %(to)s. Hand-over note: %(text)s"),
        **{"from": TEXT, "to": TEXT, "text": TEXT},
    ),
    "duty.assigned": _m(
        _("Assigned automatically (%(mode)s, %(team)s): %(why)s"),
        mode="assignment_mode",
        team=TEXT,
        why=NOTE,
    ),
    "duty.entered_team": _m(_("the ticket entered the team.")),
    "duty.new_ticket": _m(_("a new ticket for the team.")),
    "duty.off_duty": _m(_("the assignee went off duty.")),
    "duty.assign_next": _m(_("Assigned on demand (“assign next”) to %(agent)s."), agent=TEXT),
    # the hand-over draft: lines from the ticket's timeline
    "handover.draft": _m("%(lines)s", lines=LINES),  # nothing of its own to translate
    "handover.head": _m(
        _("%(ref)s %(title)s: %(priority)s, %(status)s, %(level)s."),
        ref=TEXT,
        title=TEXT,
        priority=TEXT,
        status="status",
        level="level",
    ),
    "handover.changes": _m(_("Recent changes:")),
    "handover.change": _m(_("- %(at)s %(kind)s: %(what)s"), at=WHEN, kind="event_kind", what=NOTE),
    "handover.comments": _m(_("Latest comments:")),
    "handover.comment": _m(_("- %(author)s: %(body)s"), author=TEXT, body=TEXT),
    # notifications
    "update.sent": _m(_("Status update sent")),
    # privacy
    "privacy.erased": _m(
        _("The requester's personal data was erased (pseudonym %(token)s)."), token=TEXT
    ),
    "privacy.hold_set": _m(_("Legal hold set.")),
    "privacy.hold_lifted": _m(_("Legal hold lifted.")),
    "privacy.retention": _m(_("Personal data removed after the retention period.")),
}
