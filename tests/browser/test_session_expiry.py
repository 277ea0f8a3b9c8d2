"""A recruiter's session ends while they write: nothing they typed is lost.

The form is sent, the sign-in page comes instead; after signing in the recruiter is back on the
page the form was on (not on a "405" of an address that takes only a POST), with what they
typed filled in again and a notice; saving then stores it.
"""

from __future__ import annotations

import re

import pytest

from servicefit.candidates.models import Stage, StageChange
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NOTE = ("Called on 3 March: prefers evening shifts, strong references, speaks Polish. " * 8).strip()


def _session_ends(page) -> None:
    """The session cookie is gone (expired); the CSRF cookie stays, as in a real expiry."""
    page.context.clear_cookies(name="sessionid")


def _notice(page) -> str:
    alert = page.locator("p.message.warning[role=alert]")
    return alert.inner_text() if alert.count() else ""


def _sign_in_again(page, live_server) -> None:
    assert "/login/" in page.url
    login = form(page, "login")
    login.locator("#id_username").fill("rita")
    login.locator("#id_password").fill("pw-rita")
    login.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_note_written_while_the_session_ended_is_kept_and_saved_after_signing_in(
    recruiter_page, live_server, recruiter
):
    page = recruiter_page
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Ea Holm", email="ea@example.com")
    report = f"{live_server.url}/candidates/{candidate.pk}/"
    page.goto(report)
    stage = form(page, "stage-change")
    stage.locator("#id_stage").select_option("shortlisted")
    stage.locator("#id_note").fill(NOTE)
    _session_ends(page)
    stage.locator("button:has-text('Record')").click()
    page.wait_for_url(re.compile(r"/login/"))
    assert not StageChange.objects.filter(note=NOTE).exists()

    _sign_in_again(page, live_server)
    assert page.url == report  # the page the form was on, not the POST-only address
    stage = form(page, "stage-change")
    assert stage.locator("#id_note").input_value() == NOTE
    assert stage.locator("#id_stage").input_value() == "shortlisted"
    assert "Your session had ended, so this form was not saved." in _notice(page)

    stage.locator("button:has-text('Record')").click()
    page.wait_for_selector(".message.success")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.SHORTLISTED
    assert StageChange.objects.filter(candidate=candidate).last().note == NOTE
    # the copy is used once: the next visit shows the stored report, no notice
    page.goto(report)
    assert _notice(page) == ""
    assert form(page, "stage-change").locator("#id_note").input_value() == ""


def test_a_job_edited_while_the_session_ended_is_kept_and_saved_after_signing_in(
    recruiter_page, live_server, recruiter
):
    page = recruiter_page
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    url = f"{live_server.url}/jobs/{job.pk}/edit/"
    page.goto(url)
    edit = form(page, "job-edit")
    edit.locator("#id_title").fill("Support, evening shifts in Gdańsk")
    edit.locator("#id_location").fill("Gdańsk")
    _session_ends(page)
    edit.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login/"))

    _sign_in_again(page, live_server)
    assert page.url == url
    edit = form(page, "job-edit")
    assert edit.locator("#id_title").input_value() == "Support, evening shifts in Gdańsk"
    edit.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    job = Job.objects.get(pk=job.pk)
    assert (job.title, job.location) == ("Support, evening shifts in Gdańsk", "Gdańsk")
