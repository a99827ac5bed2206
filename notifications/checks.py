"""System checks of the notification settings.

A send that outlasts its claim (``NOTIFY_LEASE_SECONDS``) is handed to another
worker by the outbox sweep while the first may still finish it: the message
goes out twice. So each channel's time-out must stay well below the lease.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

# At most a quarter of the lease: an SMTP time-out bounds each blocking step
# (connect, greeting, each command, the data), not the whole send, so one send
# may take several of them.
LEASE_SHARE = 4

TIMEOUTS = {
    "EMAIL_TIMEOUT": "notifications.E001",
    "WEBHOOK_TIMEOUT": "notifications.E002",
}


@register()
def timeouts_below_lease(app_configs=None, **kwargs) -> list[Error]:
    lease = float(settings.NOTIFY_LEASE_SECONDS)
    limit = lease / LEASE_SHARE
    errors = []
    for name, check_id in TIMEOUTS.items():
        value = getattr(settings, name, None)
        if value is None or not 0 < float(value) <= limit:
            errors.append(
                Error(
                    f"{name} is {value!r}; it must be set, above 0 and at most "
                    f"{limit:g} s (a quarter of NOTIFY_LEASE_SECONDS, {lease:g} s).",
                    hint=(
                        "A send that outlasts the lease is handed to another worker and "
                        f"goes out twice. Lower {name} or raise NOTIFY_LEASE_SECONDS."
                    ),
                    id=check_id,
                )
            )
    return errors
