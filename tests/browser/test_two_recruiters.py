"""Two recruiters with the same job or candidate open at once, each in their own browser.

The second save from a page opened before the first is refused, with who saved, when and what
beside the fields, and what the second recruiter typed kept; saving again applies it.
"""

from __future__ import annotations

import re

import pytest

from servicefit.candidates.models import Candidate
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job
from servicefit.jobs.services import create_job_from_template

from .conftest import form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_recruiter(browser, live_server, make_user):
    make_user("ada", "recruiter", first_name="Ada", last_name="Holm")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, "ada")
    yield page
    context.close()


def test_two_recruiters_editing_one_job_do_not_overwrite_each_other(
    recruiter_page, second_recruiter, live_server, recruiter
):
    rita, ada = recruiter_page, second_recruiter
    job = create_job_from_template(
        title="Phone agent", template_id="phone_support", created_by=recruiter
    )
    url = f"{live_server.url}/jobs/{job.pk}/edit/"
    rita.goto(url)
    ada.goto(url)

    form(ada, "job-edit").locator("#id_retention_days").fill("222")
    form(ada, "job-edit").locator("button[type=submit]").click()
    ada.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")

    edit = form(rita, "job-edit")
    edit.locator("#id_title").fill("Phone agent, nights")
    edit.locator("button[type=submit]").click()
    rita.wait_for_load_state()
    alert = edit.locator("[role=alert]").inner_text()
    assert re.search(r"Ada Holm saved this job at .*\(changed: Retention period \(days\)\)", alert)
    assert "Saved meanwhile: 222" in edit.inner_text()
    assert edit.locator("#id_title").input_value() == "Phone agent, nights"
    job.refresh_from_db()
    assert (job.title, job.retention_days) == ("Phone agent", 222)

    # Rita takes over Ada's retention period and saves again: both changes are stored.
    edit.locator("#id_retention_days").fill("222")
    edit.locator("button[type=submit]").click()
    rita.wait_for_url(f"{live_server.url}/jobs/{job.pk}/")
    assert Job.objects.filter(pk=job.pk, title="Phone agent, nights", retention_days=222).exists()


def test_two_recruiters_correcting_one_candidate_do_not_overwrite_each_other(
    recruiter_page, second_recruiter, live_server, recruiter
):
    rita, ada = recruiter_page, second_recruiter
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="William Karlsson", email="william@example.com")
    url = f"{live_server.url}/candidates/{candidate.pk}/edit/"
    rita.goto(url)
    ada.goto(url)

    form(ada, "candidate-edit").locator("#id_email").fill("w.karlsson@example.com")
    form(ada, "candidate-edit").locator("button[type=submit]").click()
    ada.wait_for_url(f"{live_server.url}/candidates/{candidate.pk}/")

    edit = form(rita, "candidate-edit")
    edit.locator("#id_name").fill("William Karlsson Jr")
    edit.locator("button[type=submit]").click()
    rita.wait_for_load_state()
    assert "Ada Holm saved this candidate's details at" in edit.inner_text()
    assert "Saved meanwhile: w.karlsson@example.com" in edit.inner_text()
    candidate.refresh_from_db()
    assert (candidate.name, candidate.email) == ("William Karlsson", "w.karlsson@example.com")

    edit.locator("#id_email").fill("w.karlsson@example.com")
    edit.locator("button[type=submit]").click()
    rita.wait_for_url(f"{live_server.url}/candidates/{candidate.pk}/")
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert (candidate.name, candidate.email) == ("William Karlsson Jr", "w.karlsson@example.com")
