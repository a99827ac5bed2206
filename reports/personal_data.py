"""Personal data the reports app holds: the requester's satisfaction survey
(their comment) and survey opt-outs (an address)."""

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from reports.models import SurveyOptOut, SurveyResponse
from tickets.holders import ModelHolder, Scope, register


class SurveyOptOutHolder(ModelHolder):
    """An address that asked for no surveys: the person's own, so it goes with
    the person (an erasure leaves nothing behind to recognise the address by).
    Not tied to a ticket: retention leaves it."""

    model = SurveyOptOut
    key = "reports.surveyoptout"

    def rows(self, scope: Scope) -> QuerySet:
        if not scope.person or not scope.pseudonyms:
            return SurveyOptOut.objects.none()
        rows = SurveyOptOut.objects.annotate(email_lower=Lower("email"))
        return rows.filter(Q(email_lower__in=list(scope.pseudonyms))).order_by("pk")

    def pseudonymise(self, scope: Scope) -> int:
        rows = self.rows(scope).values_list("pk", flat=True)
        return SurveyOptOut.objects.filter(pk__in=list(rows)).delete()[0]


register(
    # The rating stays (reports count it); the comment is the requester's words.
    ModelHolder(
        SurveyResponse,
        ticket_lookup="ticket_id",
        text_fields=("comment",),
        export_fields=("ticket_id", "sent_at", "rating", "comment", "answered_at", "closed_at"),
    ),
    SurveyOptOutHolder(),
)
