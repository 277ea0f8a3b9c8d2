"""The optional "your feedback is ready" e-mail: sent by the worker after scoring commits, once,
in the invitation's language, only when the job asks for it, and never with a token in a log."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from servicefit.assessments.emails import send_feedback_ready
from servicefit.assessments.models import AssessmentSession, Result
from servicefit.assessments.results import store_result
from servicefit.assessments.services import create_invitation, revoke_invitation, submit
from servicefit.audit.models import AuditEvent
from servicefit.oversight.services import resume_scoring, suspend_scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def wants_email(job):
    job.feedback_email = True
    job.save(update_fields=["feedback_email"])
    return job


@pytest.fixture
def swedish(candidate):
    candidate.language = "sv"
    candidate.save(update_fields=["language"])
    return candidate


def _submit_and_score(client, token, capture):
    """Consent, submit, and run what the commit queues (scoring, then the e-mail), as the worker."""
    client.post(f"/a/{token}/", {"consent": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    session = AssessmentSession.objects.get()
    with capture(execute=True):
        submit(session=session)
    session.refresh_from_db()
    return session


def test_the_email_goes_once_after_scoring_in_the_invitations_language(
    client, wants_email, swedish, token, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    session = _submit_and_score(client, token, django_capture_on_commit_callbacks)
    assert Result.objects.filter(session=session).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mette@example.com"]
    with translation.override("sv"):
        subject = render_to_string(
            "emails/feedback_ready_subject.txt", {"job": wants_email}
        ).strip()
    assert message.subject == subject
    assert subject != f"Your feedback for {wants_email.title} is ready"
    link = re.search(r"http\S+/a/([\w-]+)/done/", message.body)
    assert link and link.group(1) == token
    page = client.get(f"/a/{token}/done/").content.decode()
    assert '<html lang="sv">' in page and 'id="feedback-heading"' in page
    assert session.feedback_emailed_at is not None
    assert AuditEvent.objects.filter(action="feedback.emailed", candidate=swedish).count() == 1

    # the worker runs the task again, and scoring runs again: nothing more is sent
    assert send_feedback_ready(session_id=session.pk) is False
    with django_capture_on_commit_callbacks(execute=True):
        store_result(session=session)
    assert len(mail.outbox) == 1
    # the link (the token) is in the e-mail and nowhere in the logs
    assert all(token not in record.getMessage() for record in caplog.records)


def test_no_email_unless_the_job_asks_for_it(
    client, job, token, django_capture_on_commit_callbacks
):
    assert job.feedback_email is False
    session = _submit_and_score(client, token, django_capture_on_commit_callbacks)
    assert Result.objects.filter(session=session).exists()
    assert mail.outbox == []
    assert send_feedback_ready(session_id=session.pk) is False


def test_no_email_without_the_feedback_report(
    client, wants_email, token, django_capture_on_commit_callbacks
):
    wants_email.feedback_report = False
    wants_email.save(update_fields=["feedback_report"])
    _submit_and_score(client, token, django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_no_email_while_scoring_is_suspended_or_after_the_page_closed(
    client, wants_email, token, admin_user, django_capture_on_commit_callbacks
):
    suspend_scoring(job=wants_email, suspended_by=admin_user, reason="Checking the key")
    session = _submit_and_score(client, token, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert session.feedback_emailed_at is None

    resume_scoring(job=wants_email, resumed_by=admin_user)
    assert send_feedback_ready(session_id=session.pk) is True  # resumed: the e-mail may go
    AssessmentSession.objects.filter(pk=session.pk).update(feedback_emailed_at=None)
    AssessmentSession.objects.filter(pk=session.pk).update(
        submitted_at=timezone.now() - timedelta(days=31)
    )
    assert send_feedback_ready(session_id=session.pk) is False
    assert len(mail.outbox) == 1


def test_a_revoked_link_is_not_mailed_again(
    client, wants_email, candidate, invitation, recruiter, django_capture_on_commit_callbacks
):
    client.post(f"/a/{invitation.token}/", {"consent": "yes"})
    session = AssessmentSession.objects.get()
    submit(session=session)
    revoke_invitation(invitation=invitation.invitation, revoked_by=recruiter)
    store_result(session=session)
    assert send_feedback_ready(session_id=session.pk) is False
    assert mail.outbox == []

    fresh = create_invitation(candidate=candidate, created_by=recruiter)
    assert send_feedback_ready(session_id=session.pk) is True
    assert f"/a/{fresh.token}/done/" in mail.outbox[0].body
    assert invitation.token not in mail.outbox[0].body


def test_a_failed_send_can_be_tried_again(client, wants_email, token, settings):
    client.post(f"/a/{token}/", {"consent": "yes"})
    session = AssessmentSession.objects.get()
    submit(session=session)
    store_result(session=session)
    settings.EMAIL_BACKEND = "tests.assessments.test_invitation_emails.FailingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_feedback_ready(session_id=session.pk)
    session.refresh_from_db()
    assert session.feedback_emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_feedback_ready(session_id=session.pk) is True
    assert len(mail.outbox) == 1
