"""Escalade settings, read from the environment.

With no environment at all the project runs on SQLite (``var/escalade.sqlite3``)
and a Celery broker kept in files under ``var/broker`` so that one command
starts a working system on a bare machine. ``DATABASE_URL`` selects PostgreSQL
and ``REDIS_URL`` selects Redis as broker and result backend.
"""

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
# Embedded-mode state (SQLite file, file broker) lives here.
VAR_DIR = Path(env.str("ESCALADE_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
# Management commands that sign nothing run without a key, e.g.
# `python manage.py makemigrations --check` on a bare checkout.
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "collectstatic", "makemessages"}
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105
    elif (
        Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS
    ):
        SECRET_KEY = secrets.token_urlsafe(50)  # used by nothing the command does
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "tickets",
    "escalations",
    "notifications",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the session is read: it drops cookies no database could look up.
    "config.security.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tickets.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    # Last, as its documentation asks: it turns a locked-out sign-in into the lock-out answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'escalade.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web server, the worker and beat share one file: wait for locks
    # instead of failing, and let readers run beside a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tickets.User"
# The default backend, loading the unread notification count with the user.
# Axes first: it refuses sign-ins while an account or address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "notifications.auth.InboxAwareBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:queue"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("pl", _("Polish")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="escalade@localhost")
# Seconds an SMTP connection may block; well below NOTIFY_LEASE_SECONDS, or a slow
# server lets the outbox hand the same e-mail to a second worker.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=30.0)

# Security: safe by default, relaxed only where asked.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
X_FRAME_OPTIONS = "DENY"
# Pages load scripts, styles, fonts and images from this site only; nothing may
# frame them, and forms post only here. The templates carry no inline script or
# style, so no 'unsafe-inline' is needed.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
)

# Sign-in throttling (django-axes) for the login page, the admin and the API token:
# LOGIN_FAILURE_LIMIT failures for one account, or from one address, lock further
# attempts for LOGIN_LOCKOUT_MINUTES. Counted in Redis when it is configured (shared
# by every web process), else in the database.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.security.client_ip"
AXES_LOCKOUT_CALLABLE = "config.security.lockout_response"
AXES_VERBOSE = False

# Django REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": "20/minute"},
    # Trust X-Forwarded-For only from the proxy we sit behind.
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Escalade API",
    "DESCRIPTION": "Tickets, SLA clocks and escalations of the Escalade helpdesk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI would otherwise load a badge from validator.swagger.io (sending it the
    # schema's URL): the docs page loads nothing from outside.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # One name per choice set, where field names alone would clash or differ.
    "ENUM_NAME_OVERRIDES": {
        "PriorityEnum": "tickets.models.Priority",
        "StatusEnum": "tickets.models.Status",
        "TierEnum": "tickets.models.Tier",
        "OrganizationTierEnum": "tickets.models.Organization.Tier",
        "NotificationEventEnum": "notifications.models.EventKind",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

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
# leaves the rest to the next (so runs never pile up).
SLA_SWEEP_INTERVAL = env.float("SLA_SWEEP_INTERVAL", default=10.0)
SLA_SWEEP_TIME_BUDGET = env.float("SLA_SWEEP_TIME_BUDGET", default=SLA_SWEEP_INTERVAL * 0.8)
SLA_SWEEP_BATCH_SIZE = env.int("SLA_SWEEP_BATCH_SIZE", default=100)
# How often beat hands the outbox's stale deliveries to the workers again.
NOTIFY_REQUEUE_INTERVAL = env.float("NOTIFY_REQUEUE_INTERVAL", default=30.0)
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Each sign-in attempt is counted quietly; lock-outs still warn.
        "axes": {"level": "WARNING"},
    },
}

# Escalade
TICKET_REFERENCE_PREFIX = env.str("TICKET_REFERENCE_PREFIX", default="ESC")
# Absolute links in e-mails and webhook bodies.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Notification delivery: retries back off from the base to the cap; a send that
# has not finished within the lease is handed over again.
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=8)
NOTIFY_RETRY_BASE_SECONDS = env.float("NOTIFY_RETRY_BASE_SECONDS", default=10.0)
NOTIFY_RETRY_MAX_SECONDS = env.float("NOTIFY_RETRY_MAX_SECONDS", default=3600.0)
NOTIFY_LEASE_SECONDS = env.float("NOTIFY_LEASE_SECONDS", default=120.0)
NOTIFY_REQUEUE_AFTER_SECONDS = env.float("NOTIFY_REQUEUE_AFTER_SECONDS", default=30.0)
# Outbound webhooks: seconds one delivery may take, failed attempts in a row
# before an endpoint is switched off, and whether URLs may point at this server
# or its private network (only where receivers live on the internal network).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_DISABLE_AFTER = env.int("WEBHOOK_DISABLE_AFTER", default=10)
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
