"""Which file of the instructions for use to show, in which language.

The source is ``docs/instructions-for-use.md`` (English, the reference version) and its
translations ``docs/instructions-for-use.<lang>.md`` for the other interface languages. A
checkout or editable install reads them from ``docs/``; a built wheel carries copies in
``servicefit/backoffice/docs/`` (``setup.py`` copies them at build time), which win when
present. A language without a file falls back to English, and the caller is told which
language it got so the page's ``lang`` attribute is true.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STEM = "instructions-for-use"
REFERENCE_LANGUAGE = "en"
TRANSLATED_LANGUAGES = ("da", "sv", "nb", "pl")

PACKAGED_DIR = Path(__file__).resolve().parent / "docs"
CHECKOUT_DIR = Path(__file__).resolve().parents[3] / "docs"
SEARCH_DIRS = (PACKAGED_DIR, CHECKOUT_DIR)


@dataclass(frozen=True)
class Instructions:
    """The text to show (empty when no file is installed) and its language code."""

    text: str
    language: str


def file_name(language: str) -> str:
    """``instructions-for-use.md`` for English, ``instructions-for-use.<lang>.md`` otherwise."""
    if language == REFERENCE_LANGUAGE:
        return f"{STEM}.md"
    return f"{STEM}.{language}.md"


def _base_language(language: str | None) -> str:
    return (language or REFERENCE_LANGUAGE).lower().split("-")[0].split("_")[0]


def _read(name: str, search_dirs: tuple[Path, ...]) -> str:
    for directory in search_dirs:
        try:
            return (directory / name).read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


def load_instructions(
    language: str | None, *, search_dirs: tuple[Path, ...] | None = None
) -> Instructions:
    """The instructions in ``language`` if translated and installed, else in English.

    ``search_dirs`` defaults to ``SEARCH_DIRS`` (looked up per call). Only the known
    language codes are turned into file names, so the language can never name another file.
    """
    if search_dirs is None:
        search_dirs = SEARCH_DIRS
    wanted = _base_language(language)
    if wanted in TRANSLATED_LANGUAGES:
        text = _read(file_name(wanted), search_dirs)
        if text:
            return Instructions(text=text, language=wanted)
    return Instructions(
        text=_read(file_name(REFERENCE_LANGUAGE), search_dirs), language=REFERENCE_LANGUAGE
    )
