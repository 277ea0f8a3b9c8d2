"""What an administrator does to another user's account in /admin/ is in the audit log:
who did it, to whom, what; never the password."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from servicefit.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a-Fresh-Passphrase-917"


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def change_form(rita, **changes):
    data = {
        "username": rita.username,
        "first_name": rita.first_name,
        "last_name": rita.last_name,
        "email": rita.email,
        "role": rita.role,
        "language": rita.language or "",
        "is_active": "on" if rita.is_active else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": timezone.localtime(rita.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(rita.date_joined).strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""} | {"last_login_0": "", "last_login_1": ""}


def test_resetting_another_users_password_is_audited_without_the_password(
    client, admin_user, recruiter
):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{recruiter.pk}/password/",
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    recruiter.refresh_from_db()
    assert recruiter.check_password(PASSWORD)
    [event] = events("account.password_reset")
    assert event.actor == admin_user
    assert event.detail == {"user": "rita", "user_id": recruiter.pk, "password_login": "on"}
    assert PASSWORD not in json.dumps(event.detail) and recruiter.password not in str(event)


def test_a_refused_password_reset_is_not_audited(client, admin_user, recruiter):
    client.force_login(admin_user)
    client.post(
        f"/admin/accounts/user/{recruiter.pk}/password/",
        {"password1": PASSWORD, "password2": "another", "usable_password": "true"},
    )
    assert events("account.password_reset") == []


def test_changing_the_role_and_deactivating_are_audited(client, admin_user, recruiter):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{recruiter.pk}/change/", change_form(recruiter, role="admin")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    [role] = events("account.role_changed")
    assert role.actor == admin_user
    assert role.detail == {
        "user": "rita",
        "user_id": recruiter.pk,
        "before": "recruiter",
        "after": "admin",
    }
    assert events("account.deactivated") == []

    recruiter.refresh_from_db()
    client.post(
        f"/admin/accounts/user/{recruiter.pk}/change/", change_form(recruiter, is_active="")
    )
    recruiter.refresh_from_db()
    assert not recruiter.is_active
    [off] = events("account.deactivated")
    assert off.actor == admin_user and off.detail["user"] == "rita"
    assert len(events("account.role_changed")) == 1  # the role did not change this time

    client.post(
        f"/admin/accounts/user/{recruiter.pk}/change/", change_form(recruiter, is_active="on")
    )
    [on] = events("account.reactivated")
    assert on.detail["user_id"] == recruiter.pk


def test_unlocking_an_account_is_audited(client, admin_user, recruiter):
    attempt = AccessAttempt.objects.create(
        username="rita",
        ip_address="192.0.2.7",
        user_agent="test",
        failures_since_start=5,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/login/",
    )
    client.force_login(admin_user)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    [event] = events("account.unlocked")
    assert event.actor == admin_user
    assert event.detail == {"user": "rita", "address": "192.0.2.7", "failures": 5}


def test_unlocking_several_accounts_at_once_is_audited(client, admin_user):
    for name in ("rita", "ivo"):
        AccessAttempt.objects.create(
            username=name, ip_address="192.0.2.8", user_agent="t", failures_since_start=5
        )
    client.force_login(admin_user)
    ids = list(AccessAttempt.objects.values_list("pk", flat=True))
    client.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert not AccessAttempt.objects.exists()
    assert sorted(e.detail["user"] for e in events("account.unlocked")) == ["ivo", "rita"]


def test_resetting_two_step_sign_in_is_audited(client, admin_user, recruiter):
    device = TOTPDevice.objects.create(user=recruiter, name="phone", confirmed=True)
    client.force_login(admin_user)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    [event] = events("account.totp_reset")
    assert event.actor == admin_user
    assert event.detail == {"user": "rita", "user_id": recruiter.pk}


def test_resetting_two_step_sign_in_of_several_users_is_audited(client, admin_user, recruiter):
    device = TOTPDevice.objects.create(user=recruiter, name="phone", confirmed=True)
    client.force_login(admin_user)
    client.post(
        "/admin/otp_totp/totpdevice/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert [e.detail["user"] for e in events("account.totp_reset")] == ["rita"]


def test_deleting_a_user_is_audited(client, admin_user, recruiter):
    client.force_login(admin_user)
    client.post(f"/admin/accounts/user/{recruiter.pk}/delete/", {"post": "yes"})
    [event] = events("account.deleted")
    assert event.actor == admin_user and event.detail["user"] == "rita"


def test_the_audit_log_shows_the_actions_translated(client, admin_user, recruiter):
    client.force_login(admin_user)
    client.post(
        f"/admin/accounts/user/{recruiter.pk}/change/", change_form(recruiter, role="admin")
    )
    page = client.get("/admin/audit/auditevent/").content.decode()
    assert "Role changed by an administrator" in page
    assert "&quot;user&quot;: &quot;rita&quot;" in page
    from servicefit.backoffice.labels import AUDIT_LABELS

    for code in [c for c in AUDIT_LABELS if c.startswith("account.")]:
        with translation.override("da"):
            danish = str(AUDIT_LABELS[code])
        assert danish != str(AUDIT_LABELS[code]), code
