"""Bulk "Invite selected" without an e-mail server: links are created, nothing is called sent."""

from __future__ import annotations

import pytest

from servicefit.candidates.services import add_candidate
from servicefit.jobs.services import create_job_from_template

from .conftest import form, login

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_bulk_invite_says_links_were_created_when_no_email_is_delivered(
    live_server, desktop, recruiter, settings
):
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    job = create_job_from_template(
        title="Support, no e-mail", template_id="phone_support", created_by=recruiter
    )
    people = [
        add_candidate(job=job, name=f"Imported {i}", email=f"imp{i}@example.com") for i in range(2)
    ]
    login(desktop, live_server, "rita")
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    for person in people:
        desktop.check(f"#pick-{person.pk}")
    form(desktop, "shortlist-bulk").locator("button[value=invite]").click()
    desktop.wait_for_selector(".message.warning")
    text = desktop.locator("main").inner_text()
    assert "Links created: 2. No e-mail was delivered" in text
    assert "Invitations sent" not in text
    assert all(person.invitations.count() == 1 for person in people)
