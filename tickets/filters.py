"""Ticket filters, shared by the queue page and the API."""

import re

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from config.filtering import LeanFilterSet
from tickets.bounds import ModelChoiceFilter, MomentFilter
from tickets.models import (
    Category,
    DataRegion,
    Organization,
    Priority,
    Status,
    Team,
    Ticket,
    Tier,
    User,
)
from tickets.search import search_tickets
from tickets.selectors import user_is_agent


class TicketFilter(LeanFilterSet):
    # distinct=False: a choice among a ticket's own columns never duplicates rows,
    # and DISTINCT made the queue (and its count) sort every matching ticket.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, label=_("Status"), distinct=False
    )
    priority = django_filters.MultipleChoiceFilter(
        choices=Priority.choices, label=_("Priority"), distinct=False
    )
    level = django_filters.MultipleChoiceFilter(
        choices=Tier.choices, label=_("Level"), distinct=False
    )
    team = ModelChoiceFilter(queryset=Team.objects.all(), label=_("Team"))
    assignee = ModelChoiceFilter(queryset=User.objects.all(), label=_("Assignee"))
    unassigned = django_filters.BooleanFilter(
        field_name="assignee", lookup_expr="isnull", label=_("Unassigned")
    )
    organization = ModelChoiceFilter(queryset=Organization.objects.all(), label=_("Organization"))
    category = ModelChoiceFilter(queryset=Category.objects.all(), label=_("Category"))
    region = django_filters.MultipleChoiceFilter(
        field_name="organization__data_region",
        choices=DataRegion.choices,
        label=_("Data region"),
    )
    created_after = MomentFilter(
        field_name="created_at", lookup_expr="gte", label=_("Created at or after")
    )
    created_before = MomentFilter(
        field_name="created_at", lookup_expr="lt", label=_("Created before")
    )
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=200)

    class Meta:
        model = Ticket
        fields = ["status", "priority", "level", "team", "assignee", "organization", "category"]

    # How the desk routes the work: a requester's list does not show it, and is
    # not narrowed by it either (that would tell the level by elimination).
    agent_only = Ticket.ROUTING_FIELDS

    def filter_queryset(self, queryset):
        user = getattr(self.request, "user", None)
        if user is not None and not user_is_agent(user):
            cleaned = self.form.cleaned_data
            for name in self.agent_only:
                if cleaned.get(name):
                    cleaned[name] = None
        return super().filter_queryset(queryset)

    def search(self, queryset, name, value):
        """Text search over reference, title, description, comments and requester."""
        value = value.strip()
        if not value:
            return queryset
        # Words: full text over title, description and comments; an e-mail
        # address or a name: the requester; a reference: that ticket.
        if "@" in value:  # an address, or part of one: the requester's only
            return queryset.filter(requester_email__icontains=value)
        extra = Q(requester_name__iexact=value)
        prefix = re.escape(settings.TICKET_REFERENCE_PREFIX)
        match = re.fullmatch(rf"(?:{prefix}-)?0*(\d{{1,12}})", value, flags=re.IGNORECASE)
        if match:
            extra |= Q(pk=int(match.group(1)))
        user = getattr(self.request, "user", None)
        return search_tickets(queryset, value, extra, user=user)
