"""Invitation e-mails: queued in the request, sent by a task after commit, retried, visible."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse

from servicefit.assessments.emails import send_invitation
from servicefit.assessments.models import EmailStatus, Invitation
from servicefit.assessments.services import link_of
from servicefit.candidates.services import add_candidate


class FailingBackend(LocmemBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


class FlakyBackend(LocmemBackend):
    """Refuses the first message it is asked to send, then delivers."""

    calls = 0

    def send_messages(self, messages):
        FlakyBackend.calls += 1
        if FlakyBackend.calls == 1:
            raise TimeoutError("timed out")
        return super().send_messages(messages)


@pytest.fixture
def candidate(job, recruiter):
    return add_candidate(job=job, name="Kari Nordmann", email="kari@example.com", language="nb")


def link_in(message) -> str:
    match = re.search(r"/a/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_no_email_leaves_before_the_transaction_commits(candidate, recruiter):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        send_invitation(candidate=candidate, sent_by=recruiter)
        assert mail.outbox == []
        raise Boom
    assert mail.outbox == []
    assert not Invitation.objects.filter(candidate=candidate).exists()


@pytest.mark.django_db(transaction=True)
def test_the_task_sends_the_email_after_commit_and_records_it(client, candidate, recruiter):
    with transaction.atomic():
        invitation = send_invitation(candidate=candidate, sent_by=recruiter)
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.email_status == EmailStatus.SENT
    assert invitation.email_attempts == 1
    assert invitation.sent_at is not None
    # the link in the e-mail is the one that works
    response = client.get(f"/a/{link_in(mail.outbox[0])}/")
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_is_retried_and_the_delivered_link_works(
    client, candidate, recruiter, settings
):
    settings.EMAIL_BACKEND = "tests.assessments.test_invitation_emails.FlakyBackend"
    FlakyBackend.calls = 0
    invitation = send_invitation(candidate=candidate, sent_by=recruiter)
    invitation.refresh_from_db()
    assert invitation.email_status == EmailStatus.SENT
    assert invitation.email_attempts == 2
    assert invitation.email_last_error == ""
    assert len(mail.outbox) == 1
    assert client.get(f"/a/{link_in(mail.outbox[0])}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_link_shown_before_the_email_is_sent_keeps_working(
    client, candidate, recruiter, settings
):
    """The candidate page shows the link at once; the e-mail (and a retry) must not replace it."""
    settings.EMAIL_BACKEND = "tests.assessments.test_invitation_emails.FlakyBackend"
    FlakyBackend.calls = 0
    with transaction.atomic():
        invitation = send_invitation(candidate=candidate, sent_by=recruiter)
        shown = link_of(invitation)
    assert shown is not None
    invitation.refresh_from_db()
    assert invitation.email_status == EmailStatus.SENT
    assert invitation.email_attempts == 2
    token = link_in(mail.outbox[0])
    assert shown.endswith(f"/a/{token}/")
    assert link_of(invitation) == shown
    assert client.get(f"/a/{token}/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_send_that_keeps_failing_ends_failed_with_the_error(candidate, recruiter, settings):
    settings.EMAIL_BACKEND = "tests.assessments.test_invitation_emails.FailingBackend"
    settings.SERVICEFIT_EMAIL_ATTEMPTS = 3
    invitation = send_invitation(candidate=candidate, sent_by=recruiter)
    invitation.refresh_from_db()
    assert invitation.email_status == EmailStatus.FAILED
    assert invitation.email_attempts == 3
    assert "Connection refused" in invitation.email_last_error
    assert invitation.sent_at is None


@pytest.mark.django_db(transaction=True)
def test_the_report_shows_the_delivery_status(client, candidate, recruiter, settings):
    settings.EMAIL_BACKEND = "tests.assessments.test_invitation_emails.FailingBackend"
    settings.SERVICEFIT_EMAIL_ATTEMPTS = 2
    send_invitation(candidate=candidate, sent_by=recruiter)
    client.force_login(recruiter)
    html = client.get(reverse("backoffice:candidate_report", args=[candidate.pk])).content.decode()
    assert 'data-email-status="failed"' in html
    assert "E-mail failed" in html
    assert "2 attempts" in html
    assert "Connection refused" in html


@pytest.mark.django_db(transaction=True)
def test_a_revoked_invitation_is_not_mailed_and_no_longer_counts_as_queued(candidate, recruiter):
    from servicefit.assessments.emails import deliver_invitation_email
    from servicefit.assessments.services import revoke_invitation

    with transaction.atomic():
        invitation = send_invitation(candidate=candidate, sent_by=recruiter)
        revoke_invitation(invitation=invitation, revoked_by=recruiter)
        mail.outbox.clear()
    assert mail.outbox == []
    assert deliver_invitation_email(invitation_id=invitation.pk) == EmailStatus.NOT_EMAILED
    assert mail.outbox == []


def test_a_mail_server_that_never_answers_fails_the_attempt_instead_of_holding_the_worker(
    tmp_path,
):
    """The SMTP timeout comes from SERVICEFIT_EMAIL_TIMEOUT (30 s by default), not "for ever"."""
    import os
    import socket
    import subprocess
    import sys

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections, never sends the SMTP greeting
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.mail import get_connection\n"
        "print(settings.EMAIL_TIMEOUT)\n"
        "try:\n    get_connection().open()\nexcept OSError as exc:\n    print('failed:', exc)\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SERVICEFIT_")},
        "DJANGO_SETTINGS_MODULE": "servicefit.settings",
        "SERVICEFIT_DATA_DIR": str(tmp_path),
        "SERVICEFIT_SECRET_KEY": "test-email-timeout",
        "SERVICEFIT_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SERVICEFIT_EMAIL_HOST": "127.0.0.1",
        "SERVICEFIT_EMAIL_PORT": str(silent.getsockname()[1]),
        "SERVICEFIT_EMAIL_TIMEOUT": "1",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
        )
    finally:
        silent.close()
    lines = result.stdout.splitlines()
    assert lines[0] == "1", result.stderr
    assert "timed out" in lines[1], result.stderr
    env.pop("SERVICEFIT_EMAIL_TIMEOUT")
    default = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.EMAIL_TIMEOUT)",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert default.stdout.strip() == "30", default.stderr


@pytest.mark.django_db(transaction=True)
def test_a_sent_invitation_says_sent_not_delivered(client, candidate, recruiter):
    """Handed to the mail server is not delivered: the address may still bounce, and the
    recruiter must not read a bounce as a candidate who ignores the invitation."""
    send_invitation(candidate=candidate, sent_by=recruiter)
    client.force_login(recruiter)
    shortlist = client.get(reverse("backoffice:job_detail", args=[candidate.job.pk]))
    report = client.get(reverse("backoffice:candidate_report", args=[candidate.pk]))
    for html in (shortlist.content.decode(), report.content.decode()):
        assert "E-mail sent" in html
        assert "E-mail delivered" not in html


@pytest.mark.django_db(transaction=True)
def test_the_message_id_is_in_the_senders_domain_not_the_servers(candidate, recruiter, settings):
    """Django names the machine ("…@localhost" on many servers), which spam filters count
    against a message; the sender's own domain is what they expect."""
    settings.DEFAULT_FROM_EMAIL = "Acme hiring <hiring@acme.example>"
    send_invitation(candidate=candidate, sent_by=recruiter)
    message = mail.outbox[0].message()
    assert message["Message-ID"].endswith("@acme.example>")
    assert message["From"] == "Acme hiring <hiring@acme.example>"
