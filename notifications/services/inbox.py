"""A user's own inbox and channel choices: marking notifications read, and
storing which events reach them on which channel."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import Channel, Notification, Preference
from tickets.models import User


def notification_mark_read(*, user: User, pk: int | str) -> Notification:
    """Mark one of the user's own notifications read (once: the first reading
    time stays); someone else's, or an id that is not one, is a 404."""
    try:
        notification = Notification.objects.get(pk=pk, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such notification.")) from exc
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; the number marked."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_set(*, user: User, choices: dict[tuple[str, str], bool]) -> None:
    """Store ``{(kind, channel): enabled}``; a choice equal to the default is kept
    too, so a later change of defaults does not override what the user said.
    Events left out keep their setting."""
    for (kind, channel), enabled in choices.items():
        Preference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
        )


def preference_rows_set(*, user: User, rows: list[dict]) -> None:
    """Store rows of ``{"kind", "inapp"?, "email"?}`` (the API's shape): each
    channel a row names; events and channels left out keep their setting."""
    preferences_set(
        user=user,
        choices={
            (row["kind"], channel.value): row[channel.value]
            for row in rows
            for channel in (Channel.INAPP, Channel.EMAIL)
            if channel.value in row
        },
    )
