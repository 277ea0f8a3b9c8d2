"""Django settings, read from the environment with safe defaults.

Every setting an operator may change is an environment variable documented in
``docs/operations.md``. Secrets may also be given as ``NAME_FILE`` pointing to a file (for
Docker/Kubernetes secrets). With no configuration at all ServiceFit runs on a SQLite file under
``SERVICEFIT_DATA_DIR`` (default: the user's data directory, ``$XDG_DATA_HOME/servicefit`` or
``~/.local/share/servicefit``, never the current folder).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    """``$NAME``, else the contents of the file named by ``$NAME_FILE``, else ``default``."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path is not None and not path.strip():
        raise ImproperlyConfigured(
            f"{name}_FILE is set but empty: give the file's path or unset it"
        )
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise ImproperlyConfigured(f"{name}_FILE={path}: cannot read it ({reason})") from None
    return default


def env_int(name: str, default: str) -> int:
    value = env(name, default)
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number") from None


def env_float(name: str, default: str) -> float:
    value = env(name, default)
    try:
        return float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "")
    if not value.strip():
        return default
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not one of 1/0, true/false, yes/no, on/off")


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


def _default_data_dir() -> Path:
    """An absolute per-user directory, so the working folder never decides where data goes."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "servicefit"


DATA_DIR = Path(env("SERVICEFIT_DATA_DIR") or str(_default_data_dir())).expanduser().resolve()
DEBUG = env_bool("SERVICEFIT_DEBUG", False)


def _secret_key() -> str:
    """From the environment; else a random key kept in the data directory (created once)."""
    configured = env("SERVICEFIT_SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)  # only its owner reads the data
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENV = bool(env("SERVICEFIT_SECRET_KEY"))
# Earlier keys, while a new one takes over (docs/operations.md, "Rotating the secret key"):
# sessions signed with them stay valid and links made under them can still be shown again.
# Comma- or line-separated (a file from SERVICEFIT_SECRET_KEY_FALLBACKS_FILE: one per line).
SECRET_KEY_FALLBACKS = [
    key for key in re.split(r"[,\s]+", env("SERVICEFIT_SECRET_KEY_FALLBACKS")) if key
]
ALLOWED_HOSTS = env_list("SERVICEFIT_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("SERVICEFIT_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env("SERVICEFIT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin, open to the administrator role (not to is_staff)
    "servicefit.accounts.admin_site.ServiceFitAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "servicefit.accounts",
    "servicefit.audit",
    "servicefit.jobs",
    "servicefit.candidates",
    "servicefit.assessments",
    "servicefit.interviews",
    "servicefit.fairness",
    "servicefit.oversight",
    "servicefit.privacy",
    "servicefit.backoffice",
    "servicefit.portal",
    "servicefit.measurement",
    "servicefit.branding",
    "servicefit.runtime",
    "servicefit.webhooks",
    "servicefit.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicefit.security.csp.ContentSecurityPolicyMiddleware",
    # /healthz for probes by address, before the host check (see its docstring).
    "servicefit.runtime.middleware.HealthProbeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "servicefit.security.twofactor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "servicefit.api.middleware.ApiAuditMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicefit.urls"
WSGI_APPLICATION = "servicefit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "servicefit.accounts.sso.login_page_context",
                "servicefit.branding.context_processors.branding",
                "servicefit.security.mail.email_context",
            ],
        },
    },
]

_DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'servicefit.sqlite3'}")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _DATABASE_URL,
            conn_max_age=env_int("SERVICEFIT_DB_CONN_MAX_AGE", "60"),
            # A reused connection is checked before each request, so the first request after a
            # database restart reconnects instead of failing with a 500.
            conn_health_checks=True,
        )
    }
except (ValueError, dj_database_url.UnknownSchemeError) as exc:
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL ({exc}); expected e.g. "
        "postgresql://user@host:5432/name or sqlite:////path/to/file.sqlite3"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip on a healthy connection.
    DATABASES["default"]["ENGINE"] = "servicefit.runtime.postgresql"
    if env_bool("SERVICEFIT_DB_PREPARED_STATEMENTS", True):
        # Parameters sent apart from the SQL, and a statement run 5 times on a connection is
        # prepared: PostgreSQL then skips parsing and planning (most of its work per autosave).
        # Off for a pooler in transaction mode (PgBouncer without max_prepared_statements).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Candidates' names, e-mails and answers: a new database file is readable by its owner
    # only (SQLite gives the -wal and -shm files the same mode), like the secret key beside it.
    _sqlite_file = Path(str(DATABASES["default"]["NAME"]))
    if _sqlite_file.parent == DATA_DIR:
        # The data folder is made here too, not only when a secret key is generated into it:
        # with SERVICEFIT_SECRET_KEY set, `migrate` on a new server found no folder and failed
        # with "unable to open database file".
        with contextlib.suppress(OSError):
            DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    if str(_sqlite_file) not in ("", ":memory:") and _sqlite_file.parent.is_dir():
        # An existing file keeps the mode the operator gave it; a read-only folder is skipped.
        with contextlib.suppress(OSError):
            os.close(os.open(_sqlite_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Counts failed logins (per account at an address, and wider) and refuses locked-out ones.
    "servicefit.security.throttle.LoginThrottleBackend",
    # Username and password; refused when SERVICEFIT_PASSWORD_LOGIN is off (see below).
    "servicefit.accounts.sso.PasswordBackend",
    # OpenID Connect single sign-on; does nothing unless SERVICEFIT_OIDC_CLIENT_ID is set.
    "servicefit.accounts.sso.OIDCBackend",
]
# Lockout (servicefit.security.throttle): after AXES_FAILURE_LIMIT failed logins for one account
# from one address, that account is refused at that address for the cool-off time, whatever the
# password; colleagues at the same address are not. Wider limits lock an address trying many
# accounts, or an account tried from many addresses.
AXES_FAILURE_LIMIT = env_int("SERVICEFIT_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = env_float("SERVICEFIT_LOGIN_LOCKOUT_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # the combination, not either one
AXES_HANDLER = "servicefit.security.throttle.LoginThrottleHandler"
SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT", "30")
SERVICEFIT_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("SERVICEFIT_LOGIN_ACCOUNT_FAILURE_LIMIT", "30")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "servicefit.security.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "servicefit.security.throttle.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
#: Reverse proxies in front of ServiceFit that append to X-Forwarded-For (0: none).
SERVICEFIT_PROXY_COUNT = env_int("SERVICEFIT_PROXY_COUNT", "0")
#: Staff may add an authenticator app (TOTP); with this on, admins must.
SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS = env_bool("SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS", False)
OTP_TOTP_ISSUER = env("SERVICEFIT_TOTP_ISSUER", "ServiceFit")
#: URL prefix of the Django admin; empty removes the admin from the URLs.
SERVICEFIT_ADMIN_URL = env("SERVICEFIT_ADMIN_URL", "admin/")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "backoffice:dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("da", _("Danish")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian Bokmål")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env("SERVICEFIT_TIME_ZONE", "Europe/Copenhagen")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError):
    raise ImproperlyConfigured(
        f"SERVICEFIT_TIME_ZONE={TIME_ZONE!r} is not a time zone (e.g. Europe/Copenhagen)"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("SERVICEFIT_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# WhiteNoise serves static files from the app server; with finders on, no collectstatic step
# is needed (set SERVICEFIT_STATIC_FINDERS=0 after `collectstatic` for a faster start-up).
WHITENOISE_USE_FINDERS = env_bool("SERVICEFIT_STATIC_FINDERS", True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool(
    "SERVICEFIT_SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https")
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# A back-office sign-in lasts one working day (absolute, from the login), the admin included.
SESSION_COOKIE_AGE = int(env_float("SERVICEFIT_SESSION_HOURS", "10") * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
# HTTPS behind a reverse proxy: all off by default (plain http on loopback), set in production.
SECURE_SSL_REDIRECT = env_bool("SERVICEFIT_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SERVICEFIT_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SERVICEFIT_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SERVICEFIT_HSTS_PRELOAD", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]  # the load balancer's plain-http probe
if env("SERVICEFIT_PROXY_SSL_HEADER"):
    # e.g. "X-Forwarded-Proto: https"; only behind a proxy that always sets (or strips) it.
    _header, _colon, _value = env("SERVICEFIT_PROXY_SSL_HEADER").partition(":")
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _header.strip().upper().replace("-", "_"),
        _value.strip() or "https",
    )
USE_X_FORWARDED_HOST = env_bool("SERVICEFIT_USE_X_FORWARDED_HOST", False)
#: Content-Security-Policy sent with every HTML page (servicefit.security.csp).
SERVICEFIT_CSP = env(
    "SERVICEFIT_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'",
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A file too large for memory goes to a temporary file; on a full disk that handler drops it
# and the form says so (servicefit.runtime.uploads) instead of a server error.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "servicefit.runtime.uploads.SpaceAwareTemporaryFileUploadHandler",
]

EMAIL_BACKEND = env("SERVICEFIT_EMAIL_BACKEND", "servicefit.security.mail.ConsoleEmailBackend")
EMAIL_HOST = env("SERVICEFIT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SERVICEFIT_EMAIL_PORT", "25")
EMAIL_HOST_USER = env("SERVICEFIT_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("SERVICEFIT_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("SERVICEFIT_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("SERVICEFIT_EMAIL_USE_SSL", False)  # implicit TLS, port 465
# Seconds for each SMTP step: without a limit a mail server that accepts the connection and
# never answers holds the task worker (and every scoring task queued behind it) for ever.
EMAIL_TIMEOUT = env_int("SERVICEFIT_EMAIL_TIMEOUT", "30")
DEFAULT_FROM_EMAIL = env("SERVICEFIT_FROM_EMAIL", "ServiceFit <noreply@localhost>")


# Webhooks and Greenhouse callbacks never reach loopback, private, link-local or other internal
# addresses (servicefit.security.outbound) unless listed here: comma-separated addresses,
# networks (CIDR) or host names, e.g. "10.0.5.0/24,hooks.internal".
def env_outbound_allow(name: str) -> list[str]:
    """Addresses, networks and host names; a typo (``10.0.0.0/33``) stops the start instead of
    being taken as a host name that never matches."""
    import ipaddress

    entries = env_list(name, "")
    for entry in entries:
        bare = entry.strip("[]")
        try:
            ipaddress.ip_network(bare, strict=False)
        except ValueError:
            if "/" in bare or not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\.?", bare):
                raise ImproperlyConfigured(
                    f"{name}: {entry!r} is neither an address, a network (CIDR) nor a host name"
                ) from None
    return entries


SERVICEFIT_OUTBOUND_ALLOW = env_outbound_allow("SERVICEFIT_OUTBOUND_ALLOW")

TASKS = {
    "default": {
        "BACKEND": env("SERVICEFIT_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SERVICEFIT_INVITATION_DAYS = env_int("SERVICEFIT_INVITATION_DAYS", "14")
# A reminder e-mail goes to candidates who have not submitted this many days after the
# invitation (0: no automatic reminders). Sent by the task worker.
SERVICEFIT_REMINDER_DAYS = env_int("SERVICEFIT_REMINDER_DAYS", "3")
# The thank-you page (with the candidate's feedback) stays available this many days after
# submission; afterwards the link shows the neutral "link not available" page.
SERVICEFIT_FEEDBACK_DAYS = env_int("SERVICEFIT_FEEDBACK_DAYS", "30")
# The written-reply analysis's sentence model for scoring: "lemma" (the default, no extras) or
# "e5" (the multilingual embeddings; needs the embeddings extra, about 5 times slower, better
# suggested ratings held out; see docs/written-reply-analysis.md). New scores use it.
SERVICEFIT_REPLY_MODEL = env("SERVICEFIT_REPLY_MODEL", "lemma").strip().lower()
if SERVICEFIT_REPLY_MODEL not in ("lemma", "e5"):
    raise ImproperlyConfigured(
        f"SERVICEFIT_REPLY_MODEL={SERVICEFIT_REPLY_MODEL!r} is not lemma or e5"
    )
# Dates and times in English follow en-GB ("6 December 2026, 14:05"); set "en-US" for US formats.
SERVICEFIT_ENGLISH_FORMATS = env("SERVICEFIT_ENGLISH_FORMATS", "en-GB")
if SERVICEFIT_ENGLISH_FORMATS.lower() not in ("en-gb", "en-us"):
    raise ImproperlyConfigured(
        f"SERVICEFIT_ENGLISH_FORMATS={SERVICEFIT_ENGLISH_FORMATS!r} is not en-GB or en-US"
    )
if SERVICEFIT_ENGLISH_FORMATS.lower() == "en-gb":
    FORMAT_MODULE_PATH = ["servicefit.formats"]
# Fairness and oversight (issue 13): smallest group shown in aggregates; how long the decision
# log (audit trail) is kept (EU AI Act Art. 26(6): at least six months); days a recruiter has
# to answer a candidate's request for human review.
FAIRNESS_MIN_CELL = env_int("SERVICEFIT_FAIRNESS_MIN_CELL", "5")
DECISION_LOG_RETENTION_DAYS = env_int("SERVICEFIT_DECISION_LOG_RETENTION_DAYS", "183")
REVIEW_REQUEST_DAYS = env_int("SERVICEFIT_REVIEW_REQUEST_DAYS", "14")
# How long the API keeps the first response to a create sent with an Idempotency-Key (the
# window for retries); ``purge_expired`` deletes older ones and an older key counts as new.
SERVICEFIT_API_IDEMPOTENCY_HOURS = env_int("SERVICEFIT_API_IDEMPOTENCY_HOURS", "24")
# The largest API request body (bytes); a larger one is a 413 that names this limit. Above
# DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB) Django refuses the body first.
SERVICEFIT_API_MAX_BODY_BYTES = env_int("SERVICEFIT_API_MAX_BODY_BYTES", str(64 * 1024))
SERVICEFIT_EMAIL_ATTEMPTS = env_int("SERVICEFIT_EMAIL_ATTEMPTS", "5")
# Task worker: a worker that has not written its heartbeat for this long is presumed dead and
# the tasks it was running are queued again (see servicefit.runtime.leases).
SERVICEFIT_WORKER_HEARTBEAT = env_float("SERVICEFIT_WORKER_HEARTBEAT", "5")
SERVICEFIT_WORKER_LEASE = env_float("SERVICEFIT_WORKER_LEASE", "30")
SERVICEFIT_QUEUE_ALERT_SECONDS = env_float("SERVICEFIT_QUEUE_ALERT_SECONDS", "300")

# Single sign-on for staff (OpenID Connect, mozilla-django-oidc; servicefit.accounts.sso).
# On when a client id is set. Endpoints come from the issuer's discovery document unless given.
OIDC_RP_CLIENT_ID = env("SERVICEFIT_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("SERVICEFIT_OIDC_CLIENT_SECRET")
SERVICEFIT_OIDC_ISSUER = env("SERVICEFIT_OIDC_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("SERVICEFIT_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("SERVICEFIT_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("SERVICEFIT_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("SERVICEFIT_OIDC_JWKS_URI")
OIDC_RP_SIGN_ALGO = env("SERVICEFIT_OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = env("SERVICEFIT_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_float("SERVICEFIT_OIDC_TIMEOUT", "10")
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"
SERVICEFIT_OIDC_PROVIDER_NAME = env("SERVICEFIT_OIDC_PROVIDER_NAME")  # e.g. "Microsoft Entra ID"
#: The claim that carries roles (dots for nesting) and "claim value=ServiceFit role,...".
SERVICEFIT_OIDC_ROLE_CLAIM = env("SERVICEFIT_OIDC_ROLE_CLAIM", "roles")
SERVICEFIT_OIDC_ROLE_MAP = env("SERVICEFIT_OIDC_ROLE_MAP")
#: Seconds a started sign-in may take at the provider before its state is refused.
SERVICEFIT_OIDC_STATE_MAX_AGE = env_int("SERVICEFIT_OIDC_STATE_MAX_AGE", "600")
#: Off: no password sign-in (SSO only); break-glass lets administrators use passwords anyway.
SERVICEFIT_PASSWORD_LOGIN = env_bool("SERVICEFIT_PASSWORD_LOGIN", True)
SERVICEFIT_PASSWORD_BREAK_GLASS = env_bool("SERVICEFIT_PASSWORD_BREAK_GLASS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_tokens": {"()": "servicefit.security.logs.MaskInvitationTokens"},
        "without_traceback": {"()": "servicefit.security.logs.WithoutTraceback"},
        # no e-mail address in a printed message or traceback (e.g. a failed e-mail task)
        "scrub_personal_data": {"()": "servicefit.security.scrub.ScrubPersonalData"},
    },
    "formatters": {
        # when, how bad and from where, like gunicorn's and the supervisor's lines beside them
        "line": {
            "format": "%(asctime)s [%(name)s] %(levelname)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S %z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_tokens", "scrub_personal_data"],
            "formatter": "line",
        },
    },
    "loggers": {
        # A foreign Host header: one line, not a traceback per request.
        "django.security.DisallowedHost": {"filters": ["without_traceback"]},
        # WeasyPrint logs each step of every PDF at INFO ("Step 1 - Fetching and parsing
        # HTML"): eight lines per report download in the production log.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env("SERVICEFIT_LOG_LEVEL", "INFO")},
}
