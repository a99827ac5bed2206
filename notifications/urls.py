from django.urls import path

from notifications import pages, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox_page, name="inbox"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/preferences/", views.preferences_page, name="preferences"),
    path("tickets/<int:pk>/status-update/", pages.status_update_create, name="status_update"),
]
