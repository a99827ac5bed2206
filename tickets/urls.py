from django.urls import path

from tickets import account, views

app_name = "tickets"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("tickets/new/", views.ticket_create, name="create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/comment/", views.ticket_comment, name="comment"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="transition"),
    path("tickets/<int:pk>/update/", views.ticket_update, name="update"),
    path("account/", account.account, name="account"),
]
