"""Which events reach a user on which channel when the user has not chosen: the
defaults. A user's own choice (``Preference``) always wins over them."""

from __future__ import annotations

from notifications.models import Channel, EventKind

# E-mail is on by default for what asks someone to act now or what a requester
# expects to hear; the in-app inbox gets every event.
EMAIL_BY_DEFAULT = frozenset(
    {
        EventKind.TICKET_CREATED,
        EventKind.TICKET_ASSIGNED,
        EventKind.TICKET_REPLIED,
        EventKind.SLA_BREACH,
        EventKind.ESCALATED,
        EventKind.APPROVAL_REQUESTED,
        EventKind.APPROVAL_DECIDED,
        EventKind.ESCALATION_OPENED,
        EventKind.MONITORING_ENDED,
        EventKind.ESCALATION_CLOSED,
        EventKind.REVIEW_REQUESTED,
        EventKind.UPDATE_SENT,
        EventKind.UPDATE_MISSED,
        EventKind.WEBHOOK_DISABLED,
        EventKind.HANDED_OVER,
        EventKind.LEVEL_OFF_DUTY,
    }
)
# The channels a user chooses for themselves; webhooks are set up by admins.
USER_CHANNELS = (Channel.INAPP, Channel.EMAIL)


def default(kind: str, channel: str) -> bool:
    """Whether ``kind`` reaches a user on ``channel`` who has not chosen."""
    return channel == Channel.INAPP or kind in EMAIL_BY_DEFAULT
