"""Filters of the escalations list page. They narrow what ``escalation_list`` lets
the user see; they never widen it."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from escalations.models import Escalation
from tickets.selectors import user_team_ids

SCOPES = [
    ("mine", _("Mine (I asked for or manage)")),
    ("teams", _("My teams' tickets")),
]


class EscalationPageFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(
        label=_("Show"), choices=SCOPES, method="by_scope", empty_label=_("All I may see")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Escalation.Status.choices, empty_label=_("Any")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Escalation.Kind.choices, empty_label=_("Any")
    )
    trigger = django_filters.ChoiceFilter(
        label=_("Trigger"), choices=Escalation.Trigger.choices, empty_label=_("Any")
    )

    class Meta:
        model = Escalation
        fields = ["scope", "status", "kind", "trigger"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def by_scope(self, queryset, name, value):
        user = self.request.user
        if value == "mine":
            return queryset.filter(Q(requested_by=user) | Q(manager=user))
        if value == "teams":
            teams = user_team_ids(user)
            return queryset.filter(Q(ticket__team_id__in=teams) | Q(to_team_id__in=teams))
        return queryset
