"""Offline language identification with lingua, limited to a few languages.

The detector knows the five candidate languages plus a handful of common others, so that a
reply written in, say, German is reported as German instead of being forced into the nearest
candidate language. Danish and Norwegian Bokmål are close; when lingua's margin between them
is small, distinctive spellings (``af``/``av``, ``mig``/``meg``, ``hvad``/``hva`` ...) break
the tie.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from servicefit.language.text import reading_form

#: Languages the analysis has patterns for (ISO 639-1).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "da", "sv", "nb", "pl")
#: Other languages the detector can name, so a reply in them is not forced into a candidate.
OTHER_LANGUAGES: tuple[str, ...] = ("de", "nl", "fr", "es", "fi")

#: Below this many letters, a detection is reported as uncertain whatever its confidence.
MIN_LETTERS = 20
#: Below this confidence, a detection is reported as uncertain.
MIN_CONFIDENCE = 0.5
#: Only a detection at or above this confidence can flag the reply as in the wrong language.
WRONG_LANGUAGE_CONFIDENCE = 0.7
#: When lingua's da/nb margin is below this, distinctive spellings decide.
DA_NB_TIE_MARGIN = 0.6


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_DANISH_ONLY = _words(
    "af hvad nu meget efter mig dig sig lidt nogen nogle hjælpe hjælp spørgsmål undskyld "
    "rigtig rigtigt gerne beløb uge ugen penge tilbage venlig venlige tak købe købt "
    "desværre sådan kære jer jeres opkrævning selvfølgelig sætte"
)
_BOKMAL_ONLY = _words(
    "av hva nå mye veldig etter meg deg seg litt noen noe hjelpe hjelp spørsmål unnskyld "
    "riktig riktige gjerne beløp uke uken penger tilbake vennlig vennlige takk kjøpe kjøpt "
    "dessverre sånn kjære dere deres ønsker selvsagt sette"
)
# words shared by both lists are not distinctive
_DANISH_MARKERS = _DANISH_ONLY - _BOKMAL_ONLY
_BOKMAL_MARKERS = _BOKMAL_ONLY - _DANISH_ONLY
_LETTER_RE = re.compile(r"[^\W\d_]")
_WORD_RE = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class LanguageResult:
    """What language a reply is written in, and whether that is the expected one.

    ``detected`` is lingua's best guess (ISO 639-1), or ``None`` for text without letters.
    ``matches_expected`` is ``None`` when the detection is uncertain. ``wrong_language`` is
    only true for a confident detection of another language.
    """

    expected: str
    detected: str | None
    confidence: float
    uncertain: bool
    matches_expected: bool | None
    wrong_language: bool
    scores: Mapping[str, float]
    tie_break: str | None = None  # "da_nb_spelling" when spellings decided da vs nb

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "detected": self.detected,
            "confidence": round(self.confidence, 3),
            "uncertain": self.uncertain,
            "matches_expected": self.matches_expected,
            "wrong_language": self.wrong_language,
        }


@cache
def _detector() -> Any:
    """Build the lingua detector once per process (building it is the slow part)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in SUPPORTED_LANGUAGES + OTHER_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).with_low_accuracy_mode().build()


def _iso(language: Any) -> str:
    return str(language.iso_code_639_1.name).lower()


def _da_nb_spelling_vote(text: str) -> int:
    """Positive when Danish spellings dominate, negative when Bokmål ones do."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    danish = sum(1 for w in words if w in _DANISH_MARKERS)
    bokmal = sum(1 for w in words if w in _BOKMAL_MARKERS)
    return danish - bokmal


def detect_language(text: str, *, expected: str) -> LanguageResult:
    """Identify the language of ``text`` and compare it with ``expected``.

    The text is read in NFC without invisible format characters (:func:`.text.reading_form`),
    so decomposed accents or a zero-width space change nothing. Text in which lingua finds no
    language at all (every confidence 0: "ok", "OK") has ``detected`` ``None``, as text
    without letters has."""
    text = reading_form(text)
    letters = len(_LETTER_RE.findall(text))
    values = _detector().compute_language_confidence_values(text) if letters else []
    if letters == 0 or not any(v.value > 0 for v in values):
        return LanguageResult(
            expected=expected,
            detected=None,
            confidence=0.0,
            uncertain=True,
            matches_expected=None,
            wrong_language=False,
            scores={},
        )
    scores = {_iso(v.language): float(v.value) for v in values}
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    detected, confidence = ranked[0]
    tie_break = None
    if detected in ("da", "nb") and letters >= 8:
        other = "nb" if detected == "da" else "da"
        margin = confidence - scores.get(other, 0.0)
        if margin < DA_NB_TIE_MARGIN:
            vote = _da_nb_spelling_vote(text)
            winner = "da" if vote > 0 else "nb" if vote < 0 else detected
            if winner != detected:
                tie_break = "da_nb_spelling"
                detected = winner
                # the pair's combined mass, since the two were only split by spelling
                confidence = min(1.0, scores.get("da", 0.0) + scores.get("nb", 0.0))
            elif vote != 0:
                tie_break = "da_nb_spelling"
                confidence = min(1.0, scores.get("da", 0.0) + scores.get("nb", 0.0))
    uncertain = letters < MIN_LETTERS or confidence < MIN_CONFIDENCE
    matches = None if uncertain else detected == expected
    wrong = (
        not uncertain
        and detected != expected
        and confidence >= WRONG_LANGUAGE_CONFIDENCE
        and letters >= MIN_LETTERS
    )
    return LanguageResult(
        expected=expected,
        detected=detected,
        confidence=confidence,
        uncertain=uncertain,
        matches_expected=matches,
        wrong_language=wrong,
        scores=dict(ranked[:3]),
        tie_break=tie_break,
    )
