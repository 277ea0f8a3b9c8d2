"""Keyboard only: what Enter does in a form, and where the focus goes after an error."""

from __future__ import annotations

import pytest

from servicefit.jobs.models import Job
from servicefit.privacy.models import DataSubjectRequest

from .conftest import form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FOCUSED = "document.activeElement.id"


def test_a_form_sent_back_with_errors_focuses_the_first_field_to_correct(
    recruiter_page, live_server, job
):
    """Enter in an empty title brings the form back with an error; the focus was left on the
    page (the body), so a screen-reader user heard only the unchanged page title."""
    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/new/")
    create = form(page, "job-create")
    create.locator("input[name=location]").fill("Aarhus")
    create.locator("input[name=location]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Job.objects.count() == 1  # only the fixture's job: nothing was stored
    assert page.evaluate(FOCUSED) == "id_title"
    described = page.locator("#id_title").get_attribute("aria-describedby") or ""
    assert "id_title_error" in described.split()
    page.keyboard.type("Chat agent")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Job.objects.filter(title="Chat agent", location="Aarhus").count() == 1


def test_a_radio_group_with_an_error_gets_the_focus_and_its_message(
    desktop, live_server, admin_user
):
    """A choice nobody made (radio buttons): the first option gets the focus, and its error is
    linked to it (Django marks the options invalid but links the message to none of them)."""
    page = desktop
    login(page, live_server, "alice")
    page.goto(f"{live_server.url}/privacy/requests/")
    add = form(page, "privacy-request-add")
    add.locator("input[name=email]").fill("ana@example.com")
    add.locator("input[name=received_on]").fill("2026-11-30")
    add.locator("input[name=email]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert not DataSubjectRequest.objects.exists()
    assert page.evaluate(FOCUSED) == "id_kind_0"
    assert page.locator("#id_kind_0").get_attribute("aria-describedby") == "id_kind_error"
    assert page.locator("#id_kind_error").inner_text() == "Choose what the person asks for."
    page.keyboard.press("ArrowDown")  # the second option: arrows move within the group
    with page.expect_navigation():
        page.keyboard.press("Enter")
    entry = DataSubjectRequest.objects.get()
    assert (entry.email, entry.kind) == ("ana@example.com", "rectification")
