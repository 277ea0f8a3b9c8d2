"""A recruiter closes (archives) a job and reopens it; a closed job takes no new candidates or
invitations from anywhere (add form, import, bulk invite, candidate page, API, command line)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servicefit.assessments.models import Invitation
from servicefit.assessments.services import LinkClosedError, create_invitation
from servicefit.audit.models import AuditEvent
from servicefit.candidates.importing import validate_rows
from servicefit.candidates.models import Candidate, CandidateImport
from servicefit.candidates.services import add_candidate
from servicefit.cli import main
from servicefit.jobs.services import JobClosedError, close_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(job):
    """A candidate added before the job was closed, not invited yet."""
    return add_candidate(job=job, name="Wanda", email="wanda@example.com")


@pytest.fixture
def closed(job, recruiter, waiting):
    close_job(job=job, closed_by=recruiter)
    return job


def test_closing_needs_the_confirmation_and_is_audited(client, recruiter, job):
    client.force_login(recruiter)
    url = reverse("backoffice:job_close", args=[job.pk])
    client.post(url, {})
    job.refresh_from_db()
    assert job.archived_at is None
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.archived_at is not None
    event = AuditEvent.objects.get(action="job.closed")
    assert event.job == job and event.actor == recruiter
    assert client.get(url).status_code == 405  # POST only


def test_a_closed_job_leaves_the_dashboard_and_is_listed_under_closed_jobs(
    client, recruiter, closed
):
    client.force_login(recruiter)
    detail = reverse("backoffice:job_detail", args=[closed.pk])
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert detail not in page and "?archived=1" in page
    page = client.get(reverse("backoffice:dashboard") + "?archived=1").content.decode()
    assert detail in page


def test_reopening_brings_it_back_and_is_audited(client, recruiter, closed):
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:job_detail", args=[closed.pk])).content.decode()
    assert 'data-form="job-reopen"' in page and 'data-form="job-close"' not in page
    client.post(reverse("backoffice:job_reopen", args=[closed.pk]))
    closed.refresh_from_db()
    assert closed.archived_at is None
    assert AuditEvent.objects.filter(action="job.reopened", job=closed).exists()
    page = client.get(reverse("backoffice:dashboard")).content.decode()
    assert reverse("backoffice:job_detail", args=[closed.pk]) in page


def test_an_interviewer_cannot_close_a_job(client, interviewer, job):
    client.force_login(interviewer)
    response = client.post(reverse("backoffice:job_close", args=[job.pk]), {"confirm": "on"})
    assert response.status_code in {302, 403}
    job.refresh_from_db()
    assert job.archived_at is None


def test_the_add_form_refuses_a_closed_job(client, recruiter, closed):
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:candidate_add", args=[closed.pk]),
        {"name": "Nils", "email": "nils@example.com", "language": "en"},
    )
    assert response.status_code == 200
    assert "is closed" in response.content.decode()
    assert not Candidate.objects.filter(email="nils@example.com").exists()


def test_the_import_refuses_a_closed_job(client, recruiter, closed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:candidate_import", args=[closed.pk]),
        {"file": SimpleUploadedFile("p.csv", b"name,email\nNils,nils@example.com\n")},
    )
    assert response.status_code == 400 and "is closed" in response.content.decode()
    assert not CandidateImport.objects.exists()
    # the worker's check refuses too (an import queued just before the job was closed)
    _rows, problems = validate_rows(closed, [(2, {"name": "Nils", "email": "nils@example.com"})])
    assert any("is closed" in p.message for p in problems)


def test_bulk_invite_and_the_candidate_page_refuse_a_closed_job(client, recruiter, closed, waiting):
    client.force_login(recruiter)
    client.post(
        reverse("backoffice:bulk_action", args=[closed.pk]),
        {"action": "invite", "candidates": [waiting.pk]},
    )
    for name in ("invitation_send", "invitation_link"):
        response = client.post(reverse(f"backoffice:{name}", args=[waiting.pk]))
        assert response.status_code == 302
    assert not Invitation.objects.filter(candidate=waiting).exists()
    page = client.get(response["Location"]).content.decode()
    assert "is closed" in page


def test_the_services_refuse_a_closed_job(closed, waiting):
    with pytest.raises(JobClosedError):
        add_candidate(job=closed, name="Nils", email="nils@example.com")
    with pytest.raises(LinkClosedError):
        create_invitation(candidate=waiting, created_by=None)


def test_the_invite_command_refuses_a_closed_job(closed, waiting, capsys):
    assert main(["invite", "--job", str(closed.pk), "--email", "new@example.com"]) == 2
    assert main(["invite", "--job", str(closed.pk), "--email", waiting.email]) == 2
    assert "is closed" in capsys.readouterr().err
    assert not Candidate.objects.filter(email="new@example.com").exists()
    assert not Invitation.objects.filter(candidate=waiting).exists()


def test_the_candidate_page_of_a_closed_job_offers_no_new_link_and_says_why(
    client, recruiter, closed, waiting
):
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:candidate_report", args=[waiting.pk])).content.decode()
    assert 'data-form="invitation-send"' not in page
    assert 'data-form="invitation-link"' not in page
    assert "data-job-closed" in page and "The job is closed" in page


def test_a_closed_jobs_existing_link_can_still_be_reminded_extended_and_revoked(
    client, recruiter, job, waiting
):
    """Links already sent keep working, so what acts on them stays offered (and is accepted)."""
    create_invitation(candidate=waiting, created_by=recruiter)
    close_job(job=job, closed_by=recruiter)
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:candidate_report", args=[waiting.pk])).content.decode()
    assert 'data-form="invitation-send"' not in page and "data-job-closed" in page
    for name in ("invitation-remind", "invitation-extend", "invitation-revoke"):
        assert f'data-form="{name}"' in page
    before = Invitation.objects.get(candidate=waiting).expires_at
    client.post(reverse("backoffice:invitation_extend", args=[waiting.pk]), {"days": 3})
    assert Invitation.objects.get(candidate=waiting).expires_at > before


def test_an_open_jobs_candidate_page_offers_the_invitation(client, recruiter, waiting):
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:candidate_report", args=[waiting.pk])).content.decode()
    assert 'data-form="invitation-send"' in page and "data-job-closed" not in page


@pytest.mark.parametrize("name", ["candidate_add", "candidate_import"])
def test_opening_the_add_or_import_page_of_a_closed_job_leads_to_the_job_with_the_reason(
    client, recruiter, closed, name
):
    client.force_login(recruiter)
    response = client.get(reverse(f"backoffice:{name}", args=[closed.pk]), follow=True)
    assert response.redirect_chain == [(reverse("backoffice:job_detail", args=[closed.pk]), 302)]
    page = response.content.decode()
    assert f"The job {closed.title} is closed" in page
    assert 'data-form="candidate-add"' not in page and 'data-form="candidate-import"' not in page


@pytest.mark.parametrize("name", ["candidate_add", "candidate_import"])
def test_the_add_and_import_pages_of_an_open_job_show_their_form(client, recruiter, job, name):
    client.force_login(recruiter)
    response = client.get(reverse(f"backoffice:{name}", args=[job.pk]))
    assert response.status_code == 200
    assert f'data-form="{name.replace("_", "-")}"' in response.content.decode()


def test_an_expired_link_of_a_closed_job_cannot_be_extended(client, recruiter, job, waiting):
    """A closed job takes no new invitations; re-opening an expired link would be one, so the
    page offers no extension and says why, and a form sent anyway is refused by the service."""
    from datetime import timedelta

    from django.utils import timezone

    from servicefit.assessments.services import extend_invitation

    invitation = create_invitation(candidate=waiting, created_by=recruiter).invitation
    close_job(job=job, closed_by=recruiter)
    expired = timezone.now() - timedelta(days=1)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=expired)
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_report", args=[waiting.pk])
    page = client.get(url).content.decode()
    assert 'data-form="invitation-extend"' not in page and "data-extend-refused" in page
    assert 'data-form="invitation-revoke"' in page
    response = client.post(
        reverse("backoffice:invitation_extend", args=[waiting.pk]), {"days": 3}, follow=True
    )
    assert "The link has expired and the job is closed" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).expires_at == expired
    with pytest.raises(LinkClosedError):
        extend_invitation(
            invitation=Invitation.objects.get(pk=invitation.pk), days=3, extended_by=recruiter
        )
    assert not AuditEvent.objects.filter(action="invitation.extended").exists()
