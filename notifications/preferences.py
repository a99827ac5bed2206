"""Which events reach a user on which channel: their own choice, else the default."""

from __future__ import annotations

from collections.abc import Iterable

from notifications.models import Channel, EventKind, Preference

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
    }
)
USER_CHANNELS = (Channel.INAPP, Channel.EMAIL)


def default(kind: str, channel: str) -> bool:
    return channel == Channel.INAPP or kind in EMAIL_BY_DEFAULT


def choices_for(*, user_ids: Iterable[int], kind: str) -> dict[tuple[int, str], bool]:
    """{(user id, channel): enabled} for ``kind``, in one query."""
    ids = list(user_ids)
    rows = Preference.objects.filter(user_id__in=ids, kind=kind) if ids else ()
    chosen = {(row.user_id, row.channel): row.enabled for row in rows}
    return {
        (uid, channel): chosen.get((uid, channel), default(kind, channel))
        for uid in ids
        for channel in USER_CHANNELS
    }


def grid_for(user) -> list[dict]:
    """Every event with the user's choice per channel, for the preferences page and API."""
    chosen = {(row.kind, row.channel): row.enabled for row in Preference.objects.filter(user=user)}
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            **{
                channel.value: chosen.get((kind.value, channel.value), default(kind, channel))
                for channel in USER_CHANNELS
            },
        }
        for kind in EventKind
    ]


def preferences_set(*, user, choices: dict[tuple[str, str], bool]) -> None:
    """Store ``{(kind, channel): enabled}``; a choice equal to the default is kept
    too, so a later change of defaults does not override what the user said."""
    for (kind, channel), enabled in choices.items():
        Preference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
        )
