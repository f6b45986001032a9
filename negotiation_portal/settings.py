"""Settings, read from the environment.

Nothing set means the embedded default: SQLite, the in-memory channel layer, Celery over
kombu's filesystem transport and e-mail written to files, all under ``var/``. Production sets
``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``, ``ALLOWED_HOSTS`` and the e-mail settings; see
docs/deployment.md.
"""

import datetime
import ipaddress
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Production is any deployment that provides its own secret key; only then are the HTTPS-only
# defaults switched on, so that the embedded default keeps working on http://127.0.0.1:8000.
PRODUCTION = "SECRET_KEY" in env
if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    # A throwaway key for the embedded default, kept in var/ so sessions survive restarts.
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        from django.core.management.utils import get_random_secret_key

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(get_random_secret_key())
    SECRET_KEY = _key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "channels",
    "django_celery_beat",
    "django_htmx",
    "django_countries",
    "csp",
    "common",
    "accounts",
    "catalog",
    "inquiries",
    "orders",
    "chat",
    "payments",
    "shipments",
    "notifications",
    "rfq",
    "fx",
    "contracts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "common.overload.DatabasePoolMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the authentication: a signed-in user's preferred language wins.
    "accounts.middleware.UserLocaleMiddleware",
    "common.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.LastActiveMiddleware",
]

ROOT_URLCONF = "negotiation_portal.urls"
FORMS_URLFIELD_ASSUME_HTTPS = True
ASGI_APPLICATION = "negotiation_portal.asgi.application"
WSGI_APPLICATION = None

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
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory for the test suite; browser tests name a file (TEST_DATABASE_NAME or their
    # conftest) so that a live server in a child process sees the same data as the test.
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
else:
    # Under ASGI every request runs its sync code in its own thread, so persistent connections
    # (CONN_MAX_AGE > 0) pile up one per thread until PostgreSQL refuses new clients. A bounded
    # psycopg pool per process instead: connections go back to it at the end of each request,
    # and a request that waits longer than the timeout for one gets a 503 (common.overload).
    # Size it against max_connections: docs/deployment.md.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=5.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    # pgbouncer in transaction mode cannot keep a server-side cursor across transactions
    # (Django already turns psycopg's prepared statements off).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DATABASE_BEHIND_PGBOUNCER", default=False
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Log-in throttling (accounts.services): failures are remembered for the window. After
# LOGIN_RATE_LIMIT failures of one username from one address, that pair waits
# LOGIN_BACKOFF_SECONDS, doubling with each further failure up to LOGIN_BACKOFF_MAX_SECONDS;
# the right password from another address is not held up by it. Much higher ceilings per
# username (all addresses) and per address (all usernames) stop distributed guessing and
# password spraying.
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=5)
LOGIN_RATE_WINDOW_SECONDS = env.int("LOGIN_RATE_WINDOW_SECONDS", default=3600)
LOGIN_BACKOFF_SECONDS = env.int("LOGIN_BACKOFF_SECONDS", default=60)
LOGIN_BACKOFF_MAX_SECONDS = env.int("LOGIN_BACKOFF_MAX_SECONDS", default=900)
LOGIN_USERNAME_LIMIT = env.int("LOGIN_USERNAME_LIMIT", default=100)
LOGIN_ADDRESS_LIMIT = env.int("LOGIN_ADDRESS_LIMIT", default=50)
# Password-reset e-mails per client address and per e-mail address within the window.
PASSWORD_RESET_ADDRESS_LIMIT = env.int("PASSWORD_RESET_ADDRESS_LIMIT", default=10)
PASSWORD_RESET_ACCOUNT_LIMIT = env.int("PASSWORD_RESET_ACCOUNT_LIMIT", default=3)
PASSWORD_RESET_WINDOW_SECONDS = env.int("PASSWORD_RESET_WINDOW_SECONDS", default=3600)

# The reverse proxies whose X-Forwarded-For is believed (addresses or networks). uvicorn reads
# the same variable for --proxy-headers, so Django and the server agree on the client address
# (common.ratelimit.client_address). Never "*": anyone could then forge their address.
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
for _proxy in FORWARDED_ALLOW_IPS:
    try:
        ipaddress.ip_network(_proxy.strip(), strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"FORWARDED_ALLOW_IPS: {_proxy!r} is not an address or network."
        ) from None

LANGUAGE_CODE = "en"
# Each language in its own name (the switcher shows them so). The catalogues are
# locale/<lang>/LC_MESSAGES/django.po, compiled by `compilemessages` in the build (never committed).
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("vi", "Tiếng Việt"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
    ("fr", "Français"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Public uploads only (product images), served by the proxy under MEDIA_URL.
MEDIA_URL = "media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Private uploads (slips, RFQ, quotation and chat attachments): never under MEDIA_ROOT, served
# only by the views that check access (common.files). PRIVATE_STORAGE=s3 keeps them in an
# S3-compatible bucket (django-storages) shared by every replica; the default is a folder.
PRIVATE_STORAGE = env.str("PRIVATE_STORAGE", default="filesystem")
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
# The proxy's internal location for PRIVATE_MEDIA_ROOT (nginx: `internal; alias ...`), e.g.
# "/_private/": the views answer with X-Accel-Redirect instead of streaming the file.
PRIVATE_MEDIA_ACCEL_REDIRECT = env.str("PRIVATE_MEDIA_ACCEL_REDIRECT", default="")
if PRIVATE_STORAGE == "s3":
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("PRIVATE_STORAGE_BUCKET"),
            "location": env.str("PRIVATE_STORAGE_PREFIX", default="private"),
            "endpoint_url": env.str("PRIVATE_STORAGE_ENDPOINT_URL", default=None),
            "region_name": env.str("PRIVATE_STORAGE_REGION", default=None),
            # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance role.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif PRIVATE_STORAGE == "filesystem":
    if Path(PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()):
        raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must not lie inside the served MEDIA_ROOT.")
    _private_storage = {
        "BACKEND": "common.files.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    }
else:
    raise ImproperlyConfigured("PRIVATE_STORAGE is 'filesystem' or 's3'.")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders in the embedded default: no collectstatic step needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Caches back the login rate limit and the chat rate limit; they must be shared between
# processes in production.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Django's Redis cache with one connection pool per process (common.cache says why).
    CACHES = {"default": {"BACKEND": "common.cache.SharedPoolRedisCache", "LOCATION": REDIS_URL}}
    # Redis pub/sub by default: a broadcast is one PUBLISH and reaches each process's sockets
    # at once, where the list-based layer costs four round trips per broadcast and one
    # blocking pop per socket per message (measured: docs/performance.md, chat rows).
    # "core" (channels_redis.core) keeps messages for a busy socket (capacity/expiry).
    CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="pubsub")
    if CHANNEL_LAYER not in ("pubsub", "core"):
        raise ImproperlyConfigured("CHANNEL_LAYER is pubsub or core.")
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
        if CHANNEL_LAYER == "pubsub"
        else {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 500, "expiry": 30},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: Redis in production, kombu's filesystem transport (no server) by default.
CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A task whose worker died (kill -9) is re-delivered only after this many seconds; it
    # must exceed the longest task run (reminder batches, e-mails: well under a minute). The
    # e-mail and reminder leases below bring crashed work back sooner through the sweeps.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
    # kombu does not create its folders; a worker or a producer fails without them.
    for _folder in ("queue", "control", "processed"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The e-mail outbox: a queued e-mail not claimed within EMAIL_QUEUE_LEASE_SECONDS, or a claimed
# one not sent within EMAIL_SEND_LEASE_SECONDS (its worker died), is queued again by the
# e-mail sweep (every minute); after EMAIL_MAX_ATTEMPTS claims it is given up as failed.
EMAIL_QUEUE_LEASE_SECONDS = env.int("EMAIL_QUEUE_LEASE_SECONDS", default=300)
EMAIL_SEND_LEASE_SECONDS = env.int("EMAIL_SEND_LEASE_SECONDS", default=120)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=10)
# The reminder sweep (every 5 minutes) queues due orders in batches of REMINDER_BATCH_SIZE;
# an order queued is not queued again for REMINDER_QUEUE_LEASE_SECONDS, and an order whose batch
# started is not queued again for REMINDER_RUN_LEASE_SECONDS (its worker died if it is still due).
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=500)
REMINDER_QUEUE_LEASE_SECONDS = env.int("REMINDER_QUEUE_LEASE_SECONDS", default=1800)
REMINDER_RUN_LEASE_SECONDS = env.int("REMINDER_RUN_LEASE_SECONDS", default=600)
# Shipments: one not confirmed by the buyer is deemed received SHIPMENT_DEEMED_RECEIPT_DAYS
# after its ship date, announced SHIPMENT_RECEIPT_NOTICE_DAYS before. The receipt sweep (every 15
# minutes) queues due shipments in batches, with leases as the reminder sweep's.
SHIPMENT_DEEMED_RECEIPT_DAYS = env.int("SHIPMENT_DEEMED_RECEIPT_DAYS", default=30)
SHIPMENT_RECEIPT_NOTICE_DAYS = env.int("SHIPMENT_RECEIPT_NOTICE_DAYS", default=3)
SHIPMENT_SWEEP_BATCH_SIZE = env.int("SHIPMENT_SWEEP_BATCH_SIZE", default=500)
SHIPMENT_SWEEP_QUEUE_LEASE_SECONDS = env.int("SHIPMENT_SWEEP_QUEUE_LEASE_SECONDS", default=1800)
SHIPMENT_SWEEP_RUN_LEASE_SECONDS = env.int("SHIPMENT_SWEEP_RUN_LEASE_SECONDS", default=600)
# Issue 14 point 2: the offer expiry sweep (every 15 minutes), offers per transaction.
OFFER_SWEEP_BATCH_SIZE = env.int("OFFER_SWEEP_BATCH_SIZE", default=500)

# Exchange rates (docs/exchange-rates.md): the ECB's daily reference-rate XML is fetched once a
# day only when FX_ECB_FEED_URL is set (empty: the portal never calls out; rates come from the
# offline ECB history, `import_rates`, and staff). A rate older than FX_RATE_MAX_AGE_DAYS before
# the date it is used for counts as unknown.
FX_ECB_FEED_URL = env.str("FX_ECB_FEED_URL", default="")
FX_FEED_TIMEOUT = env.int("FX_FEED_TIMEOUT", default=20)
FX_RATE_MAX_AGE_DAYS = env.int("FX_RATE_MAX_AGE_DAYS", default=45)

# E-mail: SMTP when EMAIL_HOST is set, otherwise one file per message under var/outbox/.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "outbox"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Negotiation Portal <noreply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that anonymous requests get 401 with a WWW-Authenticate header.
        # django-rest-knox: hashed, one token per log-in (device), expiring, revocable.
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "common.schema.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
# API tokens expire this many hours after the log-in that created them (0: never).
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24 * 30)
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=API_TOKEN_TTL_HOURS) if API_TOKEN_TTL_HOURS else None,
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Negotiation Portal API",
    "DESCRIPTION": "Inquiries, negotiations and orders between buyers and sellers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "common.choices.COUNTRY_CHOICES",
        # User.language, and the contract PDF's seller_language, buyer_language, languages.
        "LanguageEnum": "negotiation_portal.settings.LANGUAGES",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "PaymentStatusEnum": "payments.models.PaymentStatus",
        "ShipmentDocumentKindEnum": "shipments.models.DocumentKind",
        "SideEnum": "accounts.models.Side",
        "UnitEnum": "catalog.models.Unit",
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), enforced on every response: scripts and styles only from
# our own static files (no inline script, no eval: HTMX's hx-on and js: values are not used, and
# its indicator styles are switched off in base.html), chat sockets to our own hosts. 'self'
# covers ws:/wss: to the page's own origin only in CSP level 3 browsers, hence the explicit
# sources; a port-less wss://host means 443, the proxy's port.
_socket_sources = []
for _host in ALLOWED_HOSTS:
    if _host == "*":
        continue
    _host = f"*{_host}" if _host.startswith(".") else _host  # ".example.com": any subdomain
    _socket_sources += [f"wss://{_host}"] if PRODUCTION else [f"ws://{_host}:*", f"wss://{_host}:*"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env.list("CSP_EXTRA_IMG_SRC", default=[])],
        "font-src": [SELF],
        "connect-src": [SELF, *_socket_sources],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Load shedding (common.overload): HTTP requests one process serves at once (0: no cap; chat
# sockets never count), and the Retry-After of the 503 the rest get.
HTTP_MAX_CONCURRENT_REQUESTS = env.int("HTTP_MAX_CONCURRENT_REQUESTS", default=20)
OVERLOAD_RETRY_AFTER_SECONDS = env.int("OVERLOAD_RETRY_AFTER_SECONDS", default=2)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every rendering step of a contract PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Domain limits, configurable per deployment.
RFQ_MAX_OPEN_PER_BUYER = env.int("RFQ_MAX_OPEN_PER_BUYER", default=10)
# The public contract verification page and API: checks per client address and window.
VERIFY_RATE_LIMIT = env.int("VERIFY_RATE_LIMIT", default=30)
VERIFY_RATE_WINDOW_SECONDS = env.int("VERIFY_RATE_WINDOW_SECONDS", default=600)
# Messages per user in a window of seconds (the benchmark raises it to measure throughput).
CHAT_RATE_LIMIT = (
    env.int("CHAT_RATE_LIMIT_MESSAGES", default=20),
    env.int("CHAT_RATE_LIMIT_SECONDS", default=10),
)
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MANUAL_REMINDER_INTERVAL_HOURS = 24
PAYMENT_PROVIDERS = env.list(
    "PAYMENT_PROVIDERS",
    default=["payments.providers.BankTransferProvider", "payments.providers.SandboxCardProvider"],
)

# chat
CHAT_PRESENCE_TIMEOUT = 60  # seconds without a heartbeat after which a socket counts as gone
# How often the client pings and catches up. Without Redis the in-memory layer cannot carry
# messages written by Celery workers, so the ping delivers them: keep it short there.
CHAT_HEARTBEAT_SECONDS = env.int("CHAT_HEARTBEAT_SECONDS", default=20 if REDIS_URL else 5)
CHAT_MAX_FRAME_BYTES = 64 * 1024
# A socket re-reads its user's access at most this often (logout, a password change and a
# change of company or active flag act at once through the user's group, whatever this is).
CHAT_ACCESS_RECHECK_SECONDS = 5
# Threads per process for the database work of chat and notification sockets
# (common.realtime.db_to_async); each holds a pooled connection while it runs. Four keep a
# process busy on 2 cores; ten spent the CPU on switching between threads (docs/performance.md:
# 3.8 ms of server CPU a message with 2-4 threads, 4.7 ms with 10).
WEBSOCKET_DB_THREADS = env.int("WEBSOCKET_DB_THREADS", default=4)
# hello with last_id 0 replays the newest CHAT_REPLAY_LATEST messages (older pages come over
# REST); a reconnect replays at most CHAT_REPLAY_MAX messages per frame.
CHAT_REPLAY_LATEST = 50
# E-mail digests of unread messages (chat/digests.py): sent to a user who is away once the first
# unread message of a batch is this old; messages older than the maximum age are not mailed.
CHAT_DIGEST_DELAY_SECONDS = env.int("CHAT_DIGEST_DELAY_SECONDS", default=600)
CHAT_DIGEST_MAX_AGE_HOURS = env.int("CHAT_DIGEST_MAX_AGE_HOURS", default=24)
CHAT_REPLAY_MAX = 200

# rfq
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "RFQStateEnum": "rfq.models.RFQ.State",
        "QuotationStateEnum": "rfq.models.Quotation.State",
        "RFQAudienceEnum": "rfq.models.RFQ.Audience",
    }
)
if REDIS_URL:
    # redis-py 8 reads with a 5 s socket timeout by default, no longer than the layer's 5 s
    # blocking pop: every idle chat socket would crash (django/channels_redis#422).
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [{"address": REDIS_URL, "socket_timeout": 15}]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Chat sockets and requests write concurrently. A deferred SQLite transaction that reads
    # and then writes fails at once with "database is locked" when another writer is active;
    # BEGIN IMMEDIATE takes the write lock up front, so writers wait out the busy timeout.
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

# accounts: every log-in (portal, admin, API token) passes the login rate limit.
AUTHENTICATION_BACKENDS = ["accounts.backends.RateLimitedModelBackend"]
