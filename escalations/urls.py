from django.urls import path

from escalations import views

app_name = "escalations"
urlpatterns = [
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="priority"),
    path("tickets/<int:pk>/escalate/", views.ticket_escalate, name="escalate"),
    path("escalations/", views.escalation_list, name="list"),
    path("escalations/approvals/", views.approvals, name="approvals"),
    path("escalations/<int:pk>/", views.escalation_detail, name="detail"),
    path("escalations/<int:pk>/approve/", views.escalation_approve, name="approve"),
    path("escalations/<int:pk>/reject/", views.escalation_reject, name="reject"),
    path("escalations/<int:pk>/manager/", views.escalation_manager, name="manager"),
    path("escalations/<int:pk>/members/", views.member_add, name="member"),
    path("escalations/<int:pk>/actions/", views.action_add, name="action_add"),
    path("escalations/<int:pk>/actions/<int:item_pk>/done/", views.action_done, name="action_done"),
    path("escalations/<int:pk>/monitor/", views.escalation_monitor, name="monitor"),
    path("escalations/<int:pk>/close/", views.escalation_close, name="close"),
    path("escalations/<int:pk>/reopen/", views.escalation_reopen, name="reopen"),
    path("escalations/<int:pk>/review/", views.review_submit, name="review"),
]
