"""What every escalation page needs."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from escalations.models import Escalation
from tickets import selectors

PAGE_SIZE = 25


def agents_only(request: HttpRequest) -> None:
    """Escalation pages are for agents; requesters get a 403."""
    if not selectors.user_is_agent(request.user):
        raise PermissionDenied(_("Escalations are for agents."))


def detail_url(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.pk])
