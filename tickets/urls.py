from django.urls import path
from django.views.generic import RedirectView

from tickets import queue_views, views

app_name = "tickets"
urlpatterns = [
    path("", queue_views.queue, name="queue"),
    path("tickets/bulk/", queue_views.tickets_bulk, name="bulk"),
    path("tickets/<int:pk>/take/", queue_views.ticket_take, name="take"),
    path("views/", queue_views.saved_view_create, name="view_create"),
    path("views/<int:pk>/delete/", queue_views.saved_view_delete, name="view_delete"),
    path("tickets/new/", views.ticket_create, name="create"),
    path("tickets/<int:pk>/", views.ticket_detail, name="detail"),
    path("tickets/<int:pk>/comment/", views.ticket_comment, name="comment"),
    path("tickets/<int:pk>/transition/", views.ticket_transition, name="transition"),
    path("tickets/<int:pk>/update/", views.ticket_update, name="update"),
    # The language and time zone are set on the profile page.
    path("account/", RedirectView.as_view(pattern_name="notifications:profile"), name="account"),
    path("tickets/<int:pk>/follow/", views.ticket_follow, name="follow"),
    path("tickets/<int:pk>/cc/", views.ticket_cc, name="cc"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
