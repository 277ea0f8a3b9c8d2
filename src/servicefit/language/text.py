"""Tokenisation with character offsets into the original text.

The reply is never rewritten: every token keeps ``start``/``end`` offsets into the string the
caller passed, so evidence spans can be highlighted exactly. HTML or script tags are not
interpreted; ``<b>`` is just punctuation and the letter ``b``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A word: letters/digits, optionally joined by an apostrophe or hyphen ("don't", "e-mail").
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SENTENCE_END_RE = re.compile(r"[.!?…]+|\n\s*\n|\n")
_CLAUSE_BREAK_RE = re.compile(r"[.!?…;:,\n()\[\]\"“”«»–—]")
_SENTENCE_BREAK_RE = re.compile(r"[.!?…\n]")


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
    for index, match in enumerate(_WORD_RE.finditer(text)):
        gap = text[previous_end : match.start()]
        surface = match.group()
        tokens.append(
            Token(
                index=index,
                start=match.start(),
                end=match.end(),
                surface=surface,
                lower=surface.lower().replace("’", "'"),
                sentence_break_before=index == 0 or bool(_SENTENCE_BREAK_RE.search(gap)),
                clause_break_before=index == 0 or bool(_CLAUSE_BREAK_RE.search(gap)),
                line_start=index == 0 or "\n" in gap,
            )
        )
        previous_end = match.end()
    return tuple(tokens)


def count_sentences(text: str) -> int:
    """Number of sentences: runs of text ended by ., !, ?, … or a line break."""
    parts = [p for p in _SENTENCE_END_RE.split(text) if _WORD_RE.search(p)]
    return len(parts)
