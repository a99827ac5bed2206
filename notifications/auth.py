"""Authentication backend that loads the user's unread notification count (and
whether they manage a team, for the reports links) with the user row itself, so
the navigation shows them on every page without a query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from notifications.models import Notification
from tickets.models import Team


class InboxAwareBackend(ModelBackend):
    def get_user(self, user_id):
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(n=Count("pk"))
            .values("n")
        )
        user_model = get_user_model()
        try:
            user = user_model._default_manager.annotate(
                unread_notifications=Coalesce(
                    Subquery(unread, output_field=IntegerField()), Value(0)
                ),
                manages_teams=Exists(Team.objects.filter(manager=OuterRef("pk"))),
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
