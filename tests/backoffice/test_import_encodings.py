"""Candidate files as spreadsheets really save them: Windows code pages, UTF-16, semicolons.

Excel on Windows writes "CSV" in the computer's code page (Windows-1252 in Denmark, Sweden and
Norway, Windows-1250 in Poland) with ";" where the decimal separator is a comma, and "Unicode
text" as UTF-16 with tabs. Every such file imports with its letters intact; a file that cannot
be read as text, or whose code page cannot be told, is refused with a message saying so.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from servicefit.candidates.importing import CandidateImportError, read_table
from servicefit.candidates.models import CandidateImport, ImportStatus

pytestmark = pytest.mark.django_db

OLD_EXCEL = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200) + b"name,email\n"  # .xls renamed
DANISH = "name;email;language\nSøren Ærø;soren@example.dk;da\nÅse Bøgh;ase@example.dk;da\n"
POLISH = "name;email;language\nŁukasz Żółć;lukasz@example.pl;pl\nJózef Gąska;jozef@example.pl;pl\n"


def names(file_name: str, data: bytes, **kwargs) -> list[str]:
    return [values["name"] for _number, values in read_table(file_name, data, **kwargs)]


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (DANISH, "cp1252", ["Søren Ærø", "Åse Bøgh"]),
        (POLISH, "cp1250", ["Łukasz Żółć", "Józef Gąska"]),
        (DANISH, "utf-8", ["Søren Ærø", "Åse Bøgh"]),
        (POLISH, "utf-8-sig", ["Łukasz Żółć", "Józef Gąska"]),
        (DANISH.replace(";", "\t"), "utf-16", ["Søren Ærø", "Åse Bøgh"]),
        (POLISH.replace(";", "\t"), "utf-16", ["Łukasz Żółć", "Józef Gąska"]),
    ],
)
def test_excel_encodings_and_separators_keep_the_letters(text, encoding, expected):
    file_name = "people.txt" if encoding == "utf-16" else "people.csv"
    assert names(file_name, text.encode(encoding)) == expected


def test_a_comma_in_a_name_does_not_mislead_the_semicolon_separator():
    data = "name;email\nHansen, Søren;soren@example.dk\n".encode("cp1252")
    assert read_table("people.csv", data) == [
        (2, {"name": "Hansen, Søren", "email": "soren@example.dk"})
    ]


def test_a_binary_file_is_refused_with_a_message_naming_the_problem():
    with pytest.raises(CandidateImportError) as refused:
        read_table("people.csv", OLD_EXCEL)
    assert "not a text (CSV) file" in str(refused.value)


def test_an_undecidable_code_page_is_refused_unless_the_job_languages_decide():
    # "Æble" (cp1252) and "Ćble" (cp1250) are the same bytes and both plausible
    data = "name,email\nÆble Hansen,a@example.dk\n".encode("cp1252")
    with pytest.raises(CandidateImportError) as refused:
        read_table("people.csv", data)
    assert "Windows-1252" in str(refused.value) and "Windows-1250" in str(refused.value)
    assert names("people.csv", data, languages=["da"]) == ["Æble Hansen"]
    assert names("people.csv", data, languages=["pl"]) == ["Ćble Hansen"]


def test_the_refusal_is_translated():
    from django.utils import translation

    with translation.override("da"), pytest.raises(CandidateImportError) as refused:
        read_table("people.csv", OLD_EXCEL)
    assert "not a text (CSV) file" not in str(refused.value)


def test_a_cp1252_upload_is_stored_with_its_letters_and_the_result_shows_them(
    client, recruiter, job
):
    client.force_login(recruiter)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("backoffice:candidate_import", args=[job.pk]),
            {"file": SimpleUploadedFile("people.csv", DANISH.encode("cp1252"))},
        )
    assert CandidateImport.objects.get().status == ImportStatus.DONE
    assert sorted(job.candidates.values_list("name", flat=True)) == ["Søren Ærø", "Åse Bøgh"]
    page = client.get(response["Location"]).content.decode()
    assert "Søren Ærø, Åse Bøgh" in page


@pytest.mark.parametrize(
    "header",
    [
        "Navn;E-mail;Sprog",
        "Namn;E-post;Språk",
        "Fullt navn;E-postadresse;Språk",
        "Imię i nazwisko;Adres e-mail;Język",
        "Name;E-mail address;Preferred language",
    ],
)
def test_headers_in_the_interface_languages_are_understood(header):
    data = f"{header}\nSøren Ærø;soren@example.dk;da\n".encode(
        "cp1252" if "ę" not in header else "utf-8"
    )
    rows = read_table("kandidater.csv", data)
    assert rows == [(2, {"name": "Søren Ærø", "email": "soren@example.dk", "language": "da"})]


def test_problems_name_the_column_as_the_file_writes_it(job):
    from servicefit.candidates.importing import validate_rows

    data = "Navn;E-mail;Sprog\nSøren;not-an-email;da\n;ase@example.dk;xx\n".encode("cp1252")
    _valid, problems = validate_rows(job, read_table("kandidater.csv", data))
    assert {(p.row, p.column) for p in problems} == {(2, "E-mail"), (3, "Navn"), (3, "Sprog")}
    assert "column 'E-mail'" in str(problems[0])


def test_the_import_page_shows_the_column_as_written(client, recruiter, job):
    client.force_login(recruiter)
    data = "Name;E-mail address\nSøren;not-an-email\n".encode("cp1252")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("backoffice:candidate_import", args=[job.pk]),
            {"file": SimpleUploadedFile("people.csv", data)},
        )
    page = client.get(response["Location"]).content.decode()
    assert "column &#x27;E-mail address&#x27;" in page or "column 'E-mail address'" in page
    assert "column &#x27;email&#x27;" not in page and "column 'email'" not in page
