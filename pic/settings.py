"""PIC Portal settings: every deployment value comes from the environment (see .env.example)."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    """Load KEY=VALUE lines from a local .env without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


if not os.environ.get("PIC_SKIP_DOTENV"):
    _read_dotenv(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env(name: str, default: str | None = None, *, required: bool = False) -> str:
    """Return an environment variable; refuse to start when a required one is missing."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be set when DJANGO_DEBUG is off "
            f"(see .env.example)."
        )
    return default or ""


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a yes/no value, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# `make bench` only: routes the bare-Django ceiling view, lifts the rate limits that would
# refuse a load generator on one address, and counts each response's SQL queries in a
# header. Never set in production.
PIC_BENCH = env_bool("PIC_BENCH", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", required=not DEBUG) or "insecure-development-key"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "") or (
    ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "The environment variable DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off "
        "(see .env.example)."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Identifiers at rest: Fernet keys, newest first (it encrypts; all decrypt), and the HMAC key
# for matching. Development derives stand-ins from the secret key; production must set both.
if DEBUG and not env("PIC_FIELD_ENCRYPTION_KEYS"):
    import base64
    import hashlib

    PIC_FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"fernet:{SECRET_KEY}".encode()).digest()).decode()
    ]
    PIC_IDENTIFIER_HASH_KEY = hashlib.sha256(f"hmac:{SECRET_KEY}".encode()).hexdigest()
else:
    PIC_FIELD_ENCRYPTION_KEYS = env_list("PIC_FIELD_ENCRYPTION_KEYS") or [
        env("PIC_FIELD_ENCRYPTION_KEYS", required=True)
    ]
    PIC_IDENTIFIER_HASH_KEY = env("PIC_IDENTIFIER_HASH_KEY", required=True)

# Absolute links in e-mails (sign-in links use the address the request came in on).
PIC_SITE_URL = env("PIC_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "phonenumber_field",
    "template_partials",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "audit.apps.AuditConfig",
    "accounts.apps.AccountsConfig",
    "facilities.apps.FacilitiesConfig",
    "partners.apps.PartnersConfig",
    "applications.apps.ApplicationsConfig",
    "volunteers.apps.VolunteersConfig",
    "screening.apps.ScreeningConfig",
    "outreach.apps.OutreachConfig",
    "reports.apps.ReportsConfig",
    "pic.apps.PicConfig",
]

MIDDLEWARE = [
    "pic.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pic.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pic.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pic.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (a timed-out session says why at the sign-in page).
    "accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # Last, so it sees the flag a refused sign-in leaves on the request.
    "axes.middleware.AxesMiddleware",
]

if PIC_BENCH:
    MIDDLEWARE.insert(0, "pic.middleware.BenchQueryCountMiddleware")

ROOT_URLCONF = "pic.urls"
WSGI_APPLICATION = "pic.wsgi.application"

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
                "facilities.context_processors.staff_role",
                "accounts.context_processors.staff_security",
            ],
        },
    },
]

# SQLite is the embedded default; IMMEDIATE transactions take the write lock up front so
# concurrent writers wait instead of failing with "database is locked" mid-transaction.
_SQLITE_PATH = Path(env("SQLITE_PATH", str(BASE_DIR / "var" / "pic.sqlite3")))
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections: each sync gunicorn worker keeps one for DATABASE_CONN_MAX_AGE
    # seconds instead of connecting per request (a new PostgreSQL connection costs a fork
    # on the server and a few milliseconds); the health check drops one the server closed.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # No JIT: the report queries' per-row subqueries push their cost estimates past
        # jit_above_cost, and compiling them took seconds where running them takes
        # milliseconds (EXPLAIN ANALYZE at bench scale: 2.6 s of JIT in a 3.1 s query).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_SQLITE_PATH),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
# A streaming replica of the primary (docs/scaling.md): the report pages read from it, through
# pic.routers; every write, and every other read, stays on "default". The test runner treats
# it as a mirror of the default test database, which it is physically: only the NAME is
# copied (the host and port stay the standby's), and a mirror is neither created nor flushed.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    if not DATABASE_URL:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL is a replica of DATABASE_URL: set both.")
    _replica = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    if "postgresql" in _replica["ENGINE"]:
        _options = _replica.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()  # as above
    DATABASES["replica"] = {**_replica, "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["pic.routers.ReplicaRouter"]
# Where report reads go: the replica when there is one (tests set "default" unless a test
# asks for the replica, since a test's own transaction is invisible to a standby).
PIC_REPORTS_DATABASE = "replica" if DATABASE_REPLICA_URL else "default"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache, sessions and rate limits must be shared by every app server: Redis when REDIS_URL is
# set (more than one machine), else the database cache (one machine, any number of workers).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("PIC_CACHE_KEY_PREFIX", "pic"),
        }
    }
    # Sessions read from Redis and written through to the database: a Redis restart (or a
    # cache flush) costs a cache miss, not every staff member's sign-in.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "pic_cache",
        }
    }
# Rendered fragments of the public pages ({% cache %} uses this alias): in each process's
# memory, read without a round trip. Their keys carry a version kept in the default (shared)
# cache, so a change made through any server makes them stale on all (facilities/
# directory_cache.py).
_FRAGMENTS: dict[str, Any] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pic-template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
CACHES["template_fragments"] = _FRAGMENTS

# Work a request starts (mail, PDFs): immediately in development, by `manage.py db_worker`
# otherwise.
# The database backend everywhere, the demo included, so a job's progress is real: `make run`
# starts `manage.py db_worker` beside the server. PIC_TASKS_IMMEDIATE=1 runs tasks inside
# the request instead (a development server without a worker); tests set that backend too.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("PIC_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

AUTH_USER_MODEL = "accounts.User"
# The lockout check first: it refuses a locked account and address before any password check.
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switcher's choice outlives the browser session (a public computer's next user
# starts from the browser's own language once the cookie is cleared; a sign-in applies the
# person's stored preference). No script reads it.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# The project's date formats (pic/formats/<language>/formats.py) over Django's.
FORMAT_MODULE_PATH = ["pic.formats"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded documents are private: never under STATIC_URL or any public URL; served only by
# permission-checked views.
# Local files by default (one machine); PIC_STORAGE=s3 keeps them in an S3 bucket (any
# S3-compatible store: AWS, MinIO, Ceph) so that every app server and worker sees them.
MEDIA_ROOT = Path(env("PIC_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
PIC_STORAGE = env("PIC_STORAGE", "local").lower()
if PIC_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured(f"PIC_STORAGE must be local or s3, not {PIC_STORAGE!r}.")


def _s3(prefix: str) -> dict[str, object]:
    """An S3 storage under `prefix`: private objects, never overwritten, fetched by the
    permission-checked views (signed URLs are never handed out)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("PIC_S3_BUCKET", required=True),
            "location": prefix,
            # Empty: AWS itself; set for MinIO and the like.
            "endpoint_url": env("PIC_S3_ENDPOINT_URL") or None,
            "region_name": env("PIC_S3_REGION") or None,
            # Empty: boto3's own chain (an instance role, AWS_* variables).
            "access_key": env("PIC_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("PIC_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }


STORAGES = {
    "default": (
        _s3("media")
        if PIC_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "private": (
        _s3("private")
        if PIC_STORAGE == "s3"
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT / "private", "base_url": "/no-public-url/"},
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "US"
PHONENUMBER_DB_FORMAT = "E164"

# A strict policy: nothing from another host, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "accounts.outbox.OutboxBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "PIC Portal <pic-portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The proxies in front of the app servers (nginx, the load balancer), as addresses or
# networks, e.g. 127.0.0.1,10.0.0.0/24: from them the client's address is read from
# X-Forwarded-For (audit log, per-address rate limits). Empty: REMOTE_ADDR, header ignored.
PIC_TRUSTED_PROXIES = env_list("PIC_TRUSTED_PROXIES")
for _proxy in PIC_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"PIC_TRUSTED_PROXIES: {exc}") from exc

# Behind a TLS-terminating proxy, name the header it sets (for example
# "HTTP_X_FORWARDED_PROTO"); its value must then be "https".
_proxy_header = env("DJANGO_SECURE_PROXY_SSL_HEADER")
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = (_proxy_header, "https")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_FAILURE_VIEW = "pic.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Staff sign-in security (CJIS advanced authentication and session limits) ------------------

# Two-step sign-in (an authenticator app's code, or a backup code) for every staff account.
# On unless DJANGO_DEBUG is on; the demo then says on every staff page that it is off.
PIC_REQUIRE_MFA = env_bool("PIC_REQUIRE_MFA", default=not DEBUG)
OTP_TOTP_ISSUER = "PIC Portal"
# A staff session ends after this long without a request, and this long after sign-in
# whatever the activity; the page warns this many seconds before the idle end.
PIC_STAFF_IDLE_MINUTES = env_int("PIC_STAFF_IDLE_MINUTES", 30)
PIC_STAFF_SESSION_HOURS = env_int("PIC_STAFF_SESSION_HOURS", 12)
PIC_STAFF_IDLE_WARNING_SECONDS = 120

# Every rate limit and the sign-in lockout, lifted in one place for load tests: off under
# PIC_BENCH unless set explicitly.
PIC_RATE_LIMITS = env_bool("PIC_RATE_LIMITS", default=not PIC_BENCH)

# django-axes: a failure limit per account AND address together, so a stranger elsewhere
# cannot lock a coordinator out; accounts.lockout adds a slower per-account limit beside it.
AXES_ENABLED = PIC_RATE_LIMITS
AXES_FAILURE_LIMIT = env_int("PIC_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PIC_SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.username_tried"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# The audit log already has every sign-in; axes keeps only what locking needs.
AXES_DISABLE_ACCESS_LOG = True
# Failures in any 24 hours, from any address, after which the account itself is locked.
PIC_ACCOUNT_FAILURE_LIMIT = env_int("PIC_ACCOUNT_FAILURE_LIMIT", 20)
PIC_ACCOUNT_FAILURE_WINDOW_HOURS = 24
# Failures in an hour from one address, whatever the account (credential stuffing): set
# above what a building behind one address fails in an hour.
PIC_ADDRESS_FAILURE_LIMIT = env_int("PIC_ADDRESS_FAILURE_LIMIT", 50)
PIC_ADDRESS_FAILURE_WINDOW_HOURS = 1

# One configuration, one path to the console: Django's defaults give the "django" logger a
# console handler of its own in development (and "django.server" another), so its records
# printed twice once they also reached the root handler. Here every record reaches the
# console through the root alone.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
        # The request line is JSON already: a log shipper parses it as it stands.
        "bare": {"format": "{message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {"class": "logging.StreamHandler", "formatter": "bare"},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # One line per task and per layout step is noise; their warnings still show.
        "django_tasks": {"level": "WARNING"},
        # Every failed sign-in and lock is in the audit log; axes' own lines repeat them.
        "axes": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # One JSON line per request (pic.middleware.RequestLogMiddleware); off in
        # development, where runserver prints its own line.
        "pic.request": {
            "handlers": ["requests"],
            "level": "INFO" if env_bool("PIC_REQUEST_LOG", default=not DEBUG) else "WARNING",
            "propagate": False,
        },
    },
}

# Where to report a vulnerability (SECURITY.md; /.well-known/security.txt): an e-mail
# address or an https URL of the department's security office.
PIC_SECURITY_CONTACT = env("PIC_SECURITY_CONTACT", "")

# /healthz calls the task queue late when its oldest due task has waited this long.
PIC_HEALTH_QUEUE_MAX_AGE = env_int("PIC_HEALTH_QUEUE_MAX_AGE", 15 * 60)

# Error reporting, off unless SENTRY_DSN is set. No personal data is sent: no user
# details, no request bodies, no local variables in tracebacks.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
