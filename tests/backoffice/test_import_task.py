"""Candidate imports run in the task worker: saved on upload, all rows or none, mail after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from servicefit.assessments.models import EmailStatus, Invitation
from servicefit.candidates import imports
from servicefit.candidates.importing import MAX_ROWS
from servicefit.candidates.models import CandidateImport, ImportStatus

pytestmark = pytest.mark.django_db


def csv_of(rows: int, *, bad_row: int | None = None) -> bytes:
    lines = ["name,email,language"]
    for i in range(rows):
        email = "not-an-email" if i == bad_row else f"person{i}@example.com"
        lines.append(f"Person {i},{email},da")
    return ("\n".join(lines) + "\n").encode()


def post(client, job, data: bytes, name="people.csv", **extra):
    return client.post(
        reverse("backoffice:candidate_import", args=[job.pk]),
        {"file": SimpleUploadedFile(name, data), **extra},
    )


def test_the_request_only_stores_the_upload_and_parsing_waits_for_the_worker(
    client, recruiter, job, monkeypatch
):
    from servicefit.candidates import importing

    def no_parsing_in_the_request(*args, **kwargs):
        raise AssertionError("the file was parsed inside the request")

    monkeypatch.setattr(importing, "read_table", no_parsing_in_the_request)
    monkeypatch.setattr(imports, "read_table", no_parsing_in_the_request)
    client.force_login(recruiter)
    response = post(client, job, csv_of(3))  # on-commit callbacks (the task) do not run here
    candidate_import = CandidateImport.objects.get()
    assert response.status_code == 302
    assert candidate_import.status == ImportStatus.QUEUED
    assert bytes(candidate_import.data) == csv_of(3)
    assert job.candidates.count() == 0
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to start" in page
    assert 'hx-trigger="every 1s"' in page


def test_a_good_file_with_invitations_mails_everyone_after_commit(client, recruiter, job):
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(client, job, csv_of(3), send_invitations="on")
    candidate_import = CandidateImport.objects.get()
    assert candidate_import.status == ImportStatus.DONE
    assert candidate_import.created_count == 3
    assert bytes(candidate_import.data) == b""  # the uploaded personal data is not kept
    assert job.candidates.filter(imported_in=candidate_import).count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@example.com" for i in range(3)]
    assert set(Invitation.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    html = client.get(response["Location"]).content.decode()
    assert "Invitation e-mails: 3 sent, 0 queued, 0 failed." in html
    assert "hx-get" not in html  # finished: the page stops polling


def test_a_bad_later_row_stores_no_one_and_mails_no_one(client, recruiter, job):
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(client, job, csv_of(40, bad_row=39), send_invitations="on")
    candidate_import = CandidateImport.objects.get()
    assert candidate_import.status == ImportStatus.FAILED
    assert job.candidates.count() == 0
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    html = client.get(response["Location"]).content.decode()
    assert "Nothing was imported: the file has 1 problem." in html
    assert "row 41, column &#x27;email&#x27;" in html


def test_a_file_with_too_many_rows_stops_reading_at_the_limit(client, recruiter, job):
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post(client, job, csv_of(MAX_ROWS + 1))
    assert CandidateImport.objects.get().status == ImportStatus.FAILED
    assert f"At most {MAX_ROWS} rows per file." in client.get(response["Location"]).content.decode()
    assert job.candidates.count() == 0


@pytest.mark.slow
def test_the_maximum_file_is_imported_whole(client, recruiter, job):
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        post(client, job, csv_of(MAX_ROWS))
    candidate_import = CandidateImport.objects.get()
    assert candidate_import.status == ImportStatus.DONE
    assert candidate_import.rows_checked == candidate_import.rows_total == MAX_ROWS
    assert job.candidates.count() == MAX_ROWS
    assert job.candidates.get(email="person4999@example.com").stage_changes.count() == 1


def test_a_candidate_added_while_checking_refuses_the_whole_file(recruiter, job, monkeypatch):
    from servicefit.candidates.services import add_candidate

    candidate_import = imports.queue_import(
        job=job, file_name="p.csv", data=csv_of(3), send_invitations=False, added_by=recruiter
    )
    real = imports.validate_rows

    def meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        add_candidate(job=job, name="Early", email="person2@example.com")
        return result

    monkeypatch.setattr(imports, "validate_rows", meanwhile)
    assert imports.run_import(import_id=candidate_import.pk) == ImportStatus.FAILED
    candidate_import.refresh_from_db()
    assert "added to this job while the file was being checked" in str(candidate_import.problems)
    assert list(job.candidates.values_list("email", flat=True)) == ["person2@example.com"]


def test_running_an_import_again_adds_no_one_twice(recruiter, job):
    candidate_import = imports.queue_import(
        job=job, file_name="p.csv", data=csv_of(2), send_invitations=False, added_by=recruiter
    )
    assert imports.run_import(import_id=candidate_import.pk) == ImportStatus.DONE
    assert imports.run_import(import_id=candidate_import.pk) == ImportStatus.DONE
    assert job.candidates.count() == 2


def test_progress_is_reported_while_checking(recruiter, job, monkeypatch):
    seen = []
    real = imports._set

    def spy(import_id, **fields):
        if "rows_checked" in fields:
            seen.append(fields["rows_checked"])
        real(import_id, **fields)

    monkeypatch.setattr(imports, "_set", spy)
    candidate_import = imports.queue_import(
        job=job, file_name="p.csv", data=csv_of(600), send_invitations=False, added_by=recruiter
    )
    imports.run_import(import_id=candidate_import.pk)
    assert seen == [0, 250, 500, 600]
    candidate_import.refresh_from_db()
    assert candidate_import.percent_checked == 100


def test_another_job_cannot_show_the_import(client, recruiter, job):
    from servicefit.jobs.services import create_job_from_template

    other = create_job_from_template(
        title="Other", template_id="phone_support", created_by=recruiter
    )
    candidate_import = imports.queue_import(
        job=job, file_name="p.csv", data=csv_of(1), send_invitations=False, added_by=recruiter
    )
    client.force_login(recruiter)
    url = reverse("backoffice:import_status", args=[other.pk, candidate_import.pk])
    assert client.get(url).status_code == 404


def test_an_interviewer_cannot_see_an_import(client, interviewer, recruiter, job):
    candidate_import = imports.queue_import(
        job=job, file_name="p.csv", data=csv_of(1), send_invitations=False, added_by=recruiter
    )
    client.force_login(interviewer)
    url = reverse("backoffice:import_status", args=[job.pk, candidate_import.pk])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("rows", "refreshed"), [(999, False), (1000, True)])
def test_a_large_import_refreshes_the_planner_statistics_after_commit(
    client, recruiter, job, monkeypatch, rows, refreshed
):
    calls = []
    monkeypatch.setattr(imports, "refresh_statistics", lambda *models: calls.append(models))
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        post(client, job, csv_of(rows))
    assert CandidateImport.objects.get().status == ImportStatus.DONE
    assert job.candidates.count() == rows
    assert bool(calls) is refreshed
    if refreshed:
        assert {m._meta.model_name for m in calls[0]} == {"candidate", "stagechange", "invitation"}
