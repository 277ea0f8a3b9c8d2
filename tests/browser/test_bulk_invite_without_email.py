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


def test_bulk_remind_says_nothing_was_delivered_when_no_email_is_delivered(
    live_server, desktop, recruiter, settings
):
    from servicefit.assessments.services import create_invitation
    from servicefit.audit.models import AuditEvent

    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    job = create_job_from_template(
        title="Support, reminders", template_id="phone_support", created_by=recruiter
    )
    invited = add_candidate(job=job, name="Invited", email="inv@example.com")
    create_invitation(candidate=invited, created_by=recruiter)
    never = add_candidate(job=job, name="Never invited", email="never@example.com")
    login(desktop, live_server, "rita")
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    desktop.check(f"#pick-{invited.pk}")
    desktop.check(f"#pick-{never.pk}")
    with desktop.expect_navigation(wait_until="load"):
        form(desktop, "shortlist-bulk").locator("button[value=remind]").click()
    text = desktop.locator("li.message.warning").inner_text()
    assert text.startswith("Reminders requested: 1, but no e-mail was delivered")
    assert text.endswith("Skipped (no open invitation): 1.")
    assert "Reminders queued" not in desktop.locator("main").inner_text()
    assert (
        AuditEvent.objects.filter(action="invitation.reminder_requested", candidate=invited).count()
        == 1
    )
    assert not AuditEvent.objects.filter(
        action="invitation.reminder_requested", candidate=never
    ).exists()


def test_enter_on_a_ticked_box_invites_nobody(live_server, desktop, recruiter):
    """Enter on a ticked box must not run a bulk action: Chromium submits a form from a
    checkbox with its first submit button, which was "Invite selected"."""
    job = create_job_from_template(
        title="Support, keyboard", template_id="phone_support", created_by=recruiter
    )
    person = add_candidate(job=job, name="Keyboard Kim", email="kim@example.com")
    login(desktop, live_server, "rita")
    desktop.goto(f"{live_server.url}/jobs/{job.pk}/")
    posts: list[str] = []
    desktop.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    desktop.focus(f"#pick-{person.pk}")
    desktop.keyboard.press("Space")
    assert desktop.is_checked(f"#pick-{person.pk}")
    desktop.keyboard.press("Enter")
    desktop.wait_for_timeout(700)  # long enough for a submission to leave the browser
    assert posts == []
    assert person.invitations.count() == 0
    form(desktop, "shortlist-bulk").locator("button[value=invite]").click()  # a click still works
    desktop.wait_for_selector(".message")
    assert person.invitations.count() == 1
