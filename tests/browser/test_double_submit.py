"""Forms sent twice in the browser (Back, then send again) add nothing twice."""

from __future__ import annotations

import random

import pytest

from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.interviews.models import Interview
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_scheduling_again_after_going_back_adds_no_second_interview(
    recruiter_page, live_server, recruiter, interviewer
):
    job = create_job_from_template(
        title="Support", template_id="phone_support", created_by=recruiter
    )
    candidate = add_candidate(job=job, name="Emil Olsen", email="emil@example.com")
    simulate_assessment(candidate=candidate, rng=random.Random(5))
    page = recruiter_page
    page.goto(f"{live_server.url}/interviews/candidates/{candidate.pk}/schedule/")
    schedule = form(page, "interview-schedule")
    schedule.locator("#id_scheduled_at").fill("2030-05-06T10:30")
    schedule.locator("input[name=interviewers]").first.check()
    schedule.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/interviews/*/")
    first_url = page.url

    page.go_back()
    page.wait_for_load_state()
    form(page, "interview-schedule").locator("button[type=submit]").click()
    page.wait_for_url(first_url)
    assert "This interview was already scheduled; nothing was added." in page.content()
    assert Interview.objects.filter(candidate=candidate).count() == 1


def test_creating_a_job_again_after_going_back_adds_no_second_job(recruiter_page, live_server):
    from servicefit.jobs.models import Job

    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/new/")
    create = form(page, "job-create")
    create.locator("#id_title").fill("Kundeservice, aftenvagter")
    create.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/jobs/*/edit/")
    first_url = page.url

    page.go_back()
    page.wait_for_load_state()
    assert form(page, "job-create").locator("#id_title").input_value() == (
        "Kundeservice, aftenvagter"
    )
    form(page, "job-create").locator("button[type=submit]").click()
    page.wait_for_url(first_url)
    assert "This job was created a moment ago with the same details: here it is." in (
        page.content()
    )
    assert Job.objects.filter(title="Kundeservice, aftenvagter").count() == 1

    # other details are another job
    page.goto(f"{live_server.url}/jobs/new/")
    form(page, "job-create").locator("#id_title").fill("Kundeservice, aftenvagter")
    form(page, "job-create").locator("#id_location").fill("Aarhus")
    form(page, "job-create").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/jobs/*/edit/")
    assert page.url != first_url
    assert Job.objects.filter(title="Kundeservice, aftenvagter").count() == 2
