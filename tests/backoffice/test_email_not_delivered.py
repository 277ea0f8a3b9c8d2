"""Without an e-mail server the back office says that invitations are not delivered."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BANNER = "data-email-not-delivered"


@pytest.mark.parametrize(
    "backend",
    [
        "servicefit.security.mail.ConsoleEmailBackend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    ],
)
def test_recruiters_are_told_when_no_email_is_delivered(client, recruiter, settings, backend):
    settings.EMAIL_BACKEND = backend
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert BANNER in page
    assert "No e-mail server is set up" in page


def test_the_notice_is_translated(client, recruiter, settings):
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="da").content
    assert "Der er ikke sat en e-mailserver op" in page.decode()


def test_no_notice_with_an_email_server(client, recruiter, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client.force_login(recruiter)
    assert BANNER not in client.get(reverse("backoffice:dashboard")).content.decode()


def test_candidates_never_see_the_notice(client, settings):
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    assert BANNER not in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize("status", ["sent", "delivered"])
def test_a_sent_invitation_is_not_shown_as_sent_while_nothing_is_delivered(settings, status):
    from servicefit.assessments.invitation_status import InvitationStatus
    from servicefit.backoffice.templatetags.sf import status_badge, status_label

    value = InvitationStatus(status)
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    assert status_label(value) == "E-mail not delivered: no e-mail server is set up"
    assert status_badge(value) == "warn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert status_label(value) == str(value.label)
    assert status_badge(value) != "warn"
    assert status_label(InvitationStatus.OPENED) == "Opened"


def _bulk_invite(client, recruiter, job):
    from django.test import TestCase

    from servicefit.candidates.services import add_candidate

    fresh = add_candidate(job=job, name="Bo", email="bo@example.com")
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("backoffice:bulk_action", args=[job.pk]),
            {"action": "invite", "candidates": [fresh.pk]},
            follow=True,
        )
    assert fresh.invitations.count() == 1
    return response.content.decode()


def test_bulk_invite_does_not_say_sent_while_nothing_is_delivered(client, recruiter, job, settings):
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    page = _bulk_invite(client, recruiter, job)
    assert "Invitation e-mails queued" not in page and "Invitations sent" not in page
    assert "Links created: 1. No e-mail was delivered (no e-mail server is set up)" in page
    assert "copy each link from the candidate&#x27;s page" in page


def test_bulk_invite_says_queued_with_an_email_server(client, recruiter, job):
    page = _bulk_invite(client, recruiter, job)  # the tests' locmem outbox counts as delivered
    assert "Invitation e-mails queued: 1. Skipped (already invited or finished): 0." in page
    assert "Links created" not in page


def _remind(client, recruiter, job, *, bulk=True):
    from django.test import TestCase

    from servicefit.assessments.services import create_invitation
    from servicefit.audit.models import AuditEvent
    from servicefit.candidates.services import add_candidate

    invited = add_candidate(job=job, name="Ea", email="ea@example.com")
    create_invitation(candidate=invited, created_by=recruiter)
    never = add_candidate(job=job, name="Uffe", email="uffe@example.com")
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        if bulk:
            response = client.post(
                reverse("backoffice:bulk_action", args=[job.pk]),
                {"action": "remind", "candidates": [invited.pk, never.pk]},
                follow=True,
            )
        else:
            response = client.post(
                reverse("backoffice:invitation_remind", args=[invited.pk]), follow=True
            )
    assert AuditEvent.objects.filter(
        action="invitation.reminder_requested", candidate=invited
    ).exists()
    return response.content.decode()


def test_bulk_remind_does_not_say_queued_while_nothing_is_delivered(
    client, recruiter, job, settings
):
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    page = _remind(client, recruiter, job)
    assert "Reminders queued" not in page
    assert (
        "Reminders requested: 1, but no e-mail was delivered (no e-mail server is set up)" in page
    )
    assert "Skipped (no open invitation): 1." in page
    assert 'class="message warning"' in page


def test_bulk_remind_says_queued_with_an_email_server(client, recruiter, job):
    page = _remind(client, recruiter, job)  # the tests' locmem outbox counts as delivered
    assert "Reminders queued: 1. Skipped (no open invitation): 1." in page
    assert "no e-mail was delivered" not in page


def test_the_candidate_pages_remind_does_not_say_on_its_way_while_nothing_is_delivered(
    client, recruiter, job, settings
):
    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    page = _remind(client, recruiter, job, bulk=False)
    assert "on its way" not in page
    assert "No reminder reaches ea@example.com: no e-mail server is set up." in page
    # the reminder went to the backend that delivers nothing: the count says so
    page = _report_of(client, "ea@example.com")
    assert "1 reminder sent" in page
    assert "(not delivered: no e-mail server is set up)" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from servicefit.candidates.models import Candidate

    Candidate.objects.all().delete()
    page = _remind(client, recruiter, job, bulk=False)
    assert "A reminder is on its way to ea@example.com." in page
    page = _report_of(client, "ea@example.com")
    assert "1 reminder sent" in page and "data-reminders-not-delivered" not in page


def _report_of(client, email):
    from servicefit.candidates.models import Candidate

    candidate = Candidate.objects.get(email=email)
    return client.get(reverse("backoffice:candidate_report", args=[candidate.pk])).content.decode()


def test_the_invitation_line_does_not_call_an_undelivered_email_sent(
    client, recruiter, job, settings
):
    """The API said `email: not_sent` without an e-mail server; the report's "E-mail sent"
    line said the opposite for the same invitation."""
    from servicefit.assessments.emails import deliver_invitation_email
    from servicefit.assessments.services import create_invitation
    from servicefit.candidates.services import add_candidate

    settings.EMAIL_BACKEND = "servicefit.security.mail.ConsoleEmailBackend"
    person = add_candidate(job=job, name="Ea", email="ea@example.com")
    new = create_invitation(candidate=person, created_by=recruiter)
    deliver_invitation_email(invitation_id=new.invitation.pk)
    client.force_login(recruiter)
    page = _report_of(client, "ea@example.com")
    assert "E-mail sent" in page
    assert "data-invitation-not-delivered" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = _report_of(client, "ea@example.com")
    assert "E-mail sent" in page and "data-invitation-not-delivered" not in page
