"""The full authorization-code flow against the real provider (test client on ServiceFit's side)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from servicefit.accounts.models import SingleSignOnIdentity, User
from servicefit.audit.models import AuditEvent

from .fixtures import callback_query

pytestmark = pytest.mark.django_db


def start(client, next_url: str = "") -> str:
    response = client.get("/sso/start/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    return response["Location"]


def sign_in(client, provider, username: str, password: str, next_url: str = ""):
    back = provider.sign_in(start(client, next_url), username, password)
    assert back.startswith("http://testserver/sso/callback/?")
    return client.get(back.removeprefix("http://testserver"))


def error_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_first_sign_in_creates_the_user_with_the_mapped_role(client, sso_settings, oidc_provider):
    oidc_provider.user("nora", "nora-pw-1", "nora@example.org", "sf-recruiters", "unrelated")
    authorize = start(client)
    assert authorize.startswith(oidc_provider.issuer + "/authorize/")
    query = callback_query(authorize)
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]

    response = client.get(provider_back := oidc_provider.sign_in(authorize, "nora", "nora-pw-1"))
    assert provider_back.startswith("http://testserver/sso/callback/")
    assert response.status_code == 302 and response["Location"] == "/"

    user = User.objects.get(email="nora@example.org")
    assert user.username == "nora" and user.role == "recruiter"
    assert not user.has_usable_password()
    identity = SingleSignOnIdentity.objects.get(user=user)
    assert identity.issuer == oidc_provider.issuer and identity.subject
    assert client.get("/").status_code == 200  # signed in to the back office
    event = AuditEvent.objects.get(action="sso.login", actor=user)
    assert event.detail["created"] is True and event.detail["role"] == "recruiter"


def test_role_follows_the_claim_on_every_sign_in(client, sso_settings, oidc_provider):
    oidc_provider.user("olaf", "olaf-pw-1", "olaf@example.org", "sf-interviewers")
    sign_in(client, oidc_provider, "olaf", "olaf-pw-1")
    assert User.objects.get(username="olaf").role == "interviewer"
    client.logout()

    # Several mapped values: the one with most rights wins.
    oidc_provider.user("olaf", "olaf-pw-1", "olaf@example.org", "sf-interviewers", "sf-admins")
    sign_in(client, oidc_provider, "olaf", "olaf-pw-1")
    user = User.objects.get(username="olaf")
    assert user.role == "admin" and User.objects.filter(email="olaf@example.org").count() == 1
    event = AuditEvent.objects.filter(action="sso.login", actor=user).latest("id")
    assert event.detail["previous_role"] == "interviewer" and event.detail["created"] is False


def test_sign_in_without_a_mapped_role_is_refused(client, sso_settings, oidc_provider):
    oidc_provider.user("pia", "pia-pw-1", "pia@example.org", "marketing")
    response = sign_in(client, oidc_provider, "pia", "pia-pw-1")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert "has no ServiceFit role" in " ".join(error_messages(response))
    assert not User.objects.filter(email="pia@example.org").exists()
    assert client.get("/").status_code == 302  # not signed in
    refusal = AuditEvent.objects.get(action="sso.refused")
    assert refusal.detail["reason"] == "no mapped role" and refusal.detail["claim_values"] == [
        "marketing"
    ]


def test_losing_the_role_locks_out_an_existing_account(client, sso_settings, oidc_provider):
    oidc_provider.user("quinn", "quinn-pw-1", "quinn@example.org", "sf-recruiters")
    sign_in(client, oidc_provider, "quinn", "quinn-pw-1")
    client.logout()
    oidc_provider.user("quinn", "quinn-pw-1", "quinn@example.org")
    response = sign_in(client, oidc_provider, "quinn", "quinn-pw-1")
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302
    assert User.objects.get(username="quinn").role == "recruiter"  # unchanged, but refused


def test_refusal_message_is_translated(client, sso_settings, oidc_provider):
    oidc_provider.user("rolf", "rolf-pw-1", "rolf@example.org")
    client.cookies["django_language"] = "da"
    response = sign_in(client, oidc_provider, "rolf", "rolf-pw-1")
    text = " ".join(error_messages(response))
    assert "Test IdP" in text and "has no ServiceFit role" not in text


def test_tampered_state_is_refused(client, sso_settings, oidc_provider):
    oidc_provider.user("sara", "sara-pw-1", "sara@example.org", "sf-admins")
    back = oidc_provider.sign_in(start(client), "sara", "sara-pw-1")
    query = callback_query(back)
    response = client.get("/sso/callback/", {"code": query["code"], "state": query["state"] + "x"})
    assert response["Location"] == "/login/"
    assert "expired or is not valid" in " ".join(error_messages(response))
    assert not User.objects.filter(email="sara@example.org").exists()
    assert not AuditEvent.objects.filter(action="sso.refused").exists()  # only logged


def test_expired_state_is_refused(client, sso_settings, oidc_provider):
    oidc_provider.user("tove", "tove-pw-1", "tove@example.org", "sf-admins")
    back = oidc_provider.sign_in(start(client), "tove", "tove-pw-1")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["added_on"] -= sso_settings.SERVICEFIT_OIDC_STATE_MAX_AGE + 1
    session.save()
    response = client.get(back.removeprefix("http://testserver"))
    assert response["Location"] == "/login/"
    assert not User.objects.filter(email="tove@example.org").exists()
    assert AuditEvent.objects.get(action="sso.refused").detail["reason"] == "expired state"
    # The expired state is used up: the same callback cannot be retried.
    assert "oidc_states" not in client.session or not client.session["oidc_states"]


def test_tampered_nonce_is_refused(client, sso_settings, oidc_provider):
    """The ID token carries the nonce sent at the start; a different stored one must fail."""
    oidc_provider.user("uma", "uma-pw-1", "uma@example.org", "sf-admins")
    back = oidc_provider.sign_in(start(client), "uma", "uma-pw-1")
    session = client.session
    for entry in session["oidc_states"].values():
        entry["nonce"] = "not-the-nonce-sent"
    session.save()
    response = client.get(back.removeprefix("http://testserver"))
    assert response["Location"] == "/login/"
    assert "could not be verified" in " ".join(error_messages(response))
    assert not User.objects.filter(email="uma@example.org").exists()
    reasons = [event.detail["reason"] for event in AuditEvent.objects.filter(action="sso.refused")]
    assert reasons == ["JWT Nonce verification failed."]


def test_a_replayed_callback_is_refused(client, sso_settings, oidc_provider):
    oidc_provider.user("vera", "vera-pw-1", "vera@example.org", "sf-recruiters")
    back = oidc_provider.sign_in(start(client), "vera", "vera-pw-1")
    assert client.get(back.removeprefix("http://testserver"))["Location"] == "/"
    client.logout()
    assert client.get(back.removeprefix("http://testserver"))["Location"] == "/login/"


def test_wrong_client_secret_is_refused_without_an_account(client, sso_settings, oidc_provider):
    oidc_provider.user("walt", "walt-pw-1", "walt@example.org", "sf-recruiters")
    sso_settings.OIDC_RP_CLIENT_SECRET = "wrong"
    response = sign_in(client, oidc_provider, "walt", "walt-pw-1")
    assert response["Location"] == "/login/"
    assert "could not be reached" in " ".join(error_messages(response))
    assert not User.objects.filter(email="walt@example.org").exists()


def test_sso_pages_are_404_when_not_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert client.get("/sso/start/").status_code == 404
    assert client.get("/sso/callback/?code=x&state=y").status_code == 404
    assert b"sso-sign-in" not in client.get("/login/").content


def test_an_sso_session_needs_no_servicefit_authenticator(client, sso_settings, oidc_provider):
    """The provider owns the second factor: SSO admins are neither sent to enrol nor signed out."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sso_settings.SERVICEFIT_REQUIRE_TOTP_FOR_ADMINS = True
    oidc_provider.user("zack", "zack-pw-1", "zack@example.org", "sf-admins")
    sign_in(client, oidc_provider, "zack", "zack-pw-1")
    assert client.get("/").status_code == 200
    TOTPDevice.objects.create(user=User.objects.get(username="zack"), name="app", confirmed=True)
    assert client.get("/").status_code == 200
