"""Local passwords switched off, and the break-glass sign-in for administrators."""

from __future__ import annotations

import pytest

from servicefit.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def passwords_off(settings):
    settings.SERVICEFIT_PASSWORD_LOGIN = False
    settings.SERVICEFIT_PASSWORD_BREAK_GLASS = False
    settings.OIDC_RP_CLIENT_ID = "configured"
    settings.SERVICEFIT_OIDC_PROVIDER_NAME = "Entra ID"
    return settings


def test_login_page_offers_sso_and_hides_the_password_form(client, passwords_off):
    page = client.get("/login/").content.decode()
    assert "Sign in with Entra ID" in page and 'href="/sso/start/"' in page
    assert 'name="password"' not in page and 'id="passwords-off"' in page


def test_correct_password_is_refused_when_passwords_are_off(
    client, passwords_off, recruiter, admin_user
):
    for user in (recruiter, admin_user):
        response = client.post(
            "/login/", {"username": user.username, "password": "pw-" + user.username}
        )
        assert response.status_code == 200 and "switched off" in response.content.decode()
        assert client.get("/").status_code == 302


def test_a_password_session_ends_when_passwords_are_switched_off(client, settings, recruiter):
    assert client.post("/login/", {"username": "rita", "password": "pw-rita"}).status_code == 302
    assert client.get("/").status_code == 200
    settings.SERVICEFIT_PASSWORD_LOGIN = False
    assert client.get("/").status_code == 302


def test_break_glass_lets_only_administrators_use_passwords(
    client, passwords_off, recruiter, admin_user
):
    passwords_off.SERVICEFIT_PASSWORD_BREAK_GLASS = True
    page = client.get("/login/").content.decode()
    assert 'name="password"' in page and 'id="break-glass"' in page
    response = client.post("/login/", {"username": "rita", "password": "pw-rita"})
    assert response.status_code == 200 and client.get("/").status_code == 302
    assert client.post("/login/", {"username": "alice", "password": "pw-alice"}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.break_glass_login", actor=admin_user).count() == 1


def test_passwords_on_by_default_with_sso(client, settings, recruiter):
    settings.OIDC_RP_CLIENT_ID = "configured"
    page = client.get("/login/").content.decode()
    assert 'name="password"' in page and "sso-sign-in" in page
    assert client.post("/login/", {"username": "rita", "password": "pw-rita"}).status_code == 302


def test_role_map_parsing_and_claim_paths():
    from servicefit.accounts.sso import claim_values, parse_role_map

    assert parse_role_map(" a=admin , b c=recruiter,") == {"a": "admin", "b c": "recruiter"}
    with pytest.raises(ValueError, match="superuser"):
        parse_role_map("x=superuser")
    claims = {"realm_access": {"roles": ["x", "y"]}, "role": "z", "n": 3}
    assert claim_values(claims, "realm_access.roles") == ["x", "y"]
    assert claim_values(claims, "role") == ["z"]
    assert claim_values(claims, "n") == [] and claim_values(claims, "missing.path") == []
