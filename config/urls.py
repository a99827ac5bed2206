from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.accounts import (
    PasswordChange,
    ResetConfirmView,
    ResetRequestView,
    SignInView,
    SignOutView,
)


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever a page links: send them to the static
    file (its hashed name is looked up per request, once collectstatic has run)."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


handler404 = "config.api.not_found"

# Admin pages say whose they are (Django's defaults name Django).
admin.site.site_header = _("Escalade administration")
admin.site.site_title = _("Escalade")

urlpatterns = [
    path("", include("tickets.urls")),
    path("", include("escalations.urls")),
    path("", include("notifications.urls")),
    path("", include("reports.urls")),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/password/reset/", ResetRequestView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password/change/", PasswordChange.as_view(), name="password_change"),
    # The admin's sign-in page offers the same link when this name exists.
    path("admin/password_reset/", ResetRequestView.as_view(), name="admin_password_reset"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers ask for /favicon.ico whatever the page says: send them to the static file.
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]
