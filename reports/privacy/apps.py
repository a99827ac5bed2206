from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "reports.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from reports.privacy import checks  # noqa: F401  (system checks)

        # Each app's personal_data module registers its holders (tickets.holders).
        autodiscover_modules("personal_data")
