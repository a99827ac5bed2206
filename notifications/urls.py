from django.urls import path

from notifications import pages, profile, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox_page, name="inbox"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/preferences/", views.preferences_page, name="preferences"),
    path("profile/", profile.profile_page, name="profile"),
    path("profile/preferences/", profile.profile_preferences, name="profile_preferences"),
    path("profile/token/", profile.profile_token, name="profile_token"),
    path("tickets/<int:pk>/status-update/", pages.status_update_create, name="status_update"),
]
