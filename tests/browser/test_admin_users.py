"""An administrator adds a user in /admin/ and chooses the role there."""

from __future__ import annotations

import pytest

from servicefit.accounts.models import User

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_admin_adds_an_interviewer(desktop, live_server, admin_user):
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    add = page.locator("form#user_form")
    add.locator("#id_username").fill("ines")
    add.locator("#id_password1").fill("a-long-Passphrase-42")
    add.locator("#id_password2").fill("a-long-Passphrase-42")
    # The role has no preselected value: the browser refuses the form until one is chosen.
    assert add.locator("#id_role").input_value() == ""
    assert add.locator("#id_role:invalid").count() == 1
    add.locator("#id_role").select_option("interviewer")
    add.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/accounts/user/*/change/")
    assert User.objects.get(username="ines").role == "interviewer"


def test_an_administrator_added_in_the_admin_can_manage_users_there(
    browser, desktop, live_server, admin_user
):
    """ "Add user" with the role Administrator makes someone who can use /admin/ (before, only
    the is_staff flag, which the form does not offer, let anyone in: they got the login page)."""
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    add = page.locator("form#user_form")
    add.locator("#id_username").fill("otto")
    add.locator("#id_role").select_option("admin")
    add.locator("#id_password1").fill("a-long-Passphrase-42")
    add.locator("#id_password2").fill("a-long-Passphrase-42")
    add.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/accounts/user/*/change/")
    otto = User.objects.get(username="otto")
    assert otto.role == "admin" and not otto.is_staff and not otto.is_superuser

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other = context.new_page()
    login(other, live_server, "otto", "a-long-Passphrase-42")
    other.goto(f"{live_server.url}/admin/accounts/user/")
    assert other.url == f"{live_server.url}/admin/accounts/user/"
    assert other.locator("#result_list").count() == 1
    context.close()


def test_a_superuser_demoted_to_recruiter_loses_the_admin(
    browser, desktop, live_server, admin_user, make_user
):
    """The role decides: the superuser flag left over from createsuperuser gives no rights."""
    olga = make_user("olga", "admin", is_staff=True, is_superuser=True)
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/admin/accounts/user/{olga.pk}/change/")
    change = page.locator("form#user_form")
    assert change.locator("#id_is_superuser").count() == 0  # the role is the only control
    change.locator("#id_role").select_option("recruiter")
    change.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/accounts/user/")
    olga.refresh_from_db()
    assert olga.role == "recruiter"

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other = context.new_page()
    login(other, live_server, "olga")
    response = other.goto(f"{live_server.url}/admin/accounts/user/")
    assert response.status == 403  # the "no access" page, not the login form again
    assert other.locator("#id_password").count() == 0
    assert other.goto(f"{live_server.url}/settings/branding/").status == 403
    context.close()
