"""A rejected, withdrawn or hired candidate's link is closed: the report says so and nothing
re-opens it, whether from the back office, the API, the command line or the services."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from servicefit.assessments.models import Invitation
from servicefit.assessments.services import (
    LinkClosedError,
    create_invitation,
    extend_invitation,
    open_invitation,
)
from servicefit.candidates.services import add_candidate, move_to_stage
from servicefit.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def rejected(job, recruiter):
    """A candidate who opened their link and was then rejected."""
    candidate = add_candidate(job=job, name="Ea", email="ea@example.com")
    new = create_invitation(candidate=candidate, created_by=recruiter)
    new.invitation.opened_at = timezone.now()
    new.invitation.save(update_fields=["opened_at"])
    move_to_stage(
        candidate=candidate, stage="rejected", changed_by=recruiter, reason_code="experience"
    )
    return candidate


def test_the_report_says_the_link_is_closed_and_offers_no_link_actions(client, recruiter, rejected):
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:candidate_report", args=[rejected.pk])).content.decode()
    assert "Link closed: the candidate is Rejected." in page
    assert "valid until" not in page and 'id="invitation-link"' not in page
    for action in ("invitation-send", "invitation-link", "invitation-remind", "invitation-extend"):
        assert f'data-form="{action}"' not in page, action
    assert 'data-form="invitation-revoke"' in page


@pytest.mark.parametrize(
    "view", ["invitation_send", "invitation_link", "invitation_extend", "invitation_remind"]
)
def test_link_actions_are_refused_with_the_reason(client, recruiter, rejected, view):
    invitation = rejected.invitations.get()
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse(f"backoffice:{view}", args=[rejected.pk]), {"days": "7"})
    assert response.status_code == 302
    assert list(Invitation.objects.filter(candidate=rejected)) == [invitation]
    fresh = Invitation.objects.get(pk=invitation.pk)
    assert (fresh.expires_at, fresh.revoked_at, fresh.reminder_count) == (
        invitation.expires_at,
        None,
        0,
    )
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "The candidate is Rejected, so their link is closed" in page


def test_the_bulk_invitation_skips_closed_candidates_and_says_so(client, recruiter, job, rejected):
    rejected.invitations.update(revoked_at=timezone.now())  # revoked: otherwise "invitable"
    other = add_candidate(job=job, name="Bo", email="bo@example.com")
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("backoffice:bulk_action", args=[job.pk]),
            {"action": "invite", "candidates": [rejected.pk, other.pk]},
            follow=True,
        )
    page = response.content.decode()
    assert "Invitation e-mails queued: 1. Skipped (already invited or finished): 1." in page
    assert "Not invited because they are rejected, withdrawn or hired" in page
    assert rejected.invitations.count() == 1 and other.invitations.count() == 1
    assert [m.to for m in mail.outbox] == [["bo@example.com"]]


def test_a_queued_email_is_not_called_sent(client, recruiter, job):
    candidate = add_candidate(job=job, name="Cy", email="cy@example.com")
    client.force_login(recruiter)
    client.post(reverse("backoffice:invitation_send", args=[candidate.pk]))  # task not run
    report = client.get(reverse("backoffice:candidate_report", args=[candidate.pk]))
    assert report.context["invitation_status"].label == "E-mail queued"
    assert 'data-invitation-status="sent">E-mail queued<' in report.content.decode()


@pytest.mark.parametrize(
    ("stage", "reason"), [("rejected", "experience"), ("withdrawn", ""), ("hired", "")]
)
def test_the_services_refuse_a_link_for_a_closed_stage(job, recruiter, stage, reason):
    candidate = add_candidate(job=job, name="Bo", email="bo@example.com")
    old = create_invitation(candidate=candidate, created_by=recruiter)
    move_to_stage(candidate=candidate, stage=stage, changed_by=recruiter, reason_code=reason)
    with pytest.raises(LinkClosedError, match="their link is closed"):
        create_invitation(candidate=candidate, created_by=recruiter)
    with pytest.raises(LinkClosedError):
        extend_invitation(invitation=old.invitation, days=7, extended_by=recruiter)
    fresh = Invitation.objects.get(candidate=candidate)
    assert (fresh.revoked_at, fresh.expires_at) == (None, old.invitation.expires_at)
    assert open_invitation(old.token) is None


def test_a_hired_candidate_gets_no_new_link_from_the_back_office(client, job, recruiter):
    candidate = add_candidate(job=job, name="Hal", email="hal@example.com")
    move_to_stage(candidate=candidate, stage="hired", changed_by=recruiter)
    client.force_login(recruiter)
    response = client.post(reverse("backoffice:invitation_link", args=[candidate.pk]))
    assert response.status_code == 302
    assert not Invitation.objects.filter(candidate=candidate).exists()
    page = client.get(response["Location"]).content.decode()
    assert "The candidate is Hired, so their link is closed" in page


def test_the_invite_command_refuses_a_rejected_candidate(job, rejected, capsys):
    before = list(Invitation.objects.filter(candidate=rejected))
    assert main(["invite", "--job", str(job.pk), "--email", rejected.email]) == 2
    err = capsys.readouterr().err
    assert "their link is closed" in err and rejected.email in err
    assert list(Invitation.objects.filter(candidate=rejected)) == before
