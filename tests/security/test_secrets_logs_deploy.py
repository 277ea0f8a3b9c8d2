"""Secrets, logs and deployment settings (issue 9: secrets and logs, deploy)."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings

from servicefit.assessments.emails import send_invitation
from servicefit.candidates.services import add_candidate
from servicefit.security.logs import MaskInvitationTokens, mask_tokens

ROOT = Path(__file__).resolve().parents[2]
SERVICEFIT = Path(sys.executable).with_name("servicefit")

#: The production settings documented in docs/operations.md ("Production settings").
PRODUCTION_ENV = {
    "SERVICEFIT_SECRET_KEY": "k" * 20 + "-production-secret-from-the-vault-0123456789",
    "SERVICEFIT_ALLOWED_HOSTS": "hiring.example.com",
    "SERVICEFIT_SITE_URL": "https://hiring.example.com",
    "SERVICEFIT_CSRF_TRUSTED_ORIGINS": "https://hiring.example.com",
    "SERVICEFIT_SSL_REDIRECT": "1",
    "SERVICEFIT_HSTS_SECONDS": "31536000",
    "SERVICEFIT_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SERVICEFIT_HSTS_PRELOAD": "1",
    "SERVICEFIT_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
    "SERVICEFIT_PROXY_COUNT": "1",
    "SERVICEFIT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SERVICEFIT_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(HOME=str(tmp_path / "home"), SERVICEFIT_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def _check_deploy(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SERVICEFIT), "manage", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- secrets ---------------------------------------------------------------------------------


def test_no_secret_key_is_shipped_in_the_package_or_tracked_by_git():
    assert not list((ROOT / "src").rglob("secret_key"))
    tracked = subprocess.run(
        ["git", "ls-files", "*secret_key*"], cwd=ROOT, capture_output=True, text=True
    )
    if tracked.returncode == 0:  # a git checkout (CI's clone is one)
        assert tracked.stdout.strip() == ""


def test_the_default_data_directory_does_not_depend_on_the_current_folder(tmp_path):
    env = _clean_env(tmp_path)
    del env["SERVICEFIT_DATA_DIR"]
    env.pop("XDG_DATA_HOME", None)
    code = "from servicefit import settings; print(settings.DATA_DIR)"
    outputs = set()
    for folder in ("a", "b"):
        cwd = tmp_path / folder
        cwd.mkdir()
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout.strip())
        assert not any(cwd.iterdir()), "nothing may be written into the current folder"
    assert outputs == {str(tmp_path / "home" / ".local" / "share" / "servicefit")}


# -- logs ------------------------------------------------------------------------------------


TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3ODkwYWJjZGVm"


def test_mask_tokens_hides_every_candidate_link():
    line = f'"GET /a/{TOKEN}/p/sjt-1/?x=1 HTTP/1.1" 200 and https://h.example/a/{TOKEN}/'
    masked = mask_tokens(line)
    assert TOKEN not in masked
    assert '"GET /a/…/p/sjt-1/?x=1 HTTP/1.1" 200' in masked


def test_the_development_server_access_log_is_masked():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /a/{TOKEN}/ HTTP/1.1", "200", "512"),
        None,
    )
    assert MaskInvitationTokens().filter(record)
    assert TOKEN not in record.getMessage()


@pytest.mark.django_db
def test_not_found_logs_carry_no_token(client):
    """A 404 under a candidate link is logged by django.request without the token."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get(f"/a/{TOKEN}/no-such-page/")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    logged = stream.getvalue()
    assert "Not Found" in logged
    assert "/a/…" in logged
    assert TOKEN not in logged


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_the_console_mail_backend_prints_no_link_or_personal_data_outside_debug(
    job, recruiter, capsys, debug, django_capture_on_commit_callbacks
):
    candidate = add_candidate(job=job, name="Mette Holm", email="mette@example.com")
    with (
        override_settings(
            EMAIL_BACKEND="servicefit.security.mail.ConsoleEmailBackend", DEBUG=debug
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_invitation(candidate=candidate, sent_by=recruiter)  # the task mails after commit
    printed = capsys.readouterr().out
    personal = ("/a/", "mette@example.com", "Mette Holm")
    if debug:
        assert all(secret in printed for secret in personal)  # the developer sees it all
    else:
        assert "not delivered" in printed
        assert not any(secret in printed for secret in personal)
    assert mail.outbox == []


# -- deploy ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_check_deploy_with_the_documented_production_settings_prints_no_warning(tmp_path):
    result = _check_deploy(tmp_path, _clean_env(tmp_path, **PRODUCTION_ENV))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.strip() == ""
    assert "System check identified no issues" in result.stdout


def test_the_documented_production_settings_are_the_ones_tested():
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name, value in PRODUCTION_ENV.items():
        if name == "SERVICEFIT_SECRET_KEY":
            assert name in operations
        else:
            assert f"{name}={value}" in operations or f'{name}="{value}"' in operations, name


@pytest.mark.slow
def test_check_deploy_warns_when_https_is_not_configured(tmp_path):
    env = _clean_env(tmp_path, SERVICEFIT_SECRET_KEY=PRODUCTION_ENV["SERVICEFIT_SECRET_KEY"])
    result = _check_deploy(tmp_path, env)
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012"):
        assert check in result.stderr + result.stdout


@pytest.mark.django_db
def test_html_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-eval'" not in policy


def test_templates_have_no_inline_scripts_or_event_handlers():
    import re

    offenders = []
    for template in (ROOT / "src" / "servicefit" / "templates").rglob("*.html"):
        if template.name.endswith("_pdf.html"):  # rendered to PDF on the server, never served
            continue
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text):
            offenders.append(f"{template.name}: inline script/style element")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            offenders.append(f"{template.name}: inline event handler")
    assert offenders == []


@override_settings(SECURE_HSTS_SECONDS=0)
def test_https_settings_come_from_the_environment(tmp_path):
    code = (
        "from servicefit import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_AGE)"
    )
    env = _clean_env(tmp_path, **PRODUCTION_ENV, SERVICEFIT_SESSION_HOURS="8")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
        "28800",
    ]


def _console_handler() -> logging.Handler:
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, MaskInvitationTokens) for f in h.filters)
    ]
    return handler


def test_a_log_line_says_when_how_bad_and_from_where():
    """Worker and web log lines carry a time with its offset, the logger and the level."""
    record = logging.LogRecord(
        "servicefit.assessments.emails", logging.WARNING, __file__, 1, "e-mail failed", None, None
    )
    line = _console_handler().format(record)
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \[servicefit\.assessments\.emails\] "
        r"WARNING e-mail failed",
        line,
    ), line


def test_the_supervisors_lines_carry_the_utc_offset_too():
    """`servicefit serve` logs in the system's zone, its children in SERVICEFIT_TIME_ZONE."""
    from servicefit.runtime.supervisor import LOG_DATE_FORMAT, LOG_FORMAT

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "starting web", None, None)
    line = logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT).format(record)
    assert re.fullmatch(r"\S+ \S+ [+-]\d{4} \[servicefit serve\] INFO starting web", line), line


def test_a_pdf_download_does_not_log_weasyprint_steps():
    assert not logging.getLogger("weasyprint").isEnabledFor(logging.INFO)
