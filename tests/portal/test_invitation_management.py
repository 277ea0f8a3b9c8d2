"""Invitations a recruiter can manage: the link shown again, a status, reminders, bulk actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from servicefit.assessments.bulk import invite_candidates, remind_candidates
from servicefit.assessments.emails import due_reminders, send_invitation, send_reminder
from servicefit.assessments.invitation_status import InvitationStatus, status_of, statuses_for
from servicefit.assessments.models import Invitation, hash_token
from servicefit.assessments.services import (
    create_invitation,
    link_of,
    revoke_invitation,
    submit,
)
from servicefit.candidates.services import add_candidate
from servicefit.jobs.models import Job

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Delivered:
    invitation: Invitation
    url: str

    @property
    def token(self) -> str:
        return self.url.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def deliver(recruiter, django_capture_on_commit_callbacks):
    """Send an invitation and run the e-mail task queued after the commit, as the worker does."""

    def send(candidate) -> Delivered:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = send_invitation(candidate=candidate, sent_by=recruiter)
        invitation.refresh_from_db()
        url = link_of(invitation)
        assert url is not None
        return Delivered(invitation=invitation, url=url)

    return send


def status(candidate) -> InvitationStatus:
    return statuses_for([candidate.pk])[candidate.pk]


def test_the_link_can_be_shown_again_but_only_its_hash_and_a_nonce_are_stored(invitation):
    stored = Invitation.objects.get()
    assert stored.token_hash == hash_token(invitation.token)
    assert invitation.token not in stored.token_nonce
    assert link_of(stored) == invitation.url


def test_a_link_made_under_another_secret_key_is_not_shown_but_still_works(client, invitation):
    with override_settings(SECRET_KEY="rotated-key-for-this-test"):
        assert link_of(Invitation.objects.get()) is None
        assert client.get(f"/a/{invitation.token}/").status_code == 200


def test_the_status_follows_the_candidate_through_every_state(
    client, candidate, recruiter, deliver
):
    assert status(candidate) == InvitationStatus.NOT_INVITED
    new = create_invitation(candidate=candidate, created_by=recruiter)
    assert status(candidate) == InvitationStatus.LINK_CREATED
    new = deliver(candidate)
    assert status(candidate) == InvitationStatus.DELIVERED
    client.get(f"/a/{new.token}/")
    assert status(candidate) == InvitationStatus.OPENED
    client.post(f"/a/{new.token}/", {"consent": "yes"})
    assert status(candidate) == InvitationStatus.STARTED
    submit(session=candidate.assessment)
    assert status(candidate) == InvitationStatus.SUBMITTED


def test_expired_revoked_and_failed_invitations_have_their_own_status(candidate, recruiter):
    new = create_invitation(candidate=candidate, created_by=recruiter)
    Invitation.objects.filter(pk=new.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert status(candidate) == InvitationStatus.EXPIRED
    new = create_invitation(candidate=candidate, created_by=recruiter)
    revoke_invitation(invitation=new.invitation, revoked_by=recruiter)
    assert status(candidate) == InvitationStatus.REVOKED
    new = create_invitation(candidate=candidate, created_by=recruiter)
    new.invitation.email_status = "failed"  # the e-mail task's delivery status
    assert status_of(new.invitation, None) == InvitationStatus.FAILED


def test_an_imported_candidate_never_invited_is_not_shown_as_invited(client, recruiter, job):
    person = add_candidate(job=job, name="Imported Only", email="imp@example.com")
    client.force_login(recruiter)
    html = client.get(f"/candidates/{person.pk}/").content.decode()
    assert "Not invited" in html
    assert '<span class="badge">Invited</span>' not in html


def test_the_invitation_subject_is_not_html_escaped(candidate, recruiter, deliver):
    job = candidate.job
    job.title = "Kundtjänst & kundeservice"
    job.save()
    deliver(candidate)
    assert mail.outbox[-1].subject == "Your assessment for Kundtjänst & kundeservice"
    assert "&amp;" not in mail.outbox[-1].body


def test_the_automatic_reminder_goes_once_with_the_same_link(candidate, recruiter, deliver):
    new = deliver(candidate)
    assert due_reminders() == []  # not yet due
    Invitation.objects.filter(pk=new.invitation.pk).update(
        created_at=timezone.now() - timedelta(days=4)
    )
    assert due_reminders() == [new.invitation.pk]
    assert send_reminder(invitation_id=new.invitation.pk, manual=False) is True
    assert new.url in mail.outbox[-1].body
    assert mail.outbox[-1].subject.startswith("Reminder:")
    assert send_reminder(invitation_id=new.invitation.pk, manual=False) is False
    assert due_reminders() == []
    assert Invitation.objects.get(pk=new.invitation.pk).reminder_count == 1


def test_no_reminder_after_submission_or_for_a_replaced_link(client, candidate, recruiter, deliver):
    first = deliver(candidate)
    second = deliver(candidate)
    assert send_reminder(invitation_id=first.invitation.pk, manual=True) is False
    client.post(f"/a/{second.token}/", {"consent": "yes"})
    submit(session=candidate.assessment)
    assert send_reminder(invitation_id=second.invitation.pk, manual=True) is False


def test_bulk_invite_skips_people_with_a_working_link_and_bulk_remind_queues(
    job: Job, recruiter, django_capture_on_commit_callbacks, deliver
):
    fresh = add_candidate(job=job, name="Fresh", email="fresh@example.com")
    invited = add_candidate(job=job, name="Invited", email="inv@example.com")
    deliver(invited)
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = invite_candidates(candidates=[fresh, invited], sent_by=recruiter)
    assert (outcome.done, outcome.skipped) == (1, 1)
    assert len(mail.outbox) == sent_before + 1 and mail.outbox[-1].to == ["fresh@example.com"]
    with django_capture_on_commit_callbacks(execute=True) as queued_tasks:
        queued = remind_candidates(candidates=[fresh, invited], requested_by=recruiter)
    assert queued == 2 and len(queued_tasks) == 2  # queued after commit, for the worker
    assert Invitation.objects.filter(reminder_count=1).count() == 2


def test_a_reminder_that_cannot_be_mailed_is_not_counted(candidate, recruiter, deliver):
    from unittest import mock

    new = deliver(candidate)
    with (
        mock.patch(
            "servicefit.assessments.emails.send_candidate_mail", side_effect=OSError("no route")
        ),
        pytest.raises(OSError),
    ):
        send_reminder(invitation_id=new.invitation.pk, manual=False)
    stored = Invitation.objects.get(pk=new.invitation.pk)
    assert (stored.reminder_count, stored.reminded_at) == (0, None)
    assert send_reminder(invitation_id=new.invitation.pk, manual=False) is True
