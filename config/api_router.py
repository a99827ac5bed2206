"""Every API resource of every app, under /api/v1/."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from escalations.api import duty as duty_api
from escalations.api import escalations as escalation_api
from escalations.api import paths as path_api
from escalations.api import teams as team_api
from escalations.api import views as escalation_views
from notifications.api import inbox as inbox_api
from notifications.api import me as me_api
from notifications.api import outbox as outbox_api
from notifications.api import plans as plan_api
from notifications.api import webhooks as webhook_api
from reports.api import views as report_api
from reports.privacy.api import views as privacy_api
from tickets.api import canned as canned_api
from tickets.api import directory
from tickets.api import views as ticket_views

router = DefaultRouter()
# Tickets as escalations extends them: with SLA clocks, SLA filters and priority override.
router.register("tickets", escalation_views.TicketViewSet, basename="ticket")
router.register("teams", team_api.TeamViewSet, basename="team")
router.register("canned-replies", canned_api.CannedReplyViewSet, basename="canned-reply")
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
# Duty: schedules, overrides, absences, hand-overs.
router.register("duty/schedules", duty_api.TeamScheduleViewSet, basename="duty-schedule")
router.register("duty/overrides", duty_api.DutyOverrideViewSet, basename="duty-override")
router.register("duty/absences", duty_api.AbsenceViewSet, basename="duty-absence")
router.register("duty/handovers", duty_api.HandoverViewSet, basename="duty-handover")
# Webhooks and the outbox (admins).
router.register("webhooks", webhook_api.WebhookEndpointViewSet, basename="webhook")
router.register("deliveries", outbox_api.DeliveryViewSet, basename="delivery")
router.register("message-templates", outbox_api.MessageTemplateViewSet, basename="message-template")
# Privacy (administrators): erasure, export, retention dry run.
router.register("privacy/erasures", privacy_api.ErasureViewSet, basename="privacy-erasure")
router.register("privacy/exports", privacy_api.ExportViewSet, basename="privacy-export")

app_name = "api"
urlpatterns = [
    path("auth/token/", ticket_views.TokenView.as_view(), name="token"),
    # The agent's desk: yourself (profile, preferences, API token).
    path("users/me/", me_api.MeView.as_view(), name="users-me"),
    path("users/me/token/", me_api.MyTokenView.as_view(), name="users-me-token"),
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
    path("duty/directory/", duty_api.DirectoryView.as_view(), name="duty-directory"),
    path("duty/assign-next/", duty_api.AssignNextView.as_view(), name="duty-assign-next"),
    path("duty/handover-notes/", duty_api.HandoverNoteView.as_view(), name="duty-handover-note"),
    path("duty/feed/", duty_api.FeedView.as_view(), name="duty-feed"),
    path("reports/<slug:name>/", report_api.ReportView.as_view(), name="report"),
    path("privacy/legal-holds/", privacy_api.LegalHoldView.as_view(), name="privacy-legal-holds"),
    path(
        "privacy/retention/",
        privacy_api.RetentionPreviewView.as_view(),
        name="privacy-retention",
    ),
    *router.urls,
]
