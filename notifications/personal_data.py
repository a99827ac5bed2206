"""Personal data the notifications app holds: the inbox, status updates, and the
outbox (e-mail and webhook deliveries with their attempt logs), whose context
and bodies repeat the requester's name."""

import json

from django.db.models import Q

from notifications.models import Delivery, DeliveryAttempt, Notification, StatusUpdate
from notifications.models.outbox import webhook_ticket
from tickets.holders import ModelHolder, Scope, register


class DeliveryHolder(ModelHolder):
    """Deliveries name their ticket inside their context, or go to the person."""

    model = Delivery
    key = "notifications.delivery"
    order = 40
    user_lookup = "user_id"
    text_fields = ("address", "last_error")
    json_fields = ("context",)
    delete_rows = True

    def rows(self, scope: Scope):
        # A webhook delivery keeps the body it sends, a JSON document in a string.
        query = Delivery.objects.annotate(sent_ticket=webhook_ticket())
        return query.filter(self.condition(scope)).order_by()

    def condition(self, scope: Scope) -> Q:
        condition = super().condition(scope)
        if scope.ticket_ids:
            ids = list(scope.ticket_ids)
            condition |= Q(context__ticket__id__in=ids)
            condition |= Q(sent_ticket__in=ids)
        for address in scope.pseudonyms if scope.person else ():
            condition |= Q(channel="email", address__iexact=address)
        return condition

    def pseudonymise(self, scope: Scope) -> int:
        # What is still waiting to go to the person is never sent.
        waiting = (Delivery.Status.PENDING, Delivery.Status.RETRY, Delivery.Status.SENDING)
        to_person = Q(user_id__in=scope.user_ids) if scope.user_ids else Q(pk__in=[])
        for address in scope.pseudonyms if scope.person else ():
            to_person |= Q(channel="email", address__iexact=address)
        Delivery.objects.filter(to_person, status__in=waiting).update(status=Delivery.Status.FAILED)
        return super().pseudonymise(scope)

    def ticket_of(self, row) -> int | None:
        context = row.context if isinstance(row.context, dict) else {}
        ticket = context.get("ticket")
        if ticket is None and isinstance(context.get("body"), str):
            ticket = json.loads(context["body"]).get("ticket")
        return ticket.get("id") if isinstance(ticket, dict) else None

    def clean_row(self, row, scope, needles=None) -> bool:
        body = row.context.get("body") if isinstance(row.context, dict) else None
        if isinstance(body, str) and body.startswith("{"):
            cleaned = scope.scrub(json.loads(body), needles)
            if cleaned != json.loads(body):
                row.context = {
                    **row.context,
                    "body": json.dumps(cleaned, sort_keys=True, separators=(",", ":")),
                }
                super().clean_row(row, scope, needles)
                return True
        return super().clean_row(row, scope, needles)

    def delete(self, scope: Scope) -> int:
        if not scope.ticket_ids:
            return 0
        pks = self.rows(Scope(ticket_ids=scope.ticket_ids)).values_list("pk", flat=True)
        return Delivery.objects.filter(pk__in=list(pks)).delete()[0]


class AttemptHolder(ModelHolder):
    model = DeliveryAttempt
    key = "notifications.deliveryattempt"
    order = 30
    text_fields = ("error",)

    def condition(self, scope: Scope) -> Q:
        return Q(delivery__in=DeliveryHolder().rows(scope).values("pk"))


register(
    ModelHolder(
        Notification,
        ticket_lookup="ticket_id",
        user_lookup="recipient_id",
        text_fields=("subject", "body", "url"),
    ),
    ModelHolder(
        StatusUpdate, ticket_lookup="ticket_id", user_lookup="author_id", text_fields=("body",)
    ),
    DeliveryHolder(),
    AttemptHolder(),
)
