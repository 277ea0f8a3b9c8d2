"""Logins: lockout per account at an address (wider limits per address and per account), the
second factor, session length, the admin."""

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


def test_a_locked_account_does_not_lock_out_colleagues_at_the_same_address(
    client, recruiter, interviewer
):
    """One office behind one NAT address: Rita's typos must not keep Ivo out."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "rita", "wrong", address="192.0.2.10")
    assert login(client, "rita", "pw-rita", address="192.0.2.10").status_code == 429
    assert login(client, "ivo", "pw-ivo", address="192.0.2.10").status_code == 302


def test_a_locked_account_still_signs_in_from_another_address(client, recruiter):
    """The lockout is per account and address: a guesser elsewhere cannot lock Rita out."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "rita", "wrong", address="198.51.100.7")
    assert login(client, "rita", "pw-rita", address="198.51.100.7").status_code == 429
    assert login(client, "rita", "pw-rita", address="192.0.2.10").status_code == 302


@override_settings(SERVICEFIT_LOGIN_ACCOUNT_FAILURE_LIMIT=8)
def test_an_account_tried_from_many_addresses_is_locked_everywhere(client, recruiter):
    for i in range(8):  # two addresses' worth, under the per-address-and-account limit each
        login(client, "rita", "wrong", address=f"10.0.1.{i % 2}")
    assert login(client, "rita", "pw-rita", address="10.0.2.1").status_code == 429


@override_settings(SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT=8)
def test_an_address_trying_many_accounts_is_locked_for_every_account(
    client, recruiter, interviewer
):
    for i in range(7):
        assert login(client, f"guess{i}", "wrong", address="10.9.9.9").status_code == 200
    # the eighth failure reaches the address's limit: refused with the lockout page at once
    assert login(client, "guess7", "wrong", address="10.9.9.9").status_code == 429
    assert login(client, "ivo", "pw-ivo", address="10.9.9.9").status_code == 429
    # Another address still signs in.
    assert login(client, "ivo", "pw-ivo", address="10.9.9.10").status_code == 302


def test_the_wider_limits_default_above_the_account_and_address_limit():
    assert settings.SERVICEFIT_LOGIN_ADDRESS_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert settings.SERVICEFIT_LOGIN_ACCOUNT_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


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
    def via_proxy(password, forwarded_for):
        return client.post(
            "/login/",
            {"username": "rita", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        via_proxy("x", "203.0.113.7")
    assert via_proxy("pw-rita", "203.0.113.7").status_code == 429
    assert via_proxy("pw-rita", "203.0.113.8").status_code == 302  # not the proxy's address


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
        client.post("/login/verify/", {"code": bad}, REMOTE_ADDR="10.0.0.1")
    # The password step has been used up: the account is now locked (at this address).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    client.post("/login/verify/", {"code": bad}, REMOTE_ADDR="10.0.0.1")
    assert login(client, "rita", "pw-rita").status_code == 429


def test_setting_up_an_authenticator_ends_the_users_other_sessions(client, recruiter, interviewer):
    from django.test import Client

    elsewhere, colleague = Client(), Client()
    elsewhere.force_login(recruiter)  # e.g. a stolen password, used before the enrolment
    colleague.force_login(interviewer)
    client.force_login(recruiter)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=recruiter, confirmed=False)
    assert client.post("/account/two-factor/", {"code": code_for(device)}).status_code == 302
    response = elsewhere.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/").status_code == 200  # the session that enrolled is verified
    assert colleague.get("/interviews/").status_code == 200  # other users keep theirs


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
