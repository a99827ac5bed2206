"""Legal holds on tickets, as admin actions on the ticket list (the ticket admin
of the tickets app, extended here because the hold belongs to privacy)."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.privacy.services.holds import tickets_legal_hold_set
from tickets.admin import TicketAdmin
from tickets.models import Ticket


class TicketWithHoldAdmin(TicketAdmin):
    actions = [*(TicketAdmin.actions or []), "legal_hold_set", "legal_hold_lift"]
    list_filter = (*TicketAdmin.list_filter, "legal_hold")

    @admin.action(description=gettext_lazy("Set a legal hold"), permissions=["change"])
    def legal_hold_set(self, request, queryset):
        count = tickets_legal_hold_set(tickets=queryset, on=True, actor=request.user)
        self.message_user(
            request, _("Legal hold set on %(count)d tickets.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("Lift the legal hold"), permissions=["change"])
    def legal_hold_lift(self, request, queryset):
        count = tickets_legal_hold_set(tickets=queryset, on=False, actor=request.user)
        self.message_user(
            request,
            _("Legal hold lifted on %(count)d tickets.") % {"count": count},
            messages.SUCCESS,
        )


admin.site.unregister(Ticket)
admin.site.register(Ticket, TicketWithHoldAdmin)
