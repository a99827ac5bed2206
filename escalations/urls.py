from django.urls import path

from escalations.views import detail, duty, duty_ticket, lists, steps, ticket

app_name = "escalations"
urlpatterns = [
    path("tickets/<int:pk>/priority/", ticket.ticket_priority, name="priority"),
    path("tickets/<int:pk>/escalate/", ticket.ticket_escalate, name="escalate"),
    path("escalations/", lists.escalation_list, name="list"),
    path("escalations/approvals/", lists.approvals, name="approvals"),
    path("escalations/<int:pk>/", detail.escalation_detail, name="detail"),
    path("escalations/<int:pk>/approve/", detail.escalation_approve, name="approve"),
    path("escalations/<int:pk>/reject/", detail.escalation_reject, name="reject"),
    path("escalations/<int:pk>/manager/", steps.escalation_manager, name="manager"),
    path("escalations/<int:pk>/members/", steps.member_add, name="member"),
    path("escalations/<int:pk>/actions/", steps.action_add, name="action_add"),
    path("escalations/<int:pk>/actions/<int:item_pk>/done/", steps.action_done, name="action_done"),
    path("escalations/<int:pk>/monitor/", steps.escalation_monitor, name="monitor"),
    path("escalations/<int:pk>/close/", steps.escalation_close, name="close"),
    path("escalations/<int:pk>/reopen/", steps.escalation_reopen, name="reopen"),
    path("escalations/<int:pk>/review/", steps.review_submit, name="review"),
    # Duty: directory, team schedules, assign next, calendar feeds.
    path("duty/", duty.directory, name="duty_directory"),
    path("duty/teams/<int:pk>/", duty.team_schedule, name="duty_schedule"),
    path("duty/assign-next/", duty.assign_next, name="duty_assign_next"),
    path("duty/feed/<str:token>.ics", duty.feed, name="duty_feed"),
    path(
        "duty/tickets/<int:pk>/handover-note/",
        duty_ticket.handover_note,
        name="duty_handover_note",
    ),
]
