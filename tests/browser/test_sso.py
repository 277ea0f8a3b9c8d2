"""In Chromium: sign in with the provider and land in the back office; break-glass password form."""

from __future__ import annotations

import pytest

from servicefit.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_staff_member_signs_in_with_the_provider(desktop, live_server, sso_settings, oidc_provider):
    oidc_provider.user("xena", "xena-pw-1", "xena@example.org", "sf-admins")
    desktop.goto(f"{live_server.url}/login/")
    desktop.get_by_role("link", name="Sign in with Test IdP").click()
    desktop.wait_for_url(f"{oidc_provider.issuer.removesuffix('/o')}/login/**")
    desktop.fill("#provider-username", "xena")
    desktop.fill("#provider-password", "xena-pw-1")
    desktop.get_by_role("button", name="Sign in to the provider").click()
    desktop.wait_for_url(f"{live_server.url}/")
    user = User.objects.get(email="xena@example.org")
    assert user.role == "admin" and user.username == "xena"
    assert desktop.get_by_role("link", name="Sign in with Test IdP").count() == 0
    # The back office shows the user, with the admin's link (the mapped role, not a default).
    assert desktop.get_by_text("xena", exact=True).is_visible()
    assert desktop.get_by_role("link", name="Administration").is_visible()


def test_refused_sign_in_shows_the_reason(desktop, live_server, sso_settings, oidc_provider):
    oidc_provider.user("yann", "yann-pw-1", "yann@example.org", "sales")
    desktop.goto(f"{live_server.url}/login/")
    desktop.get_by_role("link", name="Sign in with Test IdP").click()
    desktop.fill("#provider-username", "yann")
    desktop.fill("#provider-password", "yann-pw-1")
    desktop.get_by_role("button", name="Sign in to the provider").click()
    desktop.wait_for_url(f"{live_server.url}/login/")
    assert "has no ServiceFit role" in desktop.locator(".messages").inner_text()
    assert not User.objects.filter(email="yann@example.org").exists()


def test_break_glass_password_form(desktop, live_server, settings, admin_user):
    settings.OIDC_RP_CLIENT_ID = "configured"
    settings.SERVICEFIT_PASSWORD_LOGIN = False
    desktop.goto(f"{live_server.url}/login/")
    assert desktop.locator("#id_password").count() == 0
    settings.SERVICEFIT_PASSWORD_BREAK_GLASS = True
    desktop.goto(f"{live_server.url}/login/")
    desktop.fill("#id_username", "alice")
    desktop.fill("#id_password", "pw-alice")
    desktop.get_by_role("button", name="Log in").click()
    desktop.wait_for_url(f"{live_server.url}/")
    assert desktop.get_by_text("alice", exact=True).is_visible()
