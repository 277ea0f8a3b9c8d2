"""Input the database cannot take: NUL and control characters, over-long e-mail addresses.

Before the fix each of these was a 500 on PostgreSQL (NUL bytes, a 318-character e-mail) or
was stored on SQLite and later broke the XLSX export. The tests run on both databases (CI runs
the suite on SQLite and on PostgreSQL); on PostgreSQL they would fail with a DataError.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from servicefit.assessments.models import Answer, AssessmentSession
from servicefit.assessments.services import create_invitation, plan_for
from servicefit.audit.models import AuditEvent
from servicefit.backoffice.forms import candidate_version
from servicefit.candidates.importing import (
    CandidateImportError,
    import_candidates,
    read_table,
    validate_rows,
)
from servicefit.candidates.models import Candidate, StageChange
from servicefit.candidates.services import add_candidate
from servicefit.demo_assessments import simulate_assessment
from servicefit.security.text import TextTooLong, clean_text, printable

pytestmark = pytest.mark.django_db

LONG_EMAIL = "a" * 300 + "@" + "b" * 13 + ".com"  # 318 characters, valid-looking


# -- the one normalisation -------------------------------------------------------------------


def test_clean_text_removes_nul_and_control_characters_and_keeps_line_breaks_only_when_asked():
    raw = "Dear\x00 Anna,\r\nthanks\x0bfor\x1bwaiting\x7f\x85.\ud800 Cafe\u0301"
    assert clean_text(raw, multiline=True) == "Dear Anna,\nthanks\nforwaiting. Café"
    # NEL (U+0085) is a line break: a space in single-line text.
    assert clean_text(raw) == "Dear Anna, thanks forwaiting . Café"
    assert clean_text("  \t Jan\n Nowak \x00") == "Jan Nowak"
    assert clean_text(None) == ""


def test_clean_text_measures_the_cleaned_text_against_the_column():
    assert clean_text("x\x00" * 200, max_length=200) == "x" * 200
    with pytest.raises(TextTooLong) as too_long:
        clean_text("x" * 201, max_length=200)
    assert (too_long.value.length, too_long.value.limit) == (201, 200)


def test_printable_keeps_ordinary_text_untouched():
    assert printable("Anna Berg") == "Anna Berg"
    assert printable("Anna\x0bBerg\x00") == "Anna Berg"


# -- the candidate's answers and withdraw reason ---------------------------------------------


def test_a_reply_with_a_nul_byte_is_stored_without_it(client, started):
    key = plan_for(AssessmentSession.objects.get()).keys("reply")[0]
    client.get(f"/a/{started}/p/reply-1/")
    response = client.post(
        f"/a/{started}/answer/", {"key": key, key: "Hello\x00 Mr Jensen,\r\nsorry\x0c"}
    )
    assert response.status_code == 200, response.content
    assert Answer.objects.get(key=key).text == "Hello Mr Jensen,\nsorry"


def test_a_reply_page_post_with_a_nul_byte_is_stored_without_it(client, started):
    key = plan_for(AssessmentSession.objects.get()).keys("reply")[0]
    response = client.post(f"/a/{started}/p/reply-1/", {key: "Dear\x00 customer"})
    assert response.status_code == 302
    assert Answer.objects.get(key=key).text == "Dear customer"


def test_a_withdraw_reason_with_control_characters_is_stored_clean(client, started):
    response = client.post(f"/a/{started}/withdraw/", {"reason": "Found\x00 a job\x0b" + "!" * 900})
    assert response.status_code == 200
    note = StageChange.objects.get(reason_code="candidate_withdrew").note
    assert note.startswith("Found a job\n!!!") and "\x00" not in note
    assert len(note) == 500


# -- the import ------------------------------------------------------------------------------


def test_an_import_cell_with_nul_and_vertical_tab_is_imported_clean(job, recruiter):
    data = b"name,email\nAnna\x00 Berg\x0b,anna@example.com\x00\n"
    created = import_candidates(job=job, file_name="people.csv", data=data, added_by=recruiter)
    assert [(c.name, c.email) for c in created] == [("Anna Berg", "anna@example.com")]


def test_an_import_with_a_318_character_email_names_the_row_and_stores_no_one(job, recruiter):
    data = f"name,email\nAnna,anna@example.com\nBo,{LONG_EMAIL}\n".encode()
    _valid, problems = validate_rows(job, read_table("people.csv", data))
    assert [(p.row, p.column) for p in problems] == [(3, "email")]
    assert "longer than 254 characters" in problems[0].message
    with pytest.raises(CandidateImportError):
        import_candidates(job=job, file_name="people.csv", data=data, added_by=recruiter)
    assert Candidate.objects.count() == 0


# -- back-office forms -----------------------------------------------------------------------


def test_adding_a_candidate_with_a_318_character_email_is_a_form_error(client, recruiter, job):
    client.force_login(recruiter)
    response = client.post(
        f"/jobs/{job.pk}/candidates/new/",
        {"name": "Bo", "email": LONG_EMAIL, "language": "en"},
    )
    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not Candidate.objects.exists()


def test_no_email_input_carries_a_maxlength_that_would_cut_a_pasted_address(job):
    """The limit is checked and named by the form; the browser must not cut silently."""
    from functools import partial

    from servicefit.backoffice.forms import CandidateEditForm, CandidateForm

    candidate = add_candidate(job=job, name="Bo", email="bo@example.com")
    edit_form = partial(CandidateEditForm, candidate=candidate)
    for form_class in (partial(CandidateForm, job=job), edit_form):
        html = str(form_class()["email"])
        assert 'type="email"' in html and "maxlength" not in html
        form = form_class(data={"name": "Bo", "email": LONG_EMAIL, "language": "en"})
        assert form.errors["email"] == [
            "Ensure this value has at most 254 characters (it has 318)."
        ]


def test_adding_a_candidate_removes_control_characters_from_the_name(client, recruiter, job):
    client.force_login(recruiter)
    response = client.post(
        f"/jobs/{job.pk}/candidates/new/",
        {"name": "Anna\x0b Berg\x00", "email": "anna@example.com", "language": "en"},
    )
    assert response.status_code == 302
    assert Candidate.objects.get().name == "Anna Berg"


def test_a_stage_note_with_a_nul_byte_is_stored_without_it(client, recruiter, job):
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Anna", email="anna@example.com")
    client.post(
        f"/candidates/{candidate.pk}/stage/",
        {
            "opened_stage": "invited",
            "stage": "shortlisted",
            "reason_code": "other",
            "note": "Strong\x00 reply\r\nline 2",
        },
    )
    assert candidate.stage_changes.last().note == "Strong reply\nline 2"


# -- correcting a candidate ------------------------------------------------------------------


def test_a_recruiter_corrects_name_and_email_and_the_change_is_audited(client, recruiter, job):
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Anna\x0bBerg", email="anna@exmaple.com")
    Candidate.objects.filter(pk=candidate.pk).update(name="Anna\x0bBerg")  # stored long ago
    page = client.get(f"/candidates/{candidate.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/candidates/{candidate.pk}/edit/",
        {
            "name": "Anna Berg",
            "email": "Anna@Example.com ",
            "language": "en",
            "extra_time_percent": "0",
            "reason": "typo",
            "opened_version": page.context["form"]["opened_version"].value(),
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.name, candidate.email) == ("Anna Berg", "anna@example.com")
    event = AuditEvent.objects.get(action="candidate.updated")
    assert event.actor == recruiter
    assert event.detail == {"fields": ["name", "email"], "reason": "typo"}


def test_correcting_to_an_address_already_in_the_job_is_refused(client, recruiter, job):
    client.force_login(recruiter)
    add_candidate(job=job, name="Anna", email="anna@example.com")
    bo = add_candidate(job=job, name="Bo", email="bo@example.com")
    response = client.post(
        f"/candidates/{bo.pk}/edit/",
        {
            "name": "Bo",
            "email": "anna@example.com",
            "language": "en",
            "extra_time_percent": "0",
            "opened_version": candidate_version(bo),
        },
    )
    assert response.status_code == 400
    assert "already a candidate" in response.content.decode()
    bo.refresh_from_db()
    assert bo.email == "bo@example.com"


def test_an_interviewer_cannot_edit_a_candidate(client, interviewer, job):
    client.force_login(interviewer)
    candidate = add_candidate(job=job, name="Anna", email="anna@example.com")
    response = client.post(
        f"/candidates/{candidate.pk}/edit/", {"name": "X", "email": "x@example.com"}
    )
    assert response.status_code == 403
    candidate.refresh_from_db()
    assert candidate.name == "Anna"


# -- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_exports_never_fail_on_stored_control_characters(client, recruiter, job, fmt):
    client.force_login(recruiter)
    candidate = add_candidate(job=job, name="Anna Berg", email="anna@example.com")
    simulate_assessment(candidate=candidate, rng=__import__("random").Random(1))
    # Text stored before the normalisation existed (or written by another tool).
    Candidate.objects.filter(pk=candidate.pk).update(name="Anna\x0bBerg\x01", email="=a@b.dk")
    response = client.get(f"/jobs/{job.pk}/export.{fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        rows = list(sheet.iter_rows(values_only=True))
    else:
        import csv

        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    emails = [row[2] for row in rows[1:]]
    assert names == ["Anna Berg"]
    assert emails == ["'=a@b.dk"]


@pytest.fixture
def started(client, job):
    candidate = add_candidate(job=job, name="Mette Holm", email="mette@example.com")
    token = create_invitation(candidate=candidate, created_by=None).token
    assert client.post(f"/a/{token}/", {"consent": "yes"}).status_code == 302
    return token
