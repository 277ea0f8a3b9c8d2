"""Logins: lockout per account and per address, the second factor, session length, the admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicefit.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def login(client, username, password, address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift + offset):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


# -- throttling and lockout ------------------------------------------------------------------


def test_the_right_password_after_too_many_wrong_ones_does_not_log_in(client, recruiter):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "rita", "wrong").status_code == 200
    assert login(client, "rita", "wrong").status_code == 429  # this one locks the account
    response = login(client, "rita", "pw-rita")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "15 minutes" in html


def test_an_account_is_locked_whatever_address_the_attempts_come_from(client, recruiter):
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, "rita", "wrong", address=f"10.0.1.{i}")
    assert login(client, "rita", "pw-rita", address="10.0.2.1").status_code == 429


def test_an_address_is_locked_whatever_accounts_it_tries(client, recruiter, interviewer):
    for i in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{i}", "wrong", address="10.9.9.9")
    assert login(client, "ivo", "pw-ivo", address="10.9.9.9").status_code == 429
    # Another address still signs in.
    assert login(client, "ivo", "pw-ivo", address="10.9.9.10").status_code == 302


def test_a_successful_login_resets_the_count(client, recruiter):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "rita", "wrong")
    assert login(client, "rita", "pw-rita").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "rita", "wrong")
    assert login(client, "rita", "pw-rita").status_code == 302


@override_settings(SERVICEFIT_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_client_address_is_counted(client, recruiter):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "nobody", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other_client = client.post(
        "/login/",
        {"username": "rita", "password": "pw-rita"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert other_client.status_code == 302


def test_the_admin_login_goes_through_the_throttled_login(client, admin_user):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    posted = client.post("/admin/login/", {"username": "alice", "password": "pw-alice"})
    assert posted["Location"].startswith("/login/")  # the admin's own form takes no password
    assert "_auth_user_id" not in client.session
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "wrong")
    assert login(client, "alice", "pw-alice").status_code == 429
    assert client.get("/admin/").status_code == 302


def test_the_admin_can_be_removed_from_the_urls():
    from servicefit.urls import admin_urls

    assert [str(p.pattern) for p in admin_urls()] == ["admin/login/", "admin/"]
    with override_settings(SERVICEFIT_ADMIN_URL=""):
        assert admin_urls() == []
    with override_settings(SERVICEFIT_ADMIN_URL="/backstage/"):
        assert [str(p.pattern) for p in admin_urls()] == ["backstage/login/", "backstage/"]


# -- session length --------------------------------------------------------------------------


def test_a_sign_in_lasts_a_working_day_not_two_weeks(client, recruiter):
    assert settings.SESSION_COOKIE_AGE == 10 * 3600
    login(client, "rita", "pw-rita")
    assert client.session.get_expiry_age() == 10 * 3600
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 10 * 3600


# -- second factor ---------------------------------------------------------------------------


def test_with_an_authenticator_the_password_alone_does_not_sign_in(client, recruiter):
    device = enrolled(recruiter)
    response = login(client, "rita", "pw-rita")
    assert response.status_code == 302 and response["Location"] == "/login/verify/"
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still anonymous
    wrong = client.post(
        "/login/verify/", {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttling_failure_count = 0  # skip django-otp's 1-second back-off
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post("/login/verify/", {"code": code_for(device)})
    assert right.status_code == 302 and right["Location"] == "/"
    assert client.session["_auth_user_id"] == str(recruiter.pk)
    assert client.get("/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, recruiter):
    device = enrolled(recruiter)
    login(client, "rita", "pw-rita")
    bad = "123456" if code_for(device) != "123456" else "654321"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post("/login/verify/", {"code": bad})
    # The password step has been used up: the account is now locked.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    client.post("/login/verify/", {"code": bad})
    assert login(client, "rita", "pw-rita").status_code == 429


def test_a_session_opened_without_the_code_is_signed_out_once_an_authenticator_exists(
    client, recruiter, monkeypatch
):
    import time

    from servicefit.security import twofactor

    client.force_login(recruiter)
    assert client.get("/").status_code == 200
    enrolled(recruiter)
    later = time.time() + twofactor.RECHECK_SECONDS + 1  # re-checked at most once a minute
    monkeypatch.setattr(twofactor, "_clock", lambda: later)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_enrolling_an_authenticator_needs_one_right_code(client, recruiter):
    client.force_login(recruiter)
    page = client.get("/account/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    device = TOTPDevice.objects.get(user=recruiter, confirmed=False)
    assert client.post("/account/two-factor/", {"code": "12345"}).status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    response = client.post("/account/two-factor/", {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="account.totp_enrolled", actor=recruiter).exists()
    # The session that enrolled stays signed in (it is verified).
    assert client.get("/").status_code == 200


@override_settings(SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS=True)
def test_admins_must_enrol_when_the_setting_is_on(client, admin_user, recruiter):
    response = client.post("/login/", {"username": "alice", "password": "pw-alice"})
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/"
    assert client.get("/").status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/account/two-factor/").status_code == 200
    # Recruiters are not forced.
    client.logout()
    assert login(client, "rita", "pw-rita")["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS=True)
def test_an_admin_cannot_remove_the_required_authenticator(client, admin_user):
    device = enrolled(admin_user)
    login(client, "alice", "pw-alice")
    client.post("/login/verify/", {"code": code_for(device)})
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post("/account/two-factor/", {"action": "remove", "code": code_for(device)})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_the_code_step_expires(client, recruiter, monkeypatch):
    device = enrolled(recruiter)
    login(client, "rita", "pw-rita")
    import servicefit.security.views as views

    monkeypatch.setattr(views, "PENDING_SECONDS", -1)
    response = client.post("/login/verify/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "language,expected",
    [
        ("da", "For mange mislykkede loginforsøg"),
        ("sv", "För många misslyckade inloggningsförsök"),
        ("nb", "For mange mislykkede påloggingsforsøk"),
        ("pl", "Zbyt wiele nieudanych prób logowania"),
    ],
)
def test_the_lockout_message_is_translated(client, recruiter, language, expected):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "rita", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    response = client.post(
        "/login/", {"username": "rita", "password": "pw-rita"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 429
    assert expected in response.content.decode()
