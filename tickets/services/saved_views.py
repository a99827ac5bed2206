"""Saving and removing one's own queue views."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from tickets.models import SavedView, User

# What a view may keep of the queue's query string: its filters and its order.
VIEW_PARAMS = (
    "scope",
    "status",
    "priority",
    "level",
    "team",
    "assignee",
    "unassigned",
    "organization",
    "category",
    "sla_status",
    "q",
    "sort",
)
VIEWS_PER_USER = 30


def view_query(query: str) -> str:
    """The queue parameters worth keeping from ``query`` (no page number)."""
    params = QueryDict(query or "", mutable=True)
    kept = QueryDict(mutable=True)
    for name in VIEW_PARAMS:
        values = [v for v in params.getlist(name) if v][:10]
        if values:
            kept.setlist(name, [v[:200] for v in values])
    return kept.urlencode()


def saved_view_create(*, owner: User, name: str, query: str) -> SavedView:
    """Save the queue's current filters under a name of the owner's."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > 80:
        raise ValidationError({"name": _("At most 80 characters.")})
    if SavedView.objects.filter(owner=owner, name__iexact=name).exists():
        raise ValidationError({"name": _("You have a view of that name already.")})
    if SavedView.objects.filter(owner=owner).count() >= VIEWS_PER_USER:
        raise ValidationError(
            {"name": _("At most %(n)d views; remove one first.") % {"n": VIEWS_PER_USER}}
        )
    position = 100 + SavedView.objects.filter(owner=owner).count()
    return SavedView.objects.create(
        owner=owner, name=name, query=view_query(query), position=position
    )


def saved_view_delete(*, view: SavedView, actor: User) -> None:
    """Remove one of one's own views; shared ones are managed in admin."""
    if view.owner_id != actor.pk:
        raise PermissionDenied(_("Only your own views can be removed here."))
    view.delete()
