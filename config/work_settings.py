"""Settings of the work behind the pages: Celery (broker, queues, beat's sweeps),
the shared cache, and Escalade's own knobs (ticket references, links,
notification delivery, webhooks). Read from the environment; imported by
``config.settings``."""

from celery.schedules import crontab

from config.environment import VAR_DIR, env

# Celery: Redis when REDIS_URL is set, otherwise a broker kept in files.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # One cache for every process: API throttles and sign-in lock-outs hold across them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "escalade",
        }
    }
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Back promptly after a broker outage (the catch-up target: every lost delivery
# sent within 30 s of the broker's return). Celery's worker retries a lost
# connection with kombu's default back-off (2, 4, 6 ... 30 s between attempts;
# no Celery setting reaches it), so after a 60 s outage it came back about 12 s
# late. The worker's consumer (config.worker) retries every
# BROKER_RECONNECT_INTERVAL seconds instead, for as long as the broker is away
# (Celery's default of 100 attempts would give up after under two minutes at
# that pace; due times live in the database, so waiting is always right), and
# asks for an outbox sweep each time it connects. Beat needs nothing: it
# publishes with task_publish_retry_policy's quick retries (0 to 0.6 s) at
# every entry due, and so is back at its next entry.
BROKER_RECONNECT_INTERVAL = env.float("BROKER_RECONNECT_INTERVAL", default=1.0)
CELERY_WORKER_CONSUMER = "config.worker:PromptConsumer"
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Two queues, so a backlog of e-mails and webhooks never delays enforcement: the
# sweeps, escalations and re-targeting run on "<CELERY_QUEUE>.enforcement",
# deliveries on "<CELERY_QUEUE>.deliveries"; each has workers of its own.
CELERY_QUEUE = env.str("CELERY_QUEUE", default="escalade")
ENFORCEMENT_QUEUE = f"{CELERY_QUEUE}.enforcement"
DELIVERY_QUEUE = f"{CELERY_QUEUE}.deliveries"
CELERY_TASK_DEFAULT_QUEUE = ENFORCEMENT_QUEUE
CELERY_TASK_ROUTES = {"notifications.tasks.deliver": {"queue": DELIVERY_QUEUE}}
# The SLA sweep: how often beat runs it, and how long one run may take before it
# queues the next at once (so runs never pile up). A clock coming due waits up to
# one interval to be seen; a sweep with nothing due costs about 20 ms of a worker
# (docs/performance.md), so 5 s keeps a burst's breaches within the 15 s target.
SLA_SWEEP_INTERVAL = env.float("SLA_SWEEP_INTERVAL", default=5.0)
SLA_SWEEP_TIME_BUDGET = env.float("SLA_SWEEP_TIME_BUDGET", default=SLA_SWEEP_INTERVAL * 0.8)
SLA_SWEEP_BATCH_SIZE = env.int("SLA_SWEEP_BATCH_SIZE", default=100)
# How often beat hands the outbox's stale deliveries to the workers again.
NOTIFY_REQUEUE_INTERVAL = env.float("NOTIFY_REQUEUE_INTERVAL", default=10.0)
# The sweeps never expire: one that waited in the queue still runs (finding
# nothing due costs one index probe), so no sweep is ever dropped.
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {
        "task": "escalations.tasks.sweep_sla_clocks",
        "schedule": SLA_SWEEP_INTERVAL,
    },
    "requeue-deliveries": {
        "task": "notifications.tasks.requeue_deliveries",
        "schedule": NOTIFY_REQUEUE_INTERVAL,
    },
    "monitoring-ended": {
        "task": "escalations.tasks.flag_ended_monitoring",
        "schedule": 60.0,
    },
    "update-cadences": {
        "task": "notifications.tasks.sweep_update_cadences",
        "schedule": 30.0,
    },
}

# Escalade
TICKET_REFERENCE_PREFIX = env.str("TICKET_REFERENCE_PREFIX", default="ESC")
# Absolute links in e-mails and webhook bodies; by default the port `make run`
# serves on (ESCALADE_PORT).
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('ESCALADE_PORT', default=8000)}")
# Notification delivery: retries back off from the base to the cap; a send that
# has not finished within the lease is handed over again.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=10.0)
NOTIFY_RETRY_MAX_SECONDS = env.float("NOTIFY_RETRY_MAX_SECONDS", default=3600.0)
NOTIFY_LEASE_SECONDS = env.float("NOTIFY_LEASE_SECONDS", default=120.0)
NOTIFY_REQUEUE_AFTER_SECONDS = env.float("NOTIFY_REQUEUE_AFTER_SECONDS", default=30.0)
# Outbound webhooks: seconds one delivery may take, and whether URLs may point
# at this server or its private network (only where receivers live on the
# internal network).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)

# Duty (follow-the-sun): how often beat hands over the open tickets of teams
# whose duty ended, and re-assigns those whose assignee went off duty.
DUTY_SWEEP_INTERVAL = env.float("DUTY_SWEEP_INTERVAL", default=60.0)
DUTY_SWEEP_TIME_BUDGET = env.float("DUTY_SWEEP_TIME_BUDGET", default=DUTY_SWEEP_INTERVAL * 0.8)
CELERY_BEAT_SCHEDULE["duty-sweep"] = {
    "task": "escalations.tasks.sweep_duty",
    "schedule": DUTY_SWEEP_INTERVAL,
}
# Webhook deliveries and the outbox sweep (held deliveries, time-based switch-off,
# catch-up after a broker restart).
# An endpoint failing with no success for this long is switched off; what is
# raised meanwhile is held for it and sent, oldest first, when it is switched on.
WEBHOOK_DISABLE_AFTER_MINUTES = env.float("WEBHOOK_DISABLE_AFTER_MINUTES", default=15.0)
# The outbox sweep hands stale deliveries back in batches until none is left,
# for at most this long per run.
NOTIFY_REQUEUE_BATCH_SIZE = env.int("NOTIFY_REQUEUE_BATCH_SIZE", default=500)
NOTIFY_REQUEUE_TIME_BUDGET = env.float(
    "NOTIFY_REQUEUE_TIME_BUDGET", default=NOTIFY_REQUEUE_INTERVAL * 0.8
)
# Deliveries handed back by the sweep go out in tasks of this many.
NOTIFY_REQUEUE_CHUNK_SIZE = env.int("NOTIFY_REQUEUE_CHUNK_SIZE", default=20)
# An endpoint's held backlog is sent by one task at a time, oldest first.
CELERY_TASK_ROUTES["notifications.tasks.send_backlog"] = {"queue": DELIVERY_QUEUE}
CELERY_TASK_ROUTES["notifications.tasks.deliver_many"] = {"queue": DELIVERY_QUEUE}
# SLA sweep: clocks a batch hands to the listeners at a time; the time budget is
# checked after each chunk, so a batch holds its locks about one chunk past it.
SLA_SWEEP_CHUNK_SIZE = env.int("SLA_SWEEP_CHUNK_SIZE", default=25)
# Reports (escalation analytics): a review not submitted after this many days
# is overdue; survey links expire after SURVEY_EXPIRY_DAYS; the weekly digest
# goes out on REPORTS_DIGEST_WEEKDAY (0 = Monday) at REPORTS_DIGEST_HOUR, in
# each manager's own time zone.
REPORTS_REVIEW_DUE_DAYS = env.int("REPORTS_REVIEW_DUE_DAYS", default=5)
SURVEY_EXPIRY_DAYS = env.int("SURVEY_EXPIRY_DAYS", default=14)
REPORTS_DIGEST_WEEKDAY = env.int("REPORTS_DIGEST_WEEKDAY", default=0)
REPORTS_DIGEST_HOUR = env.int("REPORTS_DIGEST_HOUR", default=8)
# Every quarter of an hour: each manager's digest goes out (once) when his own
# day and hour come.
CELERY_BEAT_SCHEDULE["reports-weekly-digest"] = {
    "task": "reports.tasks.send_weekly_digests",
    "schedule": crontab(minute="*/15"),
}
# Privacy: retention of closed tickets' personal data (0 days keeps it for ever;
# organizations may set their own period and action), the beat sweep that applies
# it in small batches, and how long an export's download link lives.
PRIVACY_RETENTION_DAYS = env.int("PRIVACY_RETENTION_DAYS", default=0)
PRIVACY_RETENTION_ACTION = env.str("PRIVACY_RETENTION_ACTION", default="pseudonymise")
PRIVACY_RETENTION_INTERVAL = env.float("PRIVACY_RETENTION_INTERVAL", default=3600.0)
PRIVACY_RETENTION_BATCH_SIZE = env.int("PRIVACY_RETENTION_BATCH_SIZE", default=50)
PRIVACY_RETENTION_TIME_BUDGET = env.float("PRIVACY_RETENTION_TIME_BUDGET", default=600.0)
PRIVACY_EXPORT_LINK_HOURS = env.int("PRIVACY_EXPORT_LINK_HOURS", default=24)
# Export archives: a private folder (shared by web and workers), never public media.
PRIVACY_EXPORT_DIR = env.str("PRIVACY_EXPORT_DIR", default=str(VAR_DIR / "exports"))
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "reports.privacy.tasks.apply_retention",
    "schedule": PRIVACY_RETENTION_INTERVAL,
}
CELERY_BEAT_SCHEDULE["privacy-exports-expire"] = {
    "task": "reports.privacy.tasks.expire_exports",
    "schedule": 600.0,
}
# --- Agent's desk: attachments ---------------------------------------------------------
# Stored through Django's storage API: local files under MEDIA_ROOT by default;
# an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set (config.environment,
# README). Never served from MEDIA_URL: downloads go through a permission-checked view.
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_COUNT = env.int("ATTACHMENT_MAX_COUNT", default=5)
# Files left in storage by a process killed mid-write are removed once a day when
# older than this; a walk over the storage, so it runs on the deliveries worker,
# never in the way of the SLA sweep.
ATTACHMENT_ORPHAN_HOURS = env.float("ATTACHMENT_ORPHAN_HOURS", default=24.0)
CELERY_BEAT_SCHEDULE["attachments-orphans"] = {
    "task": "tickets.tasks.remove_orphaned_attachments",
    "schedule": crontab(hour=3, minute=17),
}
CELERY_TASK_ROUTES["tickets.tasks.remove_orphaned_attachments"] = {"queue": DELIVERY_QUEUE}
# Allowed file name extensions (the content is checked against them too).
ATTACHMENT_TYPES = env.list(
    "ATTACHMENT_TYPES", default=["pdf", "png", "jpg", "jpeg", "gif", "txt", "log", "csv"]
)
# Long housekeeping (a retention run may take PRIVACY_RETENTION_TIME_BUDGET, an
# export archive or the weekly digest minutes) runs beside the deliveries, never
# in front of an SLA sweep: the enforcement worker has one process.
for _name in (
    "reports.privacy.tasks.apply_retention",
    "reports.privacy.tasks.prepare_export",
    "reports.privacy.tasks.expire_exports",
    "reports.tasks.send_weekly_digests",
):
    CELERY_TASK_ROUTES[_name] = {"queue": DELIVERY_QUEUE}
