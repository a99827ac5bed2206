"""Every API resource of every app, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from escalations.api import escalations as escalation_api
from escalations.api import paths as path_api
from escalations.api import teams as team_api
from escalations.api import views as escalation_views
from notifications.api import inbox as inbox_api
from notifications.api import plans as plan_api
from tickets.api import directory
from tickets.api import views as ticket_views

router = DefaultRouter()
# Tickets as escalations extends them: with SLA clocks, SLA filters and priority override.
router.register("tickets", escalation_views.TicketViewSet, basename="ticket")
router.register("teams", team_api.TeamViewSet, basename="team")
router.register("categories", directory.CategoryViewSet, basename="category")
router.register("organizations", directory.OrganizationViewSet, basename="organization")
router.register("users", directory.UserViewSet, basename="user")
router.register(
    "priority-definitions",
    escalation_views.PriorityDefinitionViewSet,
    basename="priority-definition",
)
router.register(
    "priority-matrix", escalation_views.PriorityMatrixViewSet, basename="priority-matrix"
)
router.register(
    "priority-criteria", escalation_views.PriorityCriterionViewSet, basename="priority-criterion"
)
router.register("calendars", escalation_views.BusinessCalendarViewSet, basename="calendar")
router.register("sla-policies", escalation_views.SlaPolicyViewSet, basename="sla-policy")
router.register("escalation-paths", path_api.EscalationPathViewSet, basename="escalation-path")
router.register("escalations", escalation_api.EscalationViewSet, basename="escalation")
router.register("notifications", inbox_api.NotificationViewSet, basename="notification")
router.register(
    "communication-plans", plan_api.CommunicationPlanViewSet, basename="communication-plan"
)

app_name = "api"
urlpatterns = [
    path("auth/token/", ticket_views.TokenView.as_view(), name="token"),
    path(
        "notifications/preferences/",
        inbox_api.PreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "tickets/<int:pk>/status-updates/",
        plan_api.StatusUpdateListView.as_view(),
        name="ticket-status-updates",
    ),
    *router.urls,
]
