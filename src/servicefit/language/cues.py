"""Cues that are not phrases: the customer's name, shouting, smileys."""

from __future__ import annotations

import re
from collections.abc import Sequence

from servicefit.language.lemmas import is_word
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


def _name_stems(customer_name: str, *, trim: int) -> list[tuple[str, int]]:
    """(stem, longest accepted form) for each part of the name.

    Names of six letters or more may end differently: ``trim`` letters are dropped
    (2 for genitive "-s", 3 in Polish for vocatives and diminutives: "Tomaszu", "Tomek").
    """
    stems = []
    for part in re.findall(r"[^\W\d_]+", customer_name):
        if len(part) < 2:
            continue
        low = part.lower()
        stems.append((low if len(low) <= 5 else low[: len(low) - trim], len(low) + 2))
    return stems


def name_matches(
    tokens: Sequence[Token], customer_name: str | None, *, language: str = "en"
) -> list[tuple[int, int, str]]:
    """Where the customer's name (or an inflected form of a part of it) is used."""
    if not customer_name:
        return []
    stems = _name_stems(customer_name, trim=3 if language == "pl" else 2)
    spans: list[tuple[int, int, str]] = []
    for i, token in enumerate(tokens):
        if not token.surface[:1].isupper():
            continue
        for stem, longest in stems:
            if token.lower.startswith(stem) and len(token.lower) <= longest:
                end = token.end
                # "Sarah Mitchell": extend over the following name part
                if i + 1 < len(tokens) and not tokens[i + 1].clause_break_before:
                    nxt = tokens[i + 1]
                    if nxt.surface[:1].isupper() and any(
                        nxt.lower.startswith(s) for s, _ in stems if s != stem
                    ):
                        end = nxt.end
                spans.append((token.start, end, "customer_name"))
                break
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
