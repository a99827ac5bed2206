"""The in-app inbox: reading and marking a user's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from notifications.models import Notification
from tickets.models import User


def inbox_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).select_related("ticket")
    return rows.filter(read_at__isnull=True) if unread_only else rows


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, user: User, pk: int) -> Notification:
    """Mark one of the user's own notifications read; someone else's, or an id
    that is not one, is a 404."""
    try:
        notification = Notification.objects.get(pk=pk, recipient=user)
    except (Notification.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such notification.") from exc
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
