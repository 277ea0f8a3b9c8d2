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
