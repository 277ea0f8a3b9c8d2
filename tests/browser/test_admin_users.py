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
