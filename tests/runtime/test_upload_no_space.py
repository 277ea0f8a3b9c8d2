"""An upload on a full disk: a clear error on the same form, nothing stored, one log line.

Django writes an upload too large for memory to a temporary file while it reads the request;
with ``TMPDIR`` full that write raised ``OSError: [Errno 28]`` and the user saw the 500 page.
Here Django's own temporary-file handler is made to raise that error.
"""

from __future__ import annotations

import errno
import logging
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.urls import reverse

from servicefit.branding.models import Branding
from servicefit.candidates.models import Candidate, CandidateImport

pytestmark = pytest.mark.django_db

NO_SPACE = (
    "The server has no space left to store the file. Nothing was imported; ask your administrator."
)
CSV = b"name,email,language\nAnna Berg,anna@example.com,da\nBo Ek,bo@example.com,sv\n"


@pytest.fixture
def full_disk(monkeypatch, settings, tmp_path):
    """Every upload goes to a temporary file, whose writing fails as on a full disk."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)

    def no_space(self, raw_data, start):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", no_space)
    return tmp_path


def test_a_csv_import_on_a_full_disk_says_so_on_the_form_and_stores_nothing(
    client, recruiter, job, full_disk, caplog
):
    client.force_login(recruiter)
    with caplog.at_level(logging.INFO):
        response = client.post(
            reverse("backoffice:candidate_import", args=[job.pk]),
            {"file": SimpleUploadedFile("anna-berg-list.csv", CSV), "send_invitations": "on"},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [NO_SPACE]
    assert NO_SPACE in response.content.decode()
    assert "This field is required" not in response.content.decode()
    assert CandidateImport.objects.count() == 0  # no partial batch
    assert Candidate.objects.count() == 0
    assert list(full_disk.iterdir()) == []  # nothing half-written left in the upload folder
    lines = [r.getMessage() for r in caplog.records if r.name == "servicefit.uploads"]
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "no space left on device" in lines[0] and str(full_disk) in lines[0]
    assert "anna" not in lines[0].lower() and "berg" not in lines[0].lower()


@pytest.mark.parametrize("language", ["da", "sv", "nb", "pl"])
def test_the_errors_are_translated(language):
    from django.utils import translation

    from servicefit.runtime.uploads import NO_SPACE_IMPORT, NO_SPACE_SAVED

    with translation.override(language):
        assert str(NO_SPACE_IMPORT) != NO_SPACE
        assert str(NO_SPACE_SAVED) != str(NO_SPACE_IMPORT)
        assert "NO_SPACE" not in str(NO_SPACE_IMPORT)


def test_a_logo_on_a_full_disk_changes_nothing(client, admin_user, full_disk):
    """The logo is optional: a dropped file must not save the rest as if no logo was sent."""
    from tests.branding.test_branding import png

    client.force_login(admin_user)
    response = client.post(
        "/settings/branding/",
        {
            "organisation_name": "Fjord & Co",
            "accent_colour": "#7A1F5C",
            "logo": SimpleUploadedFile("l.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["logo"] == [
        "The server has no space left to store the file. Nothing was saved; ask your administrator."
    ]
    brand = Branding.current()
    assert brand.organisation_name != "Fjord & Co" and not brand.has_logo


def test_other_errors_are_not_hidden(client, recruiter, job, monkeypatch, settings, tmp_path):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)

    def broken(self, raw_data, start):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", broken)
    client.force_login(recruiter)
    client.raise_request_exception = True
    with pytest.raises(OSError, match="Input/output"):
        client.post(
            reverse("backoffice:candidate_import", args=[job.pk]),
            {"file": SimpleUploadedFile("people.csv", CSV)},
        )


def test_a_small_upload_still_works_when_only_the_temporary_folder_is_full(
    client, recruiter, job, monkeypatch
):
    """A file small enough for memory never touches the disk: a failure to create the
    temporary file it would not have used must not refuse it."""

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", no_space)
    client.force_login(recruiter)
    response = client.post(
        reverse("backoffice:candidate_import", args=[job.pk]),
        {"file": SimpleUploadedFile("people.csv", CSV)},
    )
    assert response.status_code == 302
    assert CandidateImport.objects.count() == 1
