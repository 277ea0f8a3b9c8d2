"""Export, erasure on request, and automatic purge after the retention period."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.audit.models import AuditEvent
from servicefit.candidates.models import Candidate, Stage
from servicefit.candidates.services import move_to_stage
from servicefit.privacy.services import purge_expired

pytestmark = pytest.mark.django_db


def test_export_contains_answers_scores_and_consent(client, recruiter, scored_candidate):
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_export", args=[scored_candidate.pk]))
    data = json.loads(response.content)
    assert data["candidate"]["email"] == scored_candidate.email
    assessment = data["assessment"]
    assert assessment["privacy_notice_version"]
    assert (
        len(assessment["answers"])
        == Answer.objects.filter(session__candidate=scored_candidate).count()
    )
    assert assessment["result"]["competencies"]
    assert AuditEvent.objects.filter(action="candidate.exported").exists()


def test_export_contains_the_candidates_review_requests_and_the_answers(
    client, recruiter, scored_candidate
):
    """A copy of one's data includes what one wrote to the employer and what they answered."""
    from servicefit.oversight.services import request_review, resolve_request

    asked = request_review(
        candidate=scored_candidate, kind="review", message="Please look at my reply again."
    )
    request_review(candidate=scored_candidate, kind="contest", message="I contest the result.")
    resolve_request(review=asked, resolved_by=recruiter, response="We looked again.")
    client.force_login(recruiter)
    response = client.get(reverse("backoffice:candidate_export", args=[scored_candidate.pk]))
    requests = json.loads(response.content)["review_requests"]
    assert [(r["kind"], r["message"]) for r in requests] == [
        ("review", "Please look at my reply again."),
        ("contest", "I contest the result."),
    ]
    assert requests[0]["answer"] == "We looked again."
    assert requests[0]["answered_by"] == recruiter.username and requests[0]["due_at"]
    assert requests[1]["answer"] == "" and requests[1]["answered_at"] is None


def test_erasure_needs_confirmation_and_removes_everything(client, recruiter, scored_candidate):
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_erase", args=[scored_candidate.pk])
    client.post(url, {"confirm": "wrong@example.com", "reason": "request"})
    assert Candidate.objects.filter(pk=scored_candidate.pk).exists()
    client.post(
        url, {"confirm": scored_candidate.email, "reason": "Candidate's request of 2026-11-20"}
    )
    assert not Candidate.objects.filter(pk=scored_candidate.pk).exists()
    assert not AssessmentSession.objects.filter(candidate_id=scored_candidate.pk).exists()
    event = AuditEvent.objects.get(action="candidate.erased")
    assert event.detail == {
        "candidate_id": scored_candidate.pk,
        "reason": "Candidate's request of 2026-11-20",
    }
    assert event.actor == recruiter


def test_erasure_takes_the_address_out_of_refused_imports_that_named_it(
    client, recruiter, scored_candidate
):
    """A refused file ("kim@example.com is already a candidate for this job") keeps its page;
    after the erasure that page no longer shows the erased candidate's address."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from servicefit.candidates.models import CandidateImport

    job, email = scored_candidate.job, scored_candidate.email
    client.force_login(recruiter)
    rows = f"name,email\nSomeone,{email.upper()}\nOther Person,other.person@example.com\n"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("backoffice:candidate_import", args=[job.pk]),
            {"file": SimpleUploadedFile("people.csv", rows.encode())},
        )
    status_url = response["Location"]
    assert email in client.get(status_url).content.decode()

    client.post(
        reverse("backoffice:candidate_erase", args=[scored_candidate.pk]),
        {"confirm": email, "reason": "the candidate's request"},
    )
    assert not Candidate.objects.filter(pk=scored_candidate.pk).exists()
    page = client.get(status_url).content.decode()
    assert email not in page.lower()
    assert "already a candidate for this job" in page  # the problem itself is still explained
    assert email not in str(CandidateImport.objects.get().problems).lower()


@pytest.mark.parametrize(
    ("typed", "reason", "error"),
    [
        ("wrong@example.com", "request", "does not match the candidate&#x27;s e-mail address"),
        ("", "request", "Type the candidate&#x27;s e-mail address to confirm."),
        (None, "", "Give the reason for erasing the data."),
    ],
)
def test_erasure_says_what_is_wrong_and_keeps_the_data(
    client, recruiter, scored_candidate, typed, reason, error
):
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_erase", args=[scored_candidate.pk])
    confirm = scored_candidate.email if typed is None else typed
    response = client.post(url, {"confirm": confirm, "reason": reason})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Candidate.objects.filter(pk=scored_candidate.pk).exists()
    assert not AuditEvent.objects.filter(action="candidate.erased").exists()


def test_erasure_ignores_spaces_and_letter_case_in_the_typed_address(
    client, recruiter, scored_candidate
):
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_erase", args=[scored_candidate.pk])
    typed = f"  {scored_candidate.email.upper()} "
    response = client.post(url, {"confirm": typed, "reason": "  Request of 3 May  "})
    assert response.status_code == 302
    assert not Candidate.objects.filter(pk=scored_candidate.pk).exists()
    assert AuditEvent.objects.get(action="candidate.erased").detail["reason"] == "Request of 3 May"


def test_the_reason_kept_after_an_erasure_does_not_name_the_person(
    client, recruiter, scored_candidate
):
    scored_candidate.name = "Ulla-Mai Østergaard"
    scored_candidate.email = "ulla.oestergaard@example.com"
    scored_candidate.save()
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_erase", args=[scored_candidate.pk])
    page = client.get(url).content.decode()
    assert "do not name the person" in page  # said under the field
    reason = (
        "ULLA-MAI ØSTERGAARD asked on 3 May (ulla.oestergaard@example.com); "
        "Østergaard's mail from ulla.oestergaard, Ulla-Mai called too. Ullabella stays."
    )
    response = client.post(url, {"confirm": scored_candidate.email, "reason": reason})
    assert response.status_code == 302
    kept = AuditEvent.objects.get(action="candidate.erased").detail["reason"]
    assert kept == (
        "[name] asked on 3 May ([e-mail address]); "
        "[name]'s mail from [name], [name] called too. Ullabella stays."
    )
    assert "stergaard" not in kept.lower() and "ulla-mai" not in kept.lower()


def test_the_reason_label_gives_a_clear_example(client, recruiter, scored_candidate):
    client.force_login(recruiter)
    url = reverse("backoffice:candidate_erase", args=[scored_candidate.pk])
    assert "request of 3 May" in client.get(url).content.decode()
    danish = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "anmodning af 3. maj" in danish


def test_purge_erases_only_finished_candidates_past_retention(scored_job, recruiter):
    finished, recent, active = list(scored_job.candidates.order_by("name")[:3])
    for candidate in (finished, recent):
        move_to_stage(
            candidate=candidate,
            stage=Stage.REJECTED,
            changed_by=recruiter,
            reason_code="assessment",
        )
    Candidate.objects.filter(pk=finished.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=181)
    )
    assert purge_expired(dry_run=True) == [finished.pk]
    assert Candidate.objects.filter(pk=finished.pk).exists()
    call_command("purge_expired")
    assert not Candidate.objects.filter(pk=finished.pk).exists()
    assert Candidate.objects.filter(pk__in=[recent.pk, active.pk]).count() == 2


def test_purge_erases_every_candidate_of_a_job_closed_longer_ago_than_its_retention(
    scored_job, recruiter
):
    """The notice promises deletion N days after the hiring process ends; closing the job ends
    it for the candidates nobody moved to hired, rejected or withdrawn too."""
    from servicefit.jobs.services import close_job, reopen_job

    left_over = list(scored_job.candidates.values_list("pk", flat=True))
    assert left_over
    assert not Candidate.objects.filter(pk__in=left_over, stage__in=["hired", "rejected"]).exists()
    close_job(job=scored_job, closed_by=recruiter)
    assert purge_expired(dry_run=True) == []  # closed today: the period has not passed
    type(scored_job).objects.filter(pk=scored_job.pk).update(
        archived_at=timezone.now() - timedelta(days=scored_job.retention_days + 1)
    )
    assert sorted(purge_expired(dry_run=True)) == sorted(left_over)
    scored_job.refresh_from_db()
    reopen_job(job=scored_job, reopened_by=recruiter)  # reopened: the process goes on
    assert purge_expired(dry_run=True) == []
    type(scored_job).objects.filter(pk=scored_job.pk).update(
        archived_at=timezone.now() - timedelta(days=scored_job.retention_days + 1)
    )
    call_command("purge_expired")
    assert not Candidate.objects.filter(pk__in=left_over).exists()
    assert AuditEvent.objects.filter(action="candidate.erased").count() == len(left_over)


def test_a_huge_retention_stored_before_the_limit_does_not_stop_the_purge(scored_job, recruiter):
    finished = scored_job.candidates.order_by("name").first()
    move_to_stage(
        candidate=finished, stage=Stage.REJECTED, changed_by=recruiter, reason_code="assessment"
    )
    Candidate.objects.filter(pk=finished.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=4000)
    )
    type(scored_job).objects.filter(pk=scored_job.pk).update(retention_days=2_000_000_000)

    assert purge_expired(dry_run=True) == [finished.pk]


def test_an_administrators_export_includes_the_self_identification_even_of_a_question_no_longer_asked(
    client, admin_user, recruiter, scored_candidate
):
    """Art. 15: the copy of one's data includes the voluntary self-identification, labelled."""
    from servicefit.fairness.models import SelfIdQuestion
    from servicefit.fairness.selfid import save_self_identification

    question = SelfIdQuestion.objects.create(
        key="region", label="Region", options=["North", "South"], lawful_basis="consent"
    )
    save_self_identification(
        candidate=scored_candidate, raw={"gender": "woman", "age_band": "", "region": "South"}
    )
    question.active = False  # no longer asked: the answer is still stored, so it is exported
    question.save()
    client.force_login(admin_user)
    data = client.get(reverse("backoffice:candidate_export", args=[scored_candidate.pk])).json()
    given = data["self_identification"]
    assert given["given_at"]
    assert [(a["question"], a["answer"]) for a in given["answers"]] == [
        ("Sex or gender", "Woman"),
        ("Region", "South"),
    ]
    # a recruiter's export of the same person does not show it
    client.force_login(recruiter)
    body = client.get(reverse("backoffice:candidate_export", args=[scored_candidate.pk])).content
    assert b"Woman" not in body and b"South" not in body
    assert json.loads(body)["self_identification"].startswith("Not in this export")


def test_an_administrators_export_says_when_there_is_no_self_identification(
    client, admin_user, scored_candidate
):
    client.force_login(admin_user)
    data = client.get(reverse("backoffice:candidate_export", args=[scored_candidate.pk])).json()
    assert data["self_identification"] is None


def test_raising_the_jobs_retention_later_does_not_keep_data_longer_than_the_notice_said(
    job, recruiter
):
    """The notice at consent says "Your data is deleted 30 days after the hiring process
    ends"; the purge used the job's period of the day, so raising it kept everyone longer."""
    from servicefit.assessments.services import create_invitation, start_session
    from servicefit.candidates.services import add_candidate

    type(job).objects.filter(pk=job.pk).update(retention_days=30)
    job.refresh_from_db()
    told, untold = (
        add_candidate(job=job, name=f"P{i}", email=f"p{i}@example.com") for i in range(2)
    )
    session = start_session(
        invitation=create_invitation(candidate=told, created_by=recruiter).invitation,
        language="en",
    )
    assert session.retention_days_notified == 30
    event = AuditEvent.objects.get(action="assessment.consented", candidate=told)
    assert event.detail["retention_days"] == 30
    type(job).objects.filter(pk=job.pk).update(retention_days=365)
    for person in (told, untold):
        move_to_stage(
            candidate=person, stage=Stage.REJECTED, changed_by=recruiter, reason_code="assessment"
        )
    Candidate.objects.filter(pk__in=[told.pk, untold.pk]).update(
        stage_changed_at=timezone.now() - timedelta(days=31)
    )
    # the candidate who read "30 days" is purged; one who never saw the notice follows the job
    assert purge_expired(dry_run=True) == [told.pk]
