"""Settings for NISP Tracker, read from environment variables (see .env.example).

Defaults suit a developer laptop: SQLite under var/, no broker (Celery runs tasks in-process),
console e-mail. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from core.logging import sentry_init
from nisp_tracker.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for local development; never used with DEBUG off.
    SECRET_KEY = "insecure-development-key-only-for-debug"

# Set BEHIND_PROXY=1 only when the web process is reachable solely through the TLS proxy (the
# compose file's Caddy): its X-Forwarded-Proto and X-Forwarded-For headers are then believed.
# Anywhere else a client could send them itself and pose as HTTPS or as another address.
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "agencies",
    "interventions",
    "reporting",
    "committee",
    "demo",
]

MIDDLEWARE = [
    # First, so that every log line of the request (and every response) carries its id.
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Outside every middleware that may answer 400/413 itself, so /api/ answers in its shape.
    "core.middleware.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language: the visitor's cookie (set by set_language), else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.api.middleware.ApiConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's saved language wins over the cookie, on every device.
    "agencies.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Widgets may use the project's templates (the confidence options show their definitions).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
ROOT_URLCONF = "nisp_tracker.urls"
WSGI_APPLICATION = "nisp_tracker.wsgi.application"
ASGI_APPLICATION = "nisp_tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nisp_tracker.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks each sign-in against the lockouts before Django's own backend runs.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "interventions:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# English as today (British formats) and Urdu, right to left. URLs carry no language prefix.
LANGUAGES = [("en-gb", "English"), ("ur", "اردو")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Digits stay Western (0-9) in Urdu as well: Django never localises digits, and Pakistani
# official documents commonly print them so.
TIME_ZONE = "Asia/Karachi"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
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
# The image keeps only the hashed copies its pages name (half the files to compress), and does
# not compress source maps: only a browser's developer tools fetch them.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- Reporting
# Days after a period ends that submissions stay open (an operational choice, not policy text).
REPORTING_DEADLINE_DAYS = env_int("REPORTING_DEADLINE_DAYS", 15)
# Reminders: days before the deadline to remind officers; days after it to escalate.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7)
# How many ranked exceptions the dashboard, the report's Part 1 and an agenda show first.
EXCEPTIONS_TOP = env_int("EXCEPTIONS_TOP", 15)
ESCALATE_TO_REVIEWER_DAYS_AFTER = env_int("ESCALATE_TO_REVIEWER_DAYS_AFTER", 1)
ESCALATE_TO_SECRETARY_DAYS_AFTER = env_int("ESCALATE_TO_SECRETARY_DAYS_AFTER", 7)
# Escalations about a closed period stop this many days after its deadline.
REMINDERS_STOP_DAYS_AFTER = env_int("REMINDERS_STOP_DAYS_AFTER", 30)
# Where the tracker is served, for links in e-mail (the report-ready notice).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Agency workbooks: the largest upload accepted, and from how many rows it runs as a job.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024)
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 300)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail: console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NISP Tracker <no-reply@nisp-tracker.invalid>")

# --- Celery: Redis when REDIS_URL is set; otherwise tasks run in-process so the tracker
# needs no broker on a laptop.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without a broker, run enqueued tasks in a background thread so a request answers at once.
TASKS_EAGER_IN_BACKGROUND = env_bool("TASKS_EAGER_IN_BACKGROUND", default=not REDIS_URL)
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "nisp_tracker")
# After a change, the default dashboard's figures are computed again this many seconds later
# by a worker (committee.warming), for every change in that window at once; 0 turns it off.
# Off without a broker: `make run` would compute them in a thread beside its own writes.
FIGURES_WARM_DELAY_SECONDS = env_int("FIGURES_WARM_DELAY_SECONDS", 30 if REDIS_URL else 0)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# With late acks a task whose worker dies is delivered again rather than lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 360)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request that enqueues a task must learn within seconds that the broker is down (the
# report is then marked failed), not hang for the default retries.
BROKER_TIMEOUT_SECONDS = env_int("BROKER_TIMEOUT_SECONDS", 2)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# Redis re-delivers an unacknowledged task after this long: just past the hard time limit, so a
# killed worker's task runs again within minutes while a live one is never run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
    "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
    "socket_timeout": BROKER_TIMEOUT_SECONDS,
}
CELERY_TIMEZONE = TIME_ZONE
# Workers and beat log through LOGGING below (JSON lines in production), like the web.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "heartbeat": {"task": "nisp_tracker.heartbeat", "schedule": 300.0},
    "ensure-periods": {"task": "reporting.ensure_periods", "schedule": 6 * 3600.0},
    # Opens periods as they start and closes them once their deadline has passed.
    "advance-periods": {"task": "reporting.advance_periods", "schedule": 3600.0},
    "send-reminders": {"task": "reporting.send_reminders", "schedule": crontab(hour=9, minute=0)},
    # Daily; requests the quarter's NISP 2018 report once its submission deadline has passed.
    "schedule-quarterly-reports": {
        "task": "committee.schedule_quarterly_reports",
        "schedule": crontab(hour=6, minute=0),
    },
    # Daily; tells owners and the secretary of committee action items past their due date.
    "escalate-overdue-actions": {
        "task": "committee.escalate_overdue_actions",
        "schedule": crontab(hour=9, minute=30),
    },
    # Takes over reports whose worker died: running past the task time limit.
    "requeue-stale-reports": {"task": "committee.requeue_stale_reports", "schedule": 120.0},
}

# --- Cache: Redis when REDIS_URL is set (shared by every web process, so throttling counts
# across them); process memory otherwise.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "nisp"),
            # Redis down must cost a request milliseconds, not a hung worker (the API's
            # throttles then let requests through; see core.api.throttling).
            "OPTIONS": {
                "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
                "socket_timeout": BROKER_TIMEOUT_SECONDS,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Committee figures keyed by data version (committee/figures_cache.py): the same store, their
# own prefix, and an alias of their own so tests can give each test a private one.
CACHES["figures"] = {
    **CACHES["default"],
    "KEY_PREFIX": f"{CACHES['default'].get('KEY_PREFIX', 'nisp')}-figures",
    "LOCATION": CACHES["default"].get("LOCATION", "figures"),
}
# API pages keyed by data version (core/api/response_cache.py), likewise.
CACHES["responses"] = {
    **CACHES["default"],
    "KEY_PREFIX": f"{CACHES['default'].get('KEY_PREFIX', 'nisp')}-responses",
    "LOCATION": CACHES["default"].get("LOCATION", "responses"),
}

# --- Django REST framework: /api/v1/. No anonymous access; tokens first so that an anonymous
# client is told (401, WWW-Authenticate) how to authenticate.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agencies.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "agencies.api.permissions.ReadOnlyTokenCannotWrite",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["agencies.api.throttling.PerClientRateThrottle"],
    # The client address for throttling: the proxy's X-Forwarded-For (one hop) behind Caddy;
    # the socket's address otherwise (a client could write that header itself).
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("API_THROTTLE_RATE_TOKEN", "3000/hour"),
        "user": env_str("API_THROTTLE_RATE_USER", "3000/hour"),
        # Wrong or revoked tokens, counted per client address: guessing keys is refused with 429.
        "token_failure": env_str("API_THROTTLE_RATE_TOKEN_FAILURE", "30/hour"),
        # The public view (/public/, no login), per client address (committee.public).
        "public": env_str("PUBLIC_THROTTLE_RATE", "300/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["core.api.filters.StrictFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    # Amounts are JSON numbers, as in the open-data export.
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NISP Tracker API",
    "DESCRIPTION": (
        "Progress on Pakistan's internal-security policies (NISP 2018, NAP, NSP 2022). "
        "Authenticate with `Authorization: Token <key>`; create keys at /account/tokens/."
    ),
    "VERSION": "1.0.0",
    # 3.1 states "this object or null" exactly; 3.0's allOf + nullable is read either way.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are public, so that clients can be generated before holding a key;
    # they describe the endpoints, never data.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # Swagger UI and Redoc come from the drf-spectacular-sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body has its own required field (`version`), so no all-optional "Patched" copy.
    "COMPONENT_SPLIT_PATCH": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CadenceEnum": "interventions.models.Cadence",
        "UpdateStatusEnum": "reporting.models.ProgressUpdate.Status",
        "UpdateStateEnum": "reporting.models.ProgressUpdate.State",
        "PeriodStateEnum": "reporting.models.ReportingPeriod.State",
        "ReportStateEnum": "committee.models.QuarterlyReport.State",
        "ReportEditionEnum": "committee.models.QuarterlyReport.Edition",
        # Several models have a `kind`: each its own enum name.
        "ItemKindEnum": "interventions.models.PlanItem.Kind",
        "BudgetKindEnum": "interventions.models.PlanItem.BudgetKind",
        "MeetingKindEnum": "committee.models.Meeting.Kind",
        "AgendaItemKindEnum": "committee.models.AgendaItem.Kind",
        # An indicator's direction and an agenda point's move are both `direction`.
        "IndicatorDirectionEnum": "interventions.models.Direction",
        "AgendaMoveDirectionEnum": [("up", "up"), ("down", "down")],
    },
}

# --- Security: secure by default whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# /healthz is probed over plain HTTP by the container orchestrator.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords an account is
# locked, and so is the address they came from (each counted apart), for LOGIN_LOCKOUT_MINUTES
# or until the committee secretary or an administrator unlocks it (/account/lockouts/).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 60))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client address: the proxy's X-Forwarded-For (one hop) behind Caddy, else the socket's.
AXES_IPWARE_PROXY_COUNT = 1 if BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if BEHIND_PROXY else ["REMOTE_ADDR"]
)

# --- Content-Security-Policy (django-csp). Pages load only our own files; the one inline
# script (Swagger UI's start-up) carries the per-response nonce. Style attributes stay allowed
# (chart legends colour their swatches); Swagger UI and Redoc add theirs (core.csp.docs_view).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- API request bodies: deeper JSON than this is refused with a 400 before it is parsed.
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32)

# --- Error reports go to Sentry only when SENTRY_DSN is set.
SENTRY_DSN = env_str("SENTRY_DSN")
sentry_init(
    dsn=SENTRY_DSN,
    environment=env_str("SENTRY_ENVIRONMENT", "production"),
)

# --- Logging: JSON lines (timestamp, level, logger, request id, user id) for the log collector;
# LOG_FORMAT=text for people reading a terminal (the default with DEBUG on).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "core.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "core.logging.JsonFormatter",
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings matter.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes logs every sign-in at INFO; its warnings (failures, lockouts) matter.
        "axes": {"level": "WARNING"},
    },
}

# Every change's reason is kept whole on its history record: reasons cite letters, meetings and
# authorities, and django-simple-history's default (100 characters) refused them on PostgreSQL.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
