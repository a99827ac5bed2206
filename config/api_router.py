"""Every API resource of every app, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from tickets.api import views as ticket_views

router = DefaultRouter()
router.register("tickets", ticket_views.TicketViewSet, basename="ticket")
router.register("teams", ticket_views.TeamViewSet, basename="team")
router.register("categories", ticket_views.CategoryViewSet, basename="category")
router.register("organizations", ticket_views.OrganizationViewSet, basename="organization")

app_name = "api"
urlpatterns = [
    path("auth/token/", ticket_views.TokenView.as_view(), name="token"),
    *router.urls,
]
