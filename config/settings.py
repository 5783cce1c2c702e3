"""The Hub's settings: every value that differs between deployments comes from the environment.

Two modes share all code paths and differ only here:
- *services*: ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (channel layer, cache, Celery broker);
- *embedded*: neither set, so SQLite in ``var/``, the in-process channel layer, and Celery on
  kombu's filesystem transport with a real worker process beside the server (``make run``).
"""

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import redis_urls

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HUB_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A development key only ever exists with DEBUG on; production refuses to start without a real one.
_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The domain in events' iCalendar UIDs (event-12@domain); empty: SITE_URL's host. Never change it
# once invitations went out: calendars would see new events instead of updates.
HUB_CALENDAR_DOMAIN = env.str("HUB_CALENDAR_DOMAIN", default="")

REDIS_URL = env.str("REDIS_URL", default="")
# Redis behind Sentinel (config/redis_urls.py): the channel layer, the cache, the broker and every
# direct client follow the master the sentinels name, through a failover; REDIS_URL then lends
# only its database number and password, and becomes a sentinel location here.
REDIS_SENTINELS = env.str("REDIS_SENTINELS", default="")
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="mymaster")
REDIS_SENTINEL = (
    redis_urls.sentinel_location(sentinels=REDIS_SENTINELS, master_name=REDIS_SENTINEL_MASTER, redis_url=REDIS_URL)
    if REDIS_SENTINELS
    else None
)
if REDIS_SENTINEL is not None:
    REDIS_URL = REDIS_SENTINEL.url
CHANNEL_LAYER_PREFIX = env.str("CHANNEL_LAYER_PREFIX", default="hub")
EMBEDDED = not REDIS_URL

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
    "channels",
    "csp",
    "gcm",
    "accounts",
    "discussions",
    "experts",
    "events",
    "notifications",
    "webhooks",
    "hub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hub.logging.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LocaleMiddleware with the Hub's rule (the user's language first): after authentication.
    "accounts.language.HubLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A view's database error (PostgreSQL unreachable) is a 503, not a 500 page (hub/unavailable.py).
    "hub.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hub.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the Celery worker share the file: WAL lets readers run beside a writer,
    # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # A pool of connections per process (Django's, over psycopg_pool). Django serves each HTTP
    # request from a thread of its own, and connections are per thread: without a pool every
    # request opened a new PostgreSQL connection (most of a small request's time, measured) and
    # left the last one idle behind its thread. Sockets' database calls return theirs to the pool
    # after each call (``hub.db``). Persistent connections (CONN_MAX_AGE) cannot be combined with it.
    # DATABASE_POOL=0 (behind PgBouncer in transaction mode, say) keeps one persistent connection
    # per thread instead, checked at most once a second from sockets (``hub.db``).
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=20),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that cannot be reached fails fast instead of hanging (docs/reliability.md): a
    # connection attempt gives up after DATABASE_CONNECT_TIMEOUT seconds, and TCP keepalives and
    # tcp_user_timeout drop a connection whose peer vanished without closing it (a partition, a
    # dead host). Values in DATABASE_URL's query string win.
    for _option, _value in {
        "connect_timeout": env.int("DATABASE_CONNECT_TIMEOUT", default=5),
        "keepalives": 1,
        "keepalives_idle": env.int("DATABASE_KEEPALIVES_IDLE", default=30),
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": env.int("DATABASE_TCP_USER_TIMEOUT_MS", default=30_000),
    }.items():
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(_option, _value)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channel layer, Celery -------------------------------------------------------------
CHANNEL_LAYERS: dict[str, dict[str, Any]]  # two shapes below: typed once for the settings plugin
if EMBEDDED:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 100_000}}}
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)  # kombu's filesystem transport expects it
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange tables; kombu's default is "control" in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    if REDIS_SENTINEL is not None:
        # A list: Django splits a LOCATION string at commas, which separate the sentinels here.
        CACHES["default"] |= {"LOCATION": [REDIS_URL], "OPTIONS": {"pool_class": "config.redis_urls.SentinelPool"}}  # type: ignore[dict-item]
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times reads out after 5 s by default, which cuts channels_redis's
                # 5 s blocking BZPOPMIN short: reads on the layer's connections must not time out.
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": None, "socket_connect_timeout": 5}
                    if REDIS_SENTINEL is None
                    else redis_urls.channel_layer_host(REDIS_SENTINEL, socket_timeout=None, socket_connect_timeout=5)
                ],
                "prefix": CHANNEL_LAYER_PREFIX,
                # Each server process reads all its spaces' events from one channel ("hubproc.*"):
                # room for bursts, since the layer drops silently at capacity.
                "channel_capacity": {"hubproc.*": 100_000},
            },
        }
    }
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    if REDIS_SENTINEL is None:
        CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    else:  # kombu's sentinel:// transport, on CELERY_BROKER_DB (default: REDIS_URL's database)
        _broker = REDIS_SENTINEL.with_db(env.int("CELERY_BROKER_DB", default=REDIS_SENTINEL.db))
        CELERY_BROKER_URL = redis_urls.celery_broker_url(_broker)
        CELERY_BROKER_TRANSPORT_OPTIONS.update(redis_urls.celery_transport_options(_broker))

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task a dying worker held is redelivered; tasks are idempotent
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "prune-login-attempts": {"task": "accounts.tasks.prune_login_attempts", "schedule": 3600.0},
    "sweep-expert-contact-relays": {"task": "experts.tasks.expert_contact_relay_sweep", "schedule": 300.0},
    "sweep-expert-questions": {"task": "experts.tasks.expert_question_notify_sweep", "schedule": 300.0},
    "sweep-notification-emails": {"task": "notifications.tasks.sweep_notification_emails", "schedule": 60.0},
    "sweep-invitation-emails": {"task": "events.invitation_tasks.sweep_invitation_emails", "schedule": 60.0},
    # Mention and reply emails whose countdown task was lost (broker down at commit, worker died).
    "sweep-message-emails": {"task": "notifications.tasks.sweep_message_emails", "schedule": 60.0},
    # Each hour: the daily digests now due (notifications/digest.py); a missed tick is caught up by the next.
    "send-daily-digests": {"task": "notifications.tasks.send_daily_digests", "schedule": crontab(minute=0)},
    # A seat offer nobody accepted in time passes to the next on the waiting list (events/tasks_waitlist.py).
    "expire-event-seat-offers": {"task": "events.tasks_waitlist.expire_seat_offers", "schedule": 60.0},
    # Announcements owed (broker down at commit, worker died mid-fan-out): queued again.
    "sweep-event-announcements": {"task": "events.tasks.sweep_event_announcements", "schedule": 60.0},
    # Reminders 24 h and 1 h before start, computed from the stored start at each tick (events/reminders.py).
    "send-event-reminders": {"task": "events.tasks.send_event_reminders", "schedule": 60.0},
    # Webhook deliveries whose task was lost or whose retry is due; gives up stuck ones (webhooks/delivery.py).
    "sweep-webhook-deliveries": {"task": "webhooks.tasks.sweep_webhook_deliveries", "schedule": 60.0},
}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
REGISTER_THROTTLE_RATE = env.str("REGISTER_THROTTLE_RATE", default="20/hour")  # per client address
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=30 * 60)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=30 * 60)

# --- Experts: contacts relayed by email ------------------------------------------------------
# At most EXPERT_CONTACT_RATE contacts per sender in any EXPERT_CONTACT_WINDOW seconds (429 beyond).
EXPERT_CONTACT_RATE = env.int("EXPERT_CONTACT_RATE", default=5)
EXPERT_CONTACT_WINDOW = env.int("EXPERT_CONTACT_WINDOW", default=3600)

# --- Events: the waiting list -----------------------------------------------------------------
# How long a seat freed for the first on the waiting list is held for them (it counts as taken).
EVENT_SEAT_OFFER_HOURS = env.int("EVENT_SEAT_OFFER_HOURS", default=48)
# Announcements (events/services/announcements.py): subscribers written per transaction (their
# emails start while the next batch is written), and how old an owed announcement must be before
# the beat sweep queues it again.
EVENT_ANNOUNCE_BATCH = env.int("EVENT_ANNOUNCE_BATCH", default=2000)
EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS = env.int("EVENT_ANNOUNCE_SWEEP_AFTER_SECONDS", default=60)

# --- Discussion spaces ------------------------------------------------------------------------
DISCUSSION_MAX_BODY_CHARS = env.int("DISCUSSION_MAX_BODY_CHARS", default=10_000)
DISCUSSION_MAX_FRAME_BYTES = env.int("DISCUSSION_MAX_FRAME_BYTES", default=64 * 1024)
DISCUSSION_RATE_LIMIT_COUNT = env.int("DISCUSSION_RATE_LIMIT_COUNT", default=20)
DISCUSSION_RATE_LIMIT_SECONDS = env.int("DISCUSSION_RATE_LIMIT_SECONDS", default=10)
DISCUSSION_REPLAY_LIMIT = env.int("DISCUSSION_REPLAY_LIMIT", default=500)
# A space's post batch: posts that arrive at a process while its last batch for the space is
# being written go together in one transaction, up to this many.
DISCUSSION_POST_BATCH_MAX = env.int("DISCUSSION_POST_BATCH_MAX", default=100)

# --- Real-time delivery (the realtime package, every stream socket) ---------------------------
REALTIME_SEND_QUEUE_MAX = env.int("REALTIME_SEND_QUEUE_MAX", default=2_000)
REALTIME_PRESENCE_TTL_SECONDS = env.float("REALTIME_PRESENCE_TTL_SECONDS", default=30)
REALTIME_PRESENCE_BROADCAST_LIMIT = env.int("REALTIME_PRESENCE_BROADCAST_LIMIT", default=200)
REALTIME_GAP_WAIT_SECONDS = env.float("REALTIME_GAP_WAIT_SECONDS", default=0.05)
# A stream's events that follow the last fan-out within this window go out together with the
# next one (one write per socket for several frames); a quiet stream's events go out at once.
REALTIME_FANOUT_BATCH_SECONDS = env.float("REALTIME_FANOUT_BATCH_SECONDS", default=0.005)
# How often each process re-checks that its sockets' users may still read their streams.
REALTIME_ACCESS_RECHECK_SECONDS = env.float("REALTIME_ACCESS_RECHECK_SECONDS", default=60)
# Each stream's cache of recently encoded frames that resuming sockets are replayed from
# (realtime/replay.py): how many, how many bytes in all, and for how long one is trusted.
REALTIME_REPLAY_CACHE_ITEMS = env.int("REALTIME_REPLAY_CACHE_ITEMS", default=1000)
REALTIME_REPLAY_CACHE_BYTES = env.int("REALTIME_REPLAY_CACHE_BYTES", default=1024 * 1024)
REALTIME_REPLAY_CACHE_SECONDS = env.float("REALTIME_REPLAY_CACHE_SECONDS", default=60)
# Storms (realtime.fanout, realtime.admission): of a batch of handshakes, at most this many continue
# per turn of the event loop (0: all at once); full garbage collections wait while a crowd arrives.
REALTIME_HANDSHAKE_RELEASE_MAX = env.int("REALTIME_HANDSHAKE_RELEASE_MAX", default=8)
REALTIME_DEFER_FULL_GC = env.bool("REALTIME_DEFER_FULL_GC", default=True)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.language.TokenAuthentication",  # DRF's, plus the token user's language (accounts/language.py)
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: one request shape for every client, and the only one the OpenAPI document offers
    # (the browsable API then offers its raw JSON form only); tests' APIClient sends JSON too.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "hub.openapi.HubAutoSchema",
    "EXCEPTION_HANDLER": "hub.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Migration Network Hub API",
    "DESCRIPTION": "Discussion spaces, experts, resources and events for the Global Compact for Migration.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "SpaceVisibilityEnum": "discussions.models.Space.Visibility",
        "SpaceKindEnum": "discussions.models.Space.Kind",
        "MembershipRoleEnum": "discussions.models.Membership.Role",
        "ReportStatusEnum": "discussions.models.Report.Status",
        "ModerationActionKindEnum": "discussions.models.ModerationAction.Kind",
        "UserLanguageEnum": "accounts.models.User.Language",
        "ResourceKindEnum": "experts.models.Resource.Kind",
        "ResourceScopeEnum": "experts.models.Resource.Scope",
        "ResourceStatusEnum": "experts.models.Resource.Status",
        "ReviewDecisionEnum": "experts.models.Review.Decision",
        "ReviewerApplicationStatusEnum": "experts.models.ReviewerApplication.Status",
        "EventKindEnum": "events.models.Event.Kind",
        "EventStatusEnum": "events.models.Event.Status",
        "RsvpResponseEnum": "events.models.RsvpResponse",
        "WaitlistStateEnum": "events.models.WaitlistEntry.State",
        "WebhookEventEnum": "webhooks.models.WebhookEvent",
    },
    # Operation ids and tags without the version prefix (``spaces_list``, not ``v1_spaces_list``).
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Request bodies get their own components without read-only fields, as client generators need.
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("ar", "العربية"), ("zh-hans", "中文"), ("en", "English"), ("fr", "Français"),
             ("ru", "Русский"), ("es", "Español")]  # fmt: skip
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Email ------------------------------------------------------------------------------------
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND",
        default="django.core.mail.backends.console.EmailBackend"
        if DEBUG and "EMAIL_HOST" not in env
        else "django.core.mail.backends.smtp.EmailBackend",
    )
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Migration Network Hub <hub@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notification emails (notifications/delivery.py): how many one task sends over one SMTP connection;
# pending ones older than SWEEP_AFTER are re-enqueued by beat (at most SWEEP_MAX a minute); one
# claimed longer than SEND_TIMEOUT ago is marked unconfirmed, never re-sent (at most once).
NOTIFICATION_EMAIL_CHUNK = env.int("NOTIFICATION_EMAIL_CHUNK", default=100)
NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS = env.int("NOTIFICATION_EMAIL_SWEEP_AFTER_SECONDS", default=60)
NOTIFICATION_EMAIL_SWEEP_MAX = env.int("NOTIFICATION_EMAIL_SWEEP_MAX", default=10_000)
NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS = env.int("NOTIFICATION_EMAIL_SEND_TIMEOUT_SECONDS", default=15 * 60)
# Mention and reply emails wait this long and are dropped if the message was read meanwhile;
# those of one space within the wait go out as one email (notifications/message_emails.py).
NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS = env.int("NOTIFICATION_MESSAGE_EMAIL_DELAY_SECONDS", default=120)
# Daily digests go out at each user's own hour in their own zone (NotificationPreference.digest_hour,
# timezone; notifications/digest.py), at the first hourly tick from then.

# --- Webhooks (webhooks/) ------------------------------------------------------------------------
# Private, loopback, link-local, CGNAT, unique-local, multicast and cloud-metadata destinations are
# refused unless this is on (a receiver on the same machine or network, in development or tests).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# A failing delivery is retried with exponential backoff (with jitter) for this long, then given
# up and its webhook disabled; the first retry waits about RETRY_BASE seconds, none more than RETRY_MAX.
WEBHOOK_RETRY_FOR_SECONDS = env.int("WEBHOOK_RETRY_FOR_SECONDS", default=24 * 3600)
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=10.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=3600.0)
# How stale a process's knowledge of which events have webhooks may be (a new webhook elsewhere).
WEBHOOK_ROUTES_CACHE_SECONDS = env.float("WEBHOOK_ROUTES_CACHE_SECONDS", default=5.0)
# Delivered, failed and skipped deliveries are deleted after this many days (the log's length).
WEBHOOK_DELIVERY_RETENTION_DAYS = env.int("WEBHOOK_DELIVERY_RETENTION_DAYS", default=30)

# --- Security ---------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The request log below replaces Django's own 4xx/5xx lines, which say less.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}
