"""Tokenisation with character offsets into the original text.

The reply is never rewritten: every token keeps ``start``/``end`` offsets into the string the
caller passed, so evidence spans can be highlighted exactly. HTML or script tags are not
interpreted; ``<b>`` is just punctuation and the letter ``b``.

A word is read the same however its letters are encoded: combining accents ("a" + U+030A
as typed on some systems, for "å") belong to the word they follow, and invisible format
characters inside a word (a zero-width space or joiner, a soft hyphen) do not split it. The
span keeps every character as written; :attr:`Token.lower`, which patterns and lemmas read,
is the word in NFC without the invisible characters (:func:`reading_form`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Combining marks (accents typed or stored decomposed, NFD): part of the letter before them.
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
#: Invisible format characters that may sit inside a word (pasted text): soft hyphen,
#: zero-width space, non-joiner and joiner, word joiner, zero-width no-break space.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_DROP_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))
#: A run of letters/digits with their combining marks, and invisible characters between them.
_LETTERS = rf"[^\W_](?:[^\W_]|[{_MARKS}]|[{INVISIBLE}]+(?=[^\W_]))*"
#: A word: letters/digits, optionally joined by an apostrophe or hyphen ("don't", "e-mail").
_WORD_RE = re.compile(rf"{_LETTERS}(?:['’\-]{_LETTERS})*")


def reading_form(text: str) -> str:
    """``text`` as the analysis reads it: NFC, without invisible format characters (the
    same words whether accents were typed composed or decomposed)."""
    return unicodedata.normalize("NFC", text.translate(_DROP_INVISIBLE))


_SENTENCE_END_RE = re.compile(r"[.!?…]+|\n\s*\n|\n")
_CLAUSE_BREAK_RE = re.compile(r"[.!?…;:,\n()\[\]\"“”«»–—]")
_SENTENCE_BREAK_RE = re.compile(r"[.!?…\n]")
#: Words that take an abbreviation's full stop before a number or a lower-case word ("kl. 14",
#: "ca. 3 dage", "godz. 10", "f.eks. i morgen"): the last part, as it is tokenised.
ABBREVIATIONS = frozenset(
    {
        # da / nb / sv
        "kl", "ca", "nr", "tlf", "tel", "evt", "inkl", "ekskl", "jf", "fx", "eks", "ex", "dvs",
        "osv", "mht", "pga", "bl", "ifm",
        # en
        "approx", "etc", "vs",
        # pl
        "godz", "np", "tzn", "ul", "tj", "wg",
    }
)  # fmt: skip


def _breaks_sentence(gap: str, previous: str, following: str) -> bool:
    """Whether the text ``gap`` between two words ends a sentence.

    A full stop with no space after it is inside a word group, not at a sentence's end: a time
    or a number ("22.10", "1.500"), an abbreviation with inner stops ("f.eks", "t.ex", "e.g"), an
    address ("servicefit.dk"). Nor is the stop of a known abbreviation followed by a number or
    a lower-case word ("kl. 14", "ca. tre dage").
    """
    if not _SENTENCE_BREAK_RE.search(gap):
        return False
    if gap == ".":
        return False
    if gap.rstrip() == "." and "\n" not in gap and reading_form(previous).lower() in ABBREVIATIONS:
        return not (following[:1].isdigit() or following[:1].islower())
    return True


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the reply."""

    index: int
    start: int
    end: int
    surface: str  # as written
    lower: str  # casefolded, typographic apostrophe normalised
    sentence_break_before: bool  # a sentence ends between the previous token and this one
    clause_break_before: bool  # punctuation separates this token from the previous one
    line_start: bool  # first word on its line


def tokenize(text: str) -> tuple[Token, ...]:
    """Split ``text`` into word tokens, recording sentence and clause boundaries."""
    tokens: list[Token] = []
    previous_end = 0
    previous = ""
    for index, match in enumerate(_WORD_RE.finditer(text)):
        gap = text[previous_end : match.start()]
        surface = match.group()
        tokens.append(
            Token(
                index=index,
                start=match.start(),
                end=match.end(),
                surface=surface,
                lower=reading_form(surface).lower().replace("’", "'"),
                sentence_break_before=index == 0 or _breaks_sentence(gap, previous, surface),
                clause_break_before=index == 0 or bool(_CLAUSE_BREAK_RE.search(gap)),
                line_start=index == 0 or "\n" in gap,
            )
        )
        previous_end = match.end()
        previous = surface
    return tuple(tokens)


def count_sentences(text: str) -> int:
    """Number of sentences: runs of text ended by ., !, ?, … or a line break."""
    parts = [p for p in _SENTENCE_END_RE.split(text) if _WORD_RE.search(p)]
    return len(parts)
