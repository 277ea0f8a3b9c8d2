"""`servicefit manage check --deploy` names the SERVICEFIT_ variables (QA cli #13)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def deploy_check() -> str:
    """The check's report (an error elsewhere, e.g. async.E001 after a browser test, raises)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("check", "--deploy", stdout=out, stderr=err)
    except SystemCheckError as exc:
        return str(exc)
    return out.getvalue() + err.getvalue()


def test_each_django_deploy_warning_gets_the_variable_to_set(settings):
    settings.SECURE_HSTS_SECONDS = 0
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.DEBUG = False
    text = deploy_check()
    assert "security.W004" in text and "set SERVICEFIT_HSTS_SECONDS" in text
    assert "set SERVICEFIT_SSL_REDIRECT=1" in text
    assert "an https SERVICEFIT_SITE_URL, or SERVICEFIT_SECURE_COOKIES=1" in text
    assert "SERVICEFIT_DEBUG=0" not in text


def test_no_hint_when_the_production_variables_are_set(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECRET_KEY = "k" * 20 + "-a-long-random-key-0123456789abcdefghij"
    settings.DEBUG = False
    assert "servicefit.I002" not in deploy_check()


@pytest.fixture(autouse=True)
def _quiet_other_checks(settings):
    settings.SILENCED_SYSTEM_CHECKS = [*settings.SILENCED_SYSTEM_CHECKS, "servicefit.W001"]


@pytest.mark.django_db
def test_demo_accounts_with_the_demo_password_are_a_deploy_warning(settings):
    from servicefit.cli import main

    settings.DEBUG = False
    assert "servicefit.W004" not in deploy_check()
    assert main(["demo", "--candidates", "0"]) == 0
    text = deploy_check()
    assert "servicefit.W004" in text and "demo accounts admin, interviewer" in text
    settings.DEBUG = True
    assert "servicefit.W004" not in deploy_check()


def test_a_site_url_that_the_allowed_hosts_refuse_is_named(settings):
    """Every e-mailed link would answer 400: the most likely slip in a first deployment."""
    settings.ALLOWED_HOSTS = ["hiring.example.com"]
    settings.SITE_URL = "https://jobs.example.com"
    text = deploy_check()
    assert "servicefit.W005" in text and "https://jobs.example.com" in text


def test_links_to_this_machine_in_real_e_mails_are_named(settings):
    settings.ALLOWED_HOSTS = ["hiring.example.com", "127.0.0.1"]
    settings.SITE_URL = "http://127.0.0.1:8000"  # the default, forgotten
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    text = deploy_check()
    assert "servicefit.W006" in text and "servicefit.W005" not in text


def test_a_public_site_url_among_the_allowed_hosts_passes(settings):
    settings.ALLOWED_HOSTS = ["hiring.example.com"]
    settings.SITE_URL = "https://hiring.example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    text = deploy_check()
    assert "servicefit.W005" not in text and "servicefit.W006" not in text


def test_the_other_django_deploy_warnings_get_their_variables_too(settings):
    """HSTS without its flags (the advised short start), no host, a short key: each Django
    warning names a Django setting; the hint beside it names what an operator can set."""
    settings.SECURE_HSTS_SECONDS = 300
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    settings.SECURE_HSTS_PRELOAD = False
    settings.ALLOWED_HOSTS = []
    settings.SECRET_KEY = "short"
    settings.SECRET_KEY_FALLBACKS = ["old"]
    text = deploy_check()
    for django_check, variable in (
        ("security.W005", "set SERVICEFIT_HSTS_INCLUDE_SUBDOMAINS=1"),
        ("security.W021", "set SERVICEFIT_HSTS_PRELOAD=1"),
        ("security.W020", "set SERVICEFIT_ALLOWED_HOSTS"),
        ("security.W009", "set SERVICEFIT_SECRET_KEY (or SERVICEFIT_SECRET_KEY_FILE)"),
        ("security.W025", "set SERVICEFIT_SECRET_KEY_FALLBACKS"),
    ):
        assert django_check in text and variable in text, django_check
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.ALLOWED_HOSTS = ["hiring.example.com"]
    settings.SECRET_KEY = "k" * 20 + "-a-long-random-key-0123456789abcdefghij"
    settings.SECRET_KEY_FALLBACKS = []
    text = deploy_check()
    for variable in ("HSTS_INCLUDE", "HSTS_PRELOAD", "ALLOWED_HOSTS", "SECRET_KEY"):
        assert f"set SERVICEFIT_{variable}" not in text, variable


def test_behind_a_proxy_the_lockout_must_count_the_clients_address(settings):
    """Measured: with the proxy header set and no proxy count, 30 failed sign-ins from 30
    addresses locked the administrator out at a 31st (every sign-in came from the proxy)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SERVICEFIT_PROXY_COUNT = 0
    text = deploy_check()
    assert "servicefit.W007" in text and "Set SERVICEFIT_PROXY_COUNT" in text
    settings.SERVICEFIT_PROXY_COUNT = 1
    assert "servicefit.W007" not in deploy_check()
    settings.SECURE_PROXY_SSL_HEADER = None  # no proxy: nothing to count
    settings.SERVICEFIT_PROXY_COUNT = 0
    assert "servicefit.W007" not in deploy_check()


def test_collected_static_files_must_be_this_releases(settings, tmp_path):
    """Measured: a restore into a new data folder with SERVICEFIT_STATIC_FINDERS=0 served the
    pages without their stylesheet (404) and nothing said so."""
    from django.core.management import call_command

    from servicefit.checks import check_collected_static

    settings.WHITENOISE_USE_FINDERS = False
    settings.STATIC_ROOT = tmp_path / "static"
    (problem,) = check_collected_static()
    assert problem.id == "servicefit.W008" and "missing" in problem.msg
    assert "servicefit manage collectstatic --no-input" in problem.hint
    call_command("collectstatic", "--no-input", verbosity=0)
    assert check_collected_static() == []
    stylesheet = tmp_path / "static" / "servicefit" / "servicefit.css"
    stylesheet.write_text("/* the last release's */", encoding="utf-8")  # an upgrade
    (problem,) = check_collected_static()
    assert "1 out of date" in problem.msg and "servicefit/servicefit.css" in problem.msg
    settings.WHITENOISE_USE_FINDERS = True  # served from the package: nothing to collect
    stylesheet.unlink()
    assert check_collected_static() == []
