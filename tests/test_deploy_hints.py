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
