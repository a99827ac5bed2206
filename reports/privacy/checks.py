"""System checks of the privacy settings: a wrong value is caught at start-up,
not when the retention sweep first runs."""

from django.conf import settings
from django.core.checks import Error, register

ACTIONS = ("pseudonymise", "delete")


@register()
def retention_settings(app_configs, **kwargs):
    errors = []
    if settings.PRIVACY_RETENTION_ACTION not in ACTIONS:
        errors.append(
            Error(
                f"PRIVACY_RETENTION_ACTION must be one of {', '.join(ACTIONS)}.",
                id="privacy.E001",
            )
        )
    if settings.PRIVACY_RETENTION_DAYS < 0:
        errors.append(Error("PRIVACY_RETENTION_DAYS must be 0 or more.", id="privacy.E002"))
    if settings.PRIVACY_RETENTION_BATCH_SIZE < 1:
        errors.append(Error("PRIVACY_RETENTION_BATCH_SIZE must be 1 or more.", id="privacy.E003"))
    if settings.PRIVACY_EXPORT_LINK_HOURS < 1:
        errors.append(Error("PRIVACY_EXPORT_LINK_HOURS must be 1 or more.", id="privacy.E004"))
    return errors
