"""Offline lemmatisation and dictionary look-ups with simplemma, cached per word."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from servicefit.language.text import Token

#: simplemma language codes for the supported languages.
LEMMA_LANGUAGES = {"en": "en", "da": "da", "sv": "sv", "nb": "nb", "pl": "pl"}


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """simplemma's lemma of ``word`` (lower case), cached."""
    import simplemma

    try:
        return str(simplemma.lemmatize(word, lang=LEMMA_LANGUAGES[language])).lower()
    except (ValueError, KeyError):  # pragma: no cover - unknown language code
        return word


def lemmas_of(tokens: Sequence[Token], language: str) -> list[str]:
    return [lemma(t.lower, language) for t in tokens]


@lru_cache(maxsize=50_000)
def is_word(word: str, language: str) -> bool:
    """Is ``word`` (lower case) in simplemma's dictionary for ``language``?

    Used to tell a shouted word ("NOT", "ALREADY") from an acronym ("BTW", "GDPR").
    """
    import simplemma

    try:
        return bool(simplemma.is_known(word, lang=LEMMA_LANGUAGES[language]))
    except (ValueError, KeyError):  # pragma: no cover - unknown language code
        return False
