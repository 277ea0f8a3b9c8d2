"""The account page: changing one's own password, and SSO users told where theirs is managed."""

from __future__ import annotations

import pytest

from servicefit.accounts.models import User
from servicefit.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def change(client, old: str, new: str, again: str | None = None):
    return client.post(
        "/account/",
        {
            "old_password": old,
            "new_password1": new,
            "new_password2": new if again is None else again,
        },
    )


def test_the_user_menu_leads_to_the_account_page(client, recruiter):
    client.force_login(recruiter)
    page = client.get("/").content.decode()
    assert 'href="/account/"' in page
    account = client.get("/account/").content.decode()
    assert 'data-form="password-change"' in account
    assert 'href="/account/two-factor/"' in account


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_user_changes_the_password_and_stays_signed_in(client, recruiter):
    client.force_login(recruiter)
    response = change(client, "pw-rita", "Harbour-lantern-47")
    assert response.status_code == 302 and response["Location"] == "/account/"
    recruiter.refresh_from_db()
    assert recruiter.check_password("Harbour-lantern-47")
    assert client.get("/account/").status_code == 200  # session kept
    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.actor == recruiter


def test_other_sessions_end_when_the_password_changes(client, recruiter, django_user_model):
    from django.test import Client

    other = Client()
    other.force_login(recruiter)
    client.force_login(recruiter)
    change(client, "pw-rita", "Harbour-lantern-47")
    assert other.get("/account/").status_code == 302


@pytest.mark.parametrize(
    ("old", "new", "again", "error"),
    [
        ("wrong", "Harbour-lantern-47", None, "old password was entered incorrectly"),
        ("pw-rita", "12345678", None, "too common"),
        ("pw-rita", "short", None, "too short"),
        ("pw-rita", "Harbour-lantern-47", "Harbour-lantern-48", "didn’t match"),
    ],
)
def test_wrong_current_password_or_weak_new_one_is_refused(
    client, recruiter, old, new, again, error
):
    client.force_login(recruiter)
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert error in response.content.decode()
    recruiter.refresh_from_db()
    assert recruiter.check_password("pw-rita")
    assert not AuditEvent.objects.filter(action="account.password_changed").exists()


def test_an_sso_user_is_told_the_identity_provider_manages_the_password(client, settings):
    settings.SERVICEFIT_OIDC_PROVIDER_NAME = "Entra ID"
    user = User.objects.create_user(username="sso-user", role="recruiter")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    page = client.get("/account/").content.decode()
    assert 'data-form="password-change"' not in page
    assert "managed by your identity provider (Entra ID)" in page
    assert change(client, "x", "Harbour-lantern-47").status_code == 403


def test_with_passwords_switched_off_nobody_changes_one_here(client, recruiter, settings):
    """A user who still has an old local password but now signs in with single sign-on."""
    settings.SERVICEFIT_PASSWORD_LOGIN = False
    client.force_login(recruiter, backend="servicefit.accounts.sso.OIDCBackend")
    assert 'data-form="password-change"' not in client.get("/account/").content.decode()
    assert change(client, "pw-rita", "Harbour-lantern-47").status_code == 403
    recruiter.refresh_from_db()
    assert recruiter.check_password("pw-rita")


def test_the_account_page_is_translated(client, recruiter):
    client.force_login(recruiter)
    page = client.get("/account/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Din konto" in page and "Skift din adgangskode" in page


def test_wrong_current_passwords_count_towards_the_lockout_and_end_the_session(
    client, recruiter, settings
):
    limit = settings.AXES_FAILURE_LIMIT
    client.force_login(recruiter)
    for _ in range(limit - 1):
        assert change(client, "guess", "Harbour-lantern-47").status_code == 200
    locked = change(client, "guess", "Harbour-lantern-47")
    assert locked.status_code == 429
    assert AuditEvent.objects.filter(action="account.locked_out").count() == 1
    assert client.get("/account/").status_code == 302  # signed out
    # the lock is the sign-in lock: the right password does not get in either
    response = client.post("/login/", {"username": recruiter.username, "password": "pw-rita"})
    assert response.status_code == 429
    recruiter.refresh_from_db()
    assert recruiter.check_password("pw-rita")
