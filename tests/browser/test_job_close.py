"""Closing a job from its page (with the confirmation box) and reopening it."""

from __future__ import annotations

import pytest

from servicefit.audit.models import AuditEvent
from servicefit.jobs.models import Job
from servicefit.jobs.services import create_job_from_template

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_a_recruiter_closes_a_job_and_reopens_it(recruiter_page, live_server, recruiter):
    page = recruiter_page
    job = create_job_from_template(
        title="Sommervikar", template_id="phone_support", created_by=recruiter
    )
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    page.locator('details[data-details="job-close"] summary').click()
    close = form(page, "job-close")
    # the box must be ticked: the browser refuses the form without it
    close.locator("button[type=submit]").click()
    assert Job.objects.get(pk=job.pk).archived_at is None
    close.locator("input[name=confirm]").check()
    with page.expect_navigation(wait_until="load"):
        close.locator("button[type=submit]").click()
    assert Job.objects.get(pk=job.pk).archived_at is not None
    assert AuditEvent.objects.filter(action="job.closed", job=job, actor=recruiter).exists()
    assert page.locator('[data-notice="job-closed"]').is_visible()
    assert not page.get_by_role("link", name="Add candidate").count()

    page.goto(f"{live_server.url}/")
    assert not page.get_by_role("link", name="Sommervikar").count()
    with page.expect_navigation(wait_until="load"):
        page.locator('a[data-link="closed-jobs"]').click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Sommervikar").click()

    with page.expect_navigation(wait_until="load"):
        form(page, "job-reopen").locator("button[type=submit]").click()
    assert Job.objects.get(pk=job.pk).archived_at is None
    assert AuditEvent.objects.filter(action="job.reopened", job=job).exists()
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("link", name="Sommervikar").count() == 1
