"""Recruiter forms that must refuse what the rules refuse: languages, stages, kept input."""

from __future__ import annotations

import re

import pytest

from servicefit.candidates.models import Candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_candidate_gets_only_one_of_the_jobs_assessment_languages(
    recruiter_page, live_server, recruiter
):
    page = recruiter_page
    job = create_job_from_template(
        title="Kundtjänst",
        template_id="phone_support",
        created_by=recruiter,
        languages=["sv", "da"],
    )
    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/new/")
    add = form(page, "candidate-add")
    options = add.locator("#id_language option")
    assert [options.nth(i).get_attribute("value") for i in range(options.count())] == ["da", "sv"]
    # a tampered page (or an old tab) posting a language the job does not offer is refused
    add.locator("#id_name").fill("Piotr Nowak")
    add.locator("#id_email").fill("piotr@example.com")
    add.locator("#id_language").evaluate(
        "s => { s.add(new Option('Polish', 'pl')); s.value = 'pl'; }"
    )
    add.locator("#id_send_invitation").uncheck()
    add.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "pl is not one of this job's assessment languages" in add.inner_text()
    assert not Candidate.objects.filter(job=job).exists()

    add.locator("#id_language").select_option("sv")
    add.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/candidates/\d+/$"))
    candidate = Candidate.objects.get(job=job)
    assert (candidate.email, candidate.language) == ("piotr@example.com", "sv")
