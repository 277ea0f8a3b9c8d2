"""Adding a user in /admin/: the role is chosen on the add form, never a silent default."""

from __future__ import annotations

import pytest

from servicefit.accounts.models import User

pytestmark = pytest.mark.django_db

URL = "/admin/accounts/user/add/"


def add(client, **extra):
    data = {
        "username": "newbie",
        "usable_password": "true",
        "password1": "a-long-Passphrase-42",
        "password2": "a-long-Passphrase-42",
    }
    return client.post(URL, {**data, **extra})


def test_the_add_form_asks_for_the_role(client, admin_user):
    client.force_login(admin_user)
    page = client.get(URL).content.decode()
    assert 'name="role"' in page
    assert 'value="interviewer"' in page


def test_a_user_cannot_be_added_without_a_role(client, admin_user):
    client.force_login(admin_user)
    response = add(client)
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize("role", ["interviewer", "recruiter", "admin"])
def test_the_chosen_role_is_stored(client, admin_user, role):
    client.force_login(admin_user)
    response = add(client, role=role)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newbie").role == role


def test_createsuperuser_makes_an_administrator_shown_as_one(monkeypatch):
    """The operator's first account (operations.md) is listed as an administrator, not a
    recruiter (the model's default role), e.g. among the interviewers to schedule."""
    from django.core.management import call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-Passphrase-42")
    call_command("createsuperuser", interactive=False, username="olga", email="o@example.com")
    olga = User.objects.get(username="olga")
    assert olga.role == "admin"
    assert olga.get_role_display() == "Administrator"
