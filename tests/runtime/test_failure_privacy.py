"""A failed task's stored error keeps no personal data, but enough to diagnose it: an e-mail
task refused by the SMTP server with the candidate's address in the exception text."""

from __future__ import annotations

import logging
import random
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from servicefit.assessments.emails import deliver_invitation_email
from servicefit.assessments.services import create_invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.oversight.services import request_review, resolve_request
from servicefit.oversight.tasks import send_review_answer_email
from servicefit.security.scrub import ScrubPersonalData, failure_text

from .test_worker import make_worker

ADDRESS = "ulla.svensson@example.se"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient, as smtplib reports it."""

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused(
            {ADDRESS: (550, f"5.1.1 <{ADDRESS}>: Recipient address rejected".encode())}
        )


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"


@pytest.mark.django_db(transaction=True)
def test_a_failed_email_task_stores_the_error_without_the_address(
    db_tasks, refusing, job, recruiter, caplog
):
    person = add_candidate(job=job, name="Ulla Svensson", email=ADDRESS, language="sv")
    simulate_assessment(candidate=person, rng=random.Random(5))
    review = request_review(candidate=person, kind="contest", message="Läs igen")
    resolve_request(review=review, resolved_by=recruiter, response="Vi har läst igen.")
    task = DBTaskResult.objects.get(task_path=send_review_answer_email.module_path)

    with caplog.at_level(logging.INFO):
        make_worker().run_task(DBTaskResult.objects.get(pk=task.pk))

    stored = DBTaskResult.objects.get(pk=task.pk)
    assert stored.status == TaskResultStatus.FAILED
    assert ADDRESS not in stored.traceback and "ulla.svensson" not in stored.traceback
    # enough to diagnose: the type, the SMTP code and reason, where it was raised
    assert stored.exception_class_path == "smtplib.SMTPRecipientsRefused"
    assert "SMTPRecipientsRefused" in stored.traceback
    assert "550" in stored.traceback and "Recipient address rejected" in stored.traceback
    assert "[e-mail address]" in stored.traceback
    assert "send_review_answer" in stored.traceback  # the frames are kept
    # what the console log prints of the same failure (django-tasks logs the traceback)
    scrub = ScrubPersonalData()
    failed = [r for r in caplog.records if r.exc_info]
    assert failed
    for record in failed:
        scrub.filter(record)
        printed = logging.Formatter().format(record)
        assert ADDRESS not in printed and "SMTPRecipientsRefused" in printed


@pytest.mark.django_db
def test_a_failed_invitation_email_keeps_no_address_in_the_audit_log(
    refusing, settings, job, recruiter
):
    settings.SERVICEFIT_EMAIL_ATTEMPTS = 1  # the first failure is the last
    person = add_candidate(job=job, name="Ulla Svensson", email=ADDRESS)
    invitation = create_invitation(candidate=person, created_by=recruiter).invitation
    deliver_invitation_email(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.email_status == "failed"
    assert "Recipient address rejected" in invitation.email_last_error
    assert ADDRESS not in invitation.email_last_error
    event = AuditEvent.objects.get(action="invitation.email_failed")
    assert ADDRESS not in str(event.detail)
    assert event.detail["error"].startswith("SMTPRecipientsRefused")


def test_the_failure_text_of_a_chained_exception_is_scrubbed():
    try:
        try:
            raise ValueError(f"no mailbox {ADDRESS}")
        except ValueError as inner:
            raise RuntimeError(
                f"sending to '{ADDRESS.upper()}' failed: see /a/secret-token/"
            ) from inner
    except RuntimeError as exc:
        text = failure_text(exc)
    assert "ValueError: no mailbox [e-mail address]" in text
    assert "RuntimeError: sending to '[e-mail address]' failed: see /a/…/" in text
    assert "ULLA" not in text and "secret-token" not in text


@pytest.mark.django_db
def test_the_migration_scrubs_failures_stored_before(db_tasks):
    from importlib import import_module

    from django.apps import apps

    from servicefit.assessments.tasks import refresh_norm_group

    task = refresh_norm_group.enqueue()
    raw = f"Traceback ...\nsmtplib.SMTPRecipientsRefused: {{'{ADDRESS}': (550, b'no')}}\n"
    DBTaskResult.objects.filter(pk=task.id).update(
        status=TaskResultStatus.FAILED, traceback=raw
    )  # .update(): as stored before, without the pre_save scrub
    migration = import_module("servicefit.runtime.migrations.0002_scrub_stored_task_failures")
    migration.scrub_stored(apps, None)
    stored = DBTaskResult.objects.get(pk=task.id).traceback
    assert ADDRESS not in stored and "(550, b'no')" in stored
