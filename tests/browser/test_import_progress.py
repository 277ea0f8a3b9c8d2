"""The import page in a real browser: upload, watch the progress, see what was stored."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from servicefit.assessments.models import EmailStatus, Invitation
from servicefit.candidates.models import CandidateImport, ImportStatus

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def run_worker():
    from servicefit.runtime.worker import ResilientWorker

    ResilientWorker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()


def test_the_import_runs_in_the_background_and_the_page_shows_its_progress(
    recruiter_page, live_server, job, tmp_path, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = recruiter_page
    people = tmp_path / "people.csv"
    rows = [f"Person {i},person{i}@example.com,{'sv' if i % 2 else 'da'}" for i in range(30)]
    people.write_text("name,email,language\n" + "\n".join(rows) + "\n", encoding="utf-8")

    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/import/")
    page.set_input_files("#id_file", str(people))
    page.check("#id_send_invitations")
    page.click("button:has-text('Import')")
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/imports/\d+/$"))

    # the request stored the upload and returned; nothing is parsed until the worker runs
    assert page.get_attribute("#import-progress", "data-status") == "queued"
    assert job.candidates.count() == 0
    candidate_import = CandidateImport.objects.get()
    assert candidate_import.send_invitations is True

    run_worker()  # checks and stores the file, then sends the e-mails

    # htmx polls the status panel: it turns to done without a reload
    page.wait_for_selector("#import-progress[data-status='done']", timeout=10000)
    assert "30 candidates imported." in page.inner_text("#import-progress")
    # the page keeps polling while e-mails are queued, until every one is sent
    page.locator(".import-emails", has_text="30 sent, 0 queued, 0 failed").wait_for(timeout=10000)
    candidate_import.refresh_from_db()
    assert candidate_import.status == ImportStatus.DONE
    assert job.candidates.count() == 30
    assert job.candidates.get(email="person1@example.com").language == "sv"
    assert Invitation.objects.filter(email_status=EmailStatus.SENT).count() == 30
    assert len(mail.outbox) == 30


def test_a_refused_file_lists_its_problems_on_the_progress_page(
    recruiter_page, live_server, job, tmp_path, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = recruiter_page
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email\nAnna,anna@example.com\nBo,not-an-email\n", encoding="utf-8")
    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/import/")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('Import')")
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/imports/\d+/$"))
    run_worker()
    page.wait_for_selector("#import-progress[data-status='failed']", timeout=10000)
    assert "not-an-email" in page.inner_text(".import-problems")
    assert job.candidates.count() == 0


def test_an_excel_csv_in_windows_1252_with_semicolons_imports_with_its_letters(
    recruiter_page, live_server, job, tmp_path, settings
):
    """Excel on a Danish Windows saves "CSV" as Windows-1252 with ";": the letters survive."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = recruiter_page
    people = tmp_path / "kandidater.csv"
    people.write_bytes(
        "Name;E-mail\r\nSøren Ærø;soren@example.dk\r\nÅse Bøgh;ase@example.dk\r\n".encode("cp1252")
    )
    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/import/")
    page.set_input_files("#id_file", str(people))
    page.click("button:has-text('Import')")
    page.wait_for_url(re.compile(rf"/jobs/{job.pk}/imports/\d+/$"))
    run_worker()
    page.wait_for_selector("#import-progress[data-status='done']", timeout=10000)
    assert "Søren Ærø, Åse Bøgh" in page.inner_text(".import-sample")
    assert sorted(job.candidates.values_list("name", flat=True)) == ["Søren Ærø", "Åse Bøgh"]
