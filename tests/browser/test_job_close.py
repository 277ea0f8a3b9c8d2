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


def test_a_closed_jobs_pages_offer_no_new_candidates_or_links(
    recruiter_page, live_server, recruiter
):
    """The candidate page has no "Send invitation" but says why, the link already sent can still
    be reminded; the add and import pages, opened by address, lead to the job with the reason."""
    from servicefit.assessments.models import Invitation
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate
    from servicefit.jobs.services import close_job

    page = recruiter_page
    job = create_job_from_template(
        title="Julevikar", template_id="phone_support", created_by=recruiter
    )
    invited = add_candidate(job=job, name="Ida", email="ida@example.com")
    create_invitation(candidate=invited, created_by=recruiter)
    waiting = add_candidate(job=job, name="Ole", email="ole@example.com")
    close_job(job=job, closed_by=recruiter)

    page.goto(f"{live_server.url}/candidates/{waiting.pk}/")
    assert page.locator("[data-job-closed]").is_visible()
    assert not form(page, "invitation-send").count() and not form(page, "invitation-link").count()
    assert not page.get_by_role("button", name="Send invitation").count()

    page.goto(f"{live_server.url}/candidates/{invited.pk}/")
    assert page.locator("[data-job-closed]").is_visible()
    assert not form(page, "invitation-send").count()
    with page.expect_navigation(wait_until="load"):
        form(page, "invitation-remind").locator("button").click()
    assert page.locator(".message.success").is_visible()
    assert Invitation.objects.get(candidate=invited).reminder_count == 1

    for path in ("candidates/new", "candidates/import"):
        page.goto(f"{live_server.url}/jobs/{job.pk}/{path}/")
        assert page.url == f"{live_server.url}/jobs/{job.pk}/"
        assert page.locator(".message.error").inner_text().startswith("The job Julevikar is closed")
        assert (
            not form(page, "candidate-add").count() and not form(page, "candidate-import").count()
        )
