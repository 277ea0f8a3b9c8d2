"""In a real browser: lockout message, two-step sign-in, correcting a candidate, htmx under the CSP."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicefit.assessments.models import Answer
from servicefit.assessments.services import create_invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return messages


def fill_login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form[action='/login/'] button[type=submit]")


def code_from_key(shown_key: str) -> str:
    """What an authenticator app shows now for the key typed in from the page."""
    compact = shown_key.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return f"{totp(key, t0=0, step=30, digits=6):06d}"


def test_repeated_wrong_passwords_lock_the_account_with_a_message(desktop, live_server, recruiter):
    page = desktop
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fill_login(page, live_server, "rita", "not-my-password")
    fill_login(page, live_server, "rita", "pw-rita")
    alert = page.locator("#lockout")
    assert "Too many failed sign-in attempts" in alert.inner_text()
    assert page.url.endswith("/login/")
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url  # still signed out


def test_staff_set_up_an_authenticator_and_then_sign_in_with_it(desktop, live_server, recruiter):
    page = desktop
    violations = csp_violations(page)
    fill_login(page, live_server, "rita", "pw-rita")
    with page.expect_navigation():
        page.click("#account-link")  # the user name in the header
    with page.expect_navigation():
        page.click("#two-factor-link")
    assert page.locator(".qr svg").count() == 1
    shown_key = page.locator("#totp-secret").inner_text()
    enrolled_step = int(time.time()) // 30
    page.fill("#id_code", code_from_key(shown_key))
    with page.expect_navigation():
        form(page, "two-factor-enable").locator("button[type=submit]").click()
    assert TOTPDevice.objects.get(user=recruiter).confirmed
    assert "Your authenticator app is set up" in page.content()

    with page.expect_navigation():
        page.click("form[action='/logout/'] button[type=submit]")
    fill_login(page, live_server, "rita", "pw-rita")
    assert page.url.endswith("/login/verify/")
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url  # the password alone did not sign in
    fill_login(page, live_server, "rita", "pw-rita")
    page.fill("#id_code", "000000" if code_from_key(shown_key) != "000000" else "111111")
    with page.expect_navigation():
        form(page, "login-verify").locator("button[type=submit]").click()
    assert "That code is not right" in page.content()
    time.sleep(1.1)  # django-otp's back-off after one wrong code
    while int(time.time()) // 30 <= enrolled_step:  # a code is good once: wait for a new one
        time.sleep(0.5)
    page.fill("#id_code", code_from_key(shown_key))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").first.inner_text()

    # removing the app takes a current code too (a new one: each code is good once)
    signed_in_step = int(time.time()) // 30
    page.goto(f"{live_server.url}/account/two-factor/")
    while int(time.time()) // 30 <= signed_in_step:
        time.sleep(0.5)
    page.fill("#id_code", code_from_key(shown_key))
    with page.expect_navigation():
        form(page, "two-factor-remove").locator("button[type=submit]").click()
    assert not TOTPDevice.objects.filter(user=recruiter, confirmed=True).exists()
    assert violations == []


def test_staff_change_their_password_and_sign_in_with_the_new_one(desktop, live_server, recruiter):
    page = desktop
    violations = csp_violations(page)
    fill_login(page, live_server, "rita", "pw-rita")
    with page.expect_navigation():
        page.click("#account-link")
    assert page.url == f"{live_server.url}/account/"
    change = form(page, "password-change")
    change.locator("#id_old_password").fill("pw-rita")
    change.locator("#id_new_password1").fill("Harbour-lantern-47")
    change.locator("#id_new_password2").fill("Harbour-lantern-47")
    with page.expect_navigation():
        change.locator("button[type=submit]").click()
    assert "Your password was changed." in page.content()
    assert page.url == f"{live_server.url}/account/"  # still signed in
    recruiter.refresh_from_db()
    assert recruiter.check_password("Harbour-lantern-47")
    assert AuditEvent.objects.filter(action="account.password_changed", actor=recruiter).exists()

    with page.expect_navigation():
        page.click("form[action='/logout/'] button[type=submit]")
    fill_login(page, live_server, "rita", "pw-rita")
    assert page.url.endswith("/login/")  # the old password no longer works
    fill_login(page, live_server, "rita", "Harbour-lantern-47")
    assert page.url == f"{live_server.url}/"
    assert violations == []


def test_a_recruiter_corrects_a_candidates_details(desktop, live_server, recruiter):
    job = create_job_from_template(
        title="Chat agent", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Ana Brg", email="ana@exmaple.com")
    page = desktop
    violations = csp_violations(page)
    fill_login(page, live_server, "rita", "pw-rita")
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Edit details").click()
    page.fill("#id_name", "Anna Berg")
    page.fill("#id_email", "anna@example.com")
    page.select_option("#id_language", "da")
    page.fill("#id_extra_time_percent", "25")
    page.fill("#id_reason", "Typo in the application form; asked for extra time")
    with page.expect_navigation():
        form(page, "candidate-edit").locator("button[type=submit]").click()
    assert page.locator("h1").first.inner_text() == "Anna Berg"
    stored = Candidate.objects.get(pk=candidate.pk)
    assert (stored.name, stored.email) == ("Anna Berg", "anna@example.com")
    assert (stored.language, stored.extra_time_percent) == ("da", 25)
    event = AuditEvent.objects.get(action="candidate.updated")
    assert event.detail["fields"] == ["name", "email", "language", "extra_time_percent"]
    assert event.actor == recruiter
    assert violations == []


def test_htmx_autosave_works_under_the_content_security_policy(desktop, live_server):
    job = create_job_from_template(title="Support", template_id="phone_support", created_by=None)
    candidate = add_candidate(job=job, name="Mads", email="mads@example.com")
    token = create_invitation(candidate=candidate, created_by=None).token
    page = desktop
    violations = csp_violations(page)
    response = page.goto(f"{live_server.url}/a/{token}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("input[name=consent]").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    with page.expect_navigation(wait_until="load"):
        page.locator("a.button.primary").click()
    first = page.locator("fieldset").first
    first.locator('input[type=radio][value="4"]').check()
    first.locator(".saved-indicator").filter(has_text=re.compile(r"\d\d:\d\d")).wait_for()
    assert Answer.objects.filter(session__candidate=candidate, value=4).count() == 1
    assert violations == []


LONG_EMAIL = "kontakt." + "a" * 240 + "@example.com"  # 260 characters: over the 254 limit


@pytest.mark.parametrize("form_id", ["candidate-add", "candidate-edit"])
def test_a_pasted_over_long_email_is_an_error_not_silently_cut(
    recruiter_page, live_server, recruiter, form_id
):
    """The browser must not cut a pasted address at 254 characters without a word (the cut
    address would be stored, wrong); the form says it is too long and stores nothing."""
    job = create_job_from_template(title="Support", template_id="phone_support", created_by=None)
    page = recruiter_page
    if form_id == "candidate-add":
        page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/new/")
        page.fill("#id_name", "Kim Long")
        page.uncheck("#id_send_invitation")
    else:
        candidate = add_candidate(job=job, name="Kim Long", email="kim@example.com")
        page.goto(f"{live_server.url}/candidates/{candidate.pk}/edit/")
        page.fill("#id_email", "")
    page.focus("#id_email")
    page.keyboard.insert_text(LONG_EMAIL)  # as a paste: the browser applies maxlength
    assert page.input_value("#id_email") == LONG_EMAIL
    with page.expect_navigation():
        form(page, form_id).locator("button[type=submit]").click()
    error = page.locator("#id_email_error, .errorlist").first.inner_text()
    assert "at most 254 characters" in error and "it has 260" in error
    emails = set(Candidate.objects.values_list("email", flat=True))
    assert emails <= {"kim@example.com"}
