"""Cues that are not phrases: the customer's name, shouting, smileys."""

from __future__ import annotations

import re
from collections.abc import Sequence

from servicefit.language.lemmas import is_word
from servicefit.language.names import COMMON_WORD_FORMS, name_part_forms
from servicefit.language.text import Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_EXCLAMATIONS_RE = re.compile(r"[!?]*!{2,}[!?]*|[!?]*\?!+[!?]*|!+\?[!?]*")
_CAPS_ACRONYMS = _words(
    "ASAP FAQ GDPR RODO PDF HTML IBAN SWIFT VAT MOMS NIP PESEL REGON SMS ID URL USA EU "
    "BLIK DHL UPS GLS PIN PUK NOK DKK SEK PLN EUR USD CEO OK PS TV GB MB SE DK NO PL UK "
    "BOK SIM APP MMS ATM NIP KRS PKO LTE FAQ CVR"
)
#: Titles that may stand before a name used as a greeting ("Pani Katarzyno", "Mr Baker").
NAME_TITLES = _words("pani panie pan ms mr mrs miss fru herr frk hr")
_SMILEY_RE = re.compile(r"(?<![\w:;])[:;]-?[)D](?!\w)|[\U0001F600-\U0001F60A\U0001F642\U0001F44D]")


def smiley_matches(text: str) -> list[tuple[str, float]]:
    """A smiley or friendly emoji, as a courtesy marker (at most one is counted)."""
    found = _SMILEY_RE.search(text)
    return [(found.group(), 1.0)] if found else []


def name_matches(
    tokens: Sequence[Token], customer_name: str | None, *, language: str = "en"
) -> list[tuple[int, int, str]]:
    """Where the customer's name (or an inflected form of a part of it) is used.

    A capitalised token counts when it *is* an accepted form of a name part
    (:func:`~servicefit.language.names.name_part_forms`: "Anno", "Janowi", "Kowalskiej",
    "Kasiu", "Mettes", "Sarah's"), or when a part of a hyphenated token is ("Anne-Marie").
    A form that is also an everyday word ("Ani", "Marka") does not count at the start of a
    sentence, where any word is capitalised.
    """
    if not customer_name:
        return []
    parts = name_part_forms(customer_name, language)
    if not parts:
        return []
    common = COMMON_WORD_FORMS.get(language, frozenset())

    def part_of(token: Token) -> int | None:
        if not token.surface[:1].isupper():
            return None
        if token.lower in common and token.sentence_break_before:
            return None
        pieces = [token.lower, *token.lower.split("-")] if "-" in token.lower else [token.lower]
        for index, forms in enumerate(parts):
            if any(piece in forms for piece in pieces):
                return index
        return None

    spans: list[tuple[int, int, str]] = []
    for i, token in enumerate(tokens):
        index = part_of(token)
        if index is None:
            continue
        end = token.end
        # "Sarah Mitchell": extend over the following name part
        if i + 1 < len(tokens) and not tokens[i + 1].clause_break_before:
            following = part_of(tokens[i + 1])
            if following is not None and following != index:
                end = tokens[i + 1].end
        spans.append((token.start, end, "customer_name"))
    return spans


def shouting_matches(
    text: str, tokens: Sequence[Token], *, languages: Sequence[str] = ("en",)
) -> list[tuple[int, int, str]]:
    """Repeated exclamation marks, and words in capitals that are words, not acronyms."""
    spans: list[tuple[int, int, str]] = []
    for m in _EXCLAMATIONS_RE.finditer(text):
        spans.append((m.start(), m.end(), "repeated_exclamation"))
    run: list[Token] = []

    def known(token: Token) -> bool:
        return any(is_word(token.lower, lang) for lang in languages)

    def flush() -> None:
        letters = sum(sum(c.isalpha() for c in t.surface) for t in run)
        if ((len(run) >= 2 and letters >= 5) or (len(run) == 1 and letters >= 3)) and any(
            known(t) for t in run
        ):
            spans.append((run[0].start, run[-1].end, "capitals"))
        run.clear()

    for token in tokens:
        letters = [c for c in token.surface if c.isalpha()]
        caps = len(letters) >= 2 and all(c.isupper() for c in letters)
        if caps and token.surface not in _CAPS_ACRONYMS:
            if run and token.clause_break_before and token.sentence_break_before:
                flush()
            run.append(token)
        else:
            flush()
    flush()
    return spans
