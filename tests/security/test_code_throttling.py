"""django-otp's back-off after a wrong authenticator code is reported as a wait, not a wrong code.

After each wrong code django-otp checks no code for 1, 2, 4 ... seconds. A right code typed in
that time used to be answered with "That code is not right".
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicefit.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

NOT_RIGHT = "That code is not right"
WAIT = re.compile(
    r"Wait (\d+) seconds before the next try \(each wrong code makes the wait longer\)\."
)


@pytest.fixture(autouse=True)
def slow_back_off(settings):
    """30, 60 ... seconds instead of 1, 2 ...: a slow test machine cannot outwait the back-off."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 30


def waited(html: str) -> int:
    match = WAIT.search(html)
    assert match, "no 'Wait N seconds' message"
    assert "Too many" not in html  # one wrong code is not "too many tries"
    return int(match.group(1))


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def back_off_passes(device: TOTPDevice) -> None:
    """Move the last failure back in time, as if the user had waited."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )


def failures() -> int:
    return sum(a.failures_since_start for a in AccessAttempt.objects.all())


def start_login(client, user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    response = client.post("/login/", {"username": "rita", "password": "pw-rita"})
    assert response["Location"] == "/login/verify/"
    return device


def test_a_right_code_too_soon_after_a_wrong_one_says_to_wait(client, recruiter):
    device = start_login(client, recruiter)
    assert NOT_RIGHT in client.post("/login/verify/", {"code": wrong_code(device)}).content.decode()
    assert failures() == 1
    response = client.post("/login/verify/", {"code": code_for(device)})
    html = response.content.decode()
    assert response.status_code == 400
    assert 20 <= waited(html) <= 30
    assert NOT_RIGHT not in html
    assert "_auth_user_id" not in client.session
    assert failures() == 1  # no code was checked: the try does not count towards the lockout
    back_off_passes(device)
    response = client.post("/login/verify/", {"code": code_for(device)})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(recruiter.pk)


def test_the_wait_grows_with_each_wrong_code(client, recruiter):
    device = start_login(client, recruiter)
    client.post("/login/verify/", {"code": wrong_code(device)})
    back_off_passes(device)
    client.post("/login/verify/", {"code": wrong_code(device)})
    html = client.post("/login/verify/", {"code": code_for(device)}).content.decode()
    assert 50 <= waited(html) <= 60


def test_the_wait_is_translated(client, recruiter):
    device = start_login(client, recruiter)
    client.post("/login/verify/", {"code": wrong_code(device)})
    html = client.post(
        "/login/verify/", {"code": code_for(device)}, HTTP_ACCEPT_LANGUAGE="da"
    ).content.decode()
    assert re.search(r"Vent \d+ sekunder før næste forsøg", html)


@pytest.mark.parametrize(
    ("language", "seconds", "text"),
    [
        ("en", 1, "Wait 1 second before the next try (each wrong code makes the wait longer)."),
        ("da", 1, "Vent 1 sekund før næste forsøg (hver forkert kode gør ventetiden længere)."),
        ("sv", 2, "Vänta 2 sekunder före nästa försök (varje felaktig kod gör väntetiden längre)."),
        ("nb", 4, "Vent 4 sekunder før neste forsøk (hver feil kode gjør ventetiden lengre)."),
        (
            "pl",
            2,
            "Odczekaj 2 sekundy przed następną próbą (każdy błędny kod wydłuża czas oczekiwania).",
        ),
        (
            "pl",
            8,
            "Odczekaj 8 sekund przed następną próbą (każdy błędny kod wydłuża czas oczekiwania).",
        ),
    ],
)
def test_the_wait_message_in_every_language(language, seconds, text):
    from servicefit.security.twofactor import wait_message

    with translation.override(language):
        assert wait_message(seconds) == text


def test_setting_up_an_authenticator_says_to_wait_after_a_wrong_code(client, recruiter):
    client.force_login(recruiter)
    client.get("/account/two-factor/")
    device = TOTPDevice.objects.get(user=recruiter, confirmed=False)
    wrong = client.post("/account/two-factor/", {"code": wrong_code(device)}).content.decode()
    assert NOT_RIGHT in wrong
    html = client.post("/account/two-factor/", {"code": code_for(device)}).content.decode()
    assert 20 <= waited(html) <= 30 and NOT_RIGHT not in html
    device.refresh_from_db()
    assert not device.confirmed
    back_off_passes(device)
    assert client.post("/account/two-factor/", {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_removing_an_authenticator_says_to_wait_after_a_wrong_code(client, recruiter):
    device = TOTPDevice.objects.create(user=recruiter, name="authenticator", confirmed=True)
    client.force_login(recruiter)
    remove = {"action": "remove"}
    assert (
        NOT_RIGHT
        in client.post(
            "/account/two-factor/", {**remove, "code": wrong_code(device)}
        ).content.decode()
    )
    html = client.post(
        "/account/two-factor/", {**remove, "code": code_for(device)}
    ).content.decode()
    assert 20 <= waited(html) <= 30
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    back_off_passes(device)
    client.post("/account/two-factor/", {**remove, "code": code_for(device)})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action="account.totp_removed").exists()


USED = "That code was used already: wait for the next one."


def test_a_code_used_already_says_to_wait_for_the_next_one(client, recruiter):
    device = start_login(client, recruiter)
    code = code_for(device)
    assert client.post("/login/verify/", {"code": code}).status_code == 302
    client.logout()
    client.post("/login/", {"username": "rita", "password": "pw-rita"})
    html = client.post("/login/verify/", {"code": code}).content.decode()
    assert USED in html and NOT_RIGHT not in html
    assert "_auth_user_id" not in client.session
    back_off_passes(device)
    html = client.post("/login/verify/", {"code": wrong_code(device)}).content.decode()
    assert NOT_RIGHT in html and USED not in html


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("da", "Den kode er allerede brugt: vent på den næste."),
        ("sv", "Den koden har redan använts: vänta på nästa."),
        ("nb", "Den koden er allerede brukt: vent på den neste."),
        ("pl", "Ten kod został już użyty: poczekaj na następny."),
    ],
)
def test_the_used_code_message_is_translated(recruiter, language, text):
    from servicefit.security.twofactor import wrong_code_message

    device = TOTPDevice.objects.create(user=recruiter, name="authenticator", confirmed=True)
    code = code_for(device)
    assert device.verify_token(code)
    with translation.override(language):
        assert wrong_code_message(device, code) == text
