"""The instructions for use in every interface language, and their drift from the English text.

The English file is the reference (EU AI Act Art. 13 asks for instructions in a language the
deployer understands; the product shows them in the interface language). The drift checks
fail when the English text gains or loses a heading, a table row or column, or a number that
a translation has not caught up with, naming the file and what differs.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from markdown_it import MarkdownIt

from servicefit.backoffice import instructions_for_use
from servicefit.backoffice.instructions_for_use import (
    TRANSLATED_LANGUAGES,
    file_name,
    load_instructions,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
ENGLISH = DOCS / "instructions-for-use.md"

# A heading only the file of that language has: proves which file the page shows.
SECTION = {
    "en": "Known limits",
    "da": "Kendte begrænsninger",
    "sv": "Kända begränsningar",
    "nb": "Kjente begrensninger",
    "pl": "Znane ograniczenia",
}


# ---- the page --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", *TRANSLATED_LANGUAGES])
def test_the_page_shows_the_interface_languages_file_with_its_lang(client, recruiter, language):
    client.force_login(recruiter)
    page = client.get(
        reverse("backoffice:instructions"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert f'<article class="prose" lang="{language}">' in page
    assert f"<h2>{SECTION[language]}</h2>" in page
    for other, heading in SECTION.items():
        if other != language:
            assert f"<h2>{heading}</h2>" not in page, f"{other} text on the {language} page"


@pytest.mark.django_db
def test_a_missing_translation_falls_back_to_english_and_says_so(
    client, recruiter, tmp_path, monkeypatch
):
    (tmp_path / "instructions-for-use.md").write_text(ENGLISH.read_text(encoding="utf-8"))
    monkeypatch.setattr(instructions_for_use, "SEARCH_DIRS", (tmp_path,))
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:instructions"), HTTP_ACCEPT_LANGUAGE="da").content
    page = page.decode()
    assert '<article class="prose" lang="en">' in page
    assert "<h2>Known limits</h2>" in page


@pytest.mark.django_db
def test_no_file_at_all_is_reported(client, recruiter, tmp_path, monkeypatch):
    monkeypatch.setattr(instructions_for_use, "SEARCH_DIRS", (tmp_path,))
    client.force_login(recruiter)
    page = client.get(reverse("backoffice:instructions")).content.decode()
    assert "are not installed with this copy of ServiceFit" in page
    assert "<article" not in page


def test_the_packaged_copy_wins_and_unknown_languages_never_name_a_file(tmp_path):
    packaged, checkout = tmp_path / "packaged", tmp_path / "checkout"
    packaged.mkdir()
    checkout.mkdir()
    (packaged / "instructions-for-use.sv.md").write_text("packaged sv")
    (checkout / "instructions-for-use.sv.md").write_text("checkout sv")
    (checkout / "instructions-for-use.md").write_text("checkout en")
    dirs = (packaged, checkout)
    assert load_instructions("sv", search_dirs=dirs).text == "packaged sv"
    assert load_instructions("sv-FI", search_dirs=dirs).language == "sv"
    assert load_instructions("pl", search_dirs=dirs).text == "checkout en"
    for odd in ("de", "../instructions-for-use", "", None):
        shown = load_instructions(odd, search_dirs=dirs)
        assert (shown.language, shown.text) == ("en", "checkout en")


def test_every_translation_is_shipped_in_sdists_and_wheels():
    """setup.py copies docs/instructions-for-use*.md into the wheel; MANIFEST.in into sdists."""
    root = DOCS.parent
    assert "include docs/instructions-for-use*.md" in (root / "MANIFEST.in").read_text()
    assert 'PATTERN = "instructions-for-use*.md"' in (root / "setup.py").read_text()
    shipped = {p.name for p in DOCS.glob("instructions-for-use*.md")}
    wanted = {file_name(code) for code in ("en", *TRANSLATED_LANGUAGES)}
    assert wanted <= shipped


# ---- drift from the English text -------------------------------------------------------


def outline(text: str) -> dict[str, list]:
    """Heading levels in order, each table's (rows, columns of each row), digit sequences."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    tables: list[tuple[int, tuple[int, ...]]] = []
    row_widths: list[int] = []
    for token in tokens:
        if token.type == "table_open":
            row_widths = []
        elif token.type == "tr_open":
            row_widths.append(0)
        elif token.type in ("th_open", "td_open"):
            row_widths[-1] += 1
        elif token.type == "table_close":
            tables.append((len(row_widths), tuple(row_widths)))
    return {"headings": headings, "tables": tables, "numbers": re.findall(r"\d+", text)}


def drift(english: str, translation: str, name: str) -> list[str]:
    """What a translation named ``name`` lacks compared with the English text (empty if none)."""
    en, tr = outline(english), outline(translation)
    problems = []
    if en["headings"] != tr["headings"]:
        problems.append(
            f"{name}: headings differ from the English file: English levels "
            f"{en['headings']}, {name} levels {tr['headings']}"
        )
    if en["tables"] != tr["tables"]:
        problems.append(
            f"{name}: tables differ from the English file (rows, columns per row): "
            f"English {en['tables']}, {name} {tr['tables']}"
        )
    # Every digit sequence of the English text, as often as it occurs there (so 30 -> 25
    # is caught even though 30 also appears elsewhere).
    missing = sorted((Counter(en["numbers"]) - Counter(tr["numbers"])).elements(), key=int)
    if missing:
        problems.append(f"{name}: numbers of the English file missing here: {missing}")
    return problems


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_each_translation_matches_the_english_structure_tables_and_numbers(language):
    path = DOCS / file_name(language)
    assert path.is_file(), f"{path.name} is missing: translate docs/instructions-for-use.md"
    problems = drift(
        ENGLISH.read_text(encoding="utf-8"), path.read_text(encoding="utf-8"), path.name
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_each_translation_opens_with_a_note_naming_the_english_reference(language):
    text = (DOCS / file_name(language)).read_text(encoding="utf-8")
    note = text.split("\n\n", 1)[0]
    assert note.startswith("> "), f"{file_name(language)} must open with the translation note"
    assert "`docs/instructions-for-use.md`" in note
    assert re.search(r"\b[0-9a-f]{7,40}\b", note), "the note names the English commit"
    assert re.search(r"\b\d{4}-\d{2}-\d{2}\b", note), "the note names the English text's date"


def test_the_drift_check_names_the_file_and_what_differs():
    english = ENGLISH.read_text(encoding="utf-8")
    danish = (DOCS / "instructions-for-use.da.md").read_text(encoding="utf-8")
    edited = (
        english
        + "\n## A new section\n\nKeep 42 records.\n\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n"
    )
    problems = drift(edited, danish, "instructions-for-use.da.md")
    assert len(problems) == 3
    assert all(p.startswith("instructions-for-use.da.md: ") for p in problems)
    assert "headings differ" in problems[0]
    assert "tables differ" in problems[1]
    assert "missing here: [" in problems[2] and "'42'" in problems[2]
    # A table that loses a row is caught too, and the untouched text has no drift.
    one_row_less = re.sub(r"\n\| Flags[^\n]*", "", english, count=1)
    assert "tables differ" in drift(one_row_less, english, "x.md")[0]
    # A number changed to one that occurs elsewhere is still caught (counted, not a set).
    changed = english.replace("183", "30")
    assert changed != english
    assert drift(english, changed, "x.md") == [
        "x.md: numbers of the English file missing here: ['183']"
    ]
    assert drift(english, english, "x.md") == []
