from django.urls import path

from escalations import views

app_name = "escalations"
urlpatterns = [
    path("tickets/<int:pk>/priority/", views.ticket_priority, name="priority"),
]
