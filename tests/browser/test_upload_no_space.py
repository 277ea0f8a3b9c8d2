"""A CSV import on a full disk, in a real browser: the error on the same form, nothing stored."""

from __future__ import annotations

import errno
import os

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from servicefit.candidates.models import Candidate, CandidateImport

from .conftest import form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_import_on_a_full_disk_says_so_on_the_form(
    recruiter_page, live_server, job, tmp_path, settings, monkeypatch
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file …
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()

    def no_space(self, raw_data, start):  # … which cannot be written: the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", no_space)
    people = tmp_path / "people.csv"
    people.write_text("name,email,language\nAnna Berg,anna@example.com,da\n", encoding="utf-8")

    page = recruiter_page
    page.goto(f"{live_server.url}/jobs/{job.pk}/candidates/import/")
    upload = form(page, "candidate-import")
    upload.locator("input[type=file]").set_input_files(str(people))
    upload.locator("button[type=submit]").click()
    page.wait_for_load_state("load")

    again = form(page, "candidate-import")  # the same form, with the reason on it
    assert again.count() == 1
    assert (
        "The server has no space left to store the file. Nothing was imported; ask your "
        "administrator." in again.inner_text()
    )
    assert "Server Error" not in page.content()
    assert CandidateImport.objects.count() == 0
    assert Candidate.objects.count() == 0
    assert list((tmp_path / "uploads").iterdir()) == []
