"""Suggested 1-5 ratings with explanations that name their evidence and how much it counted.

Each rating is a learned linear point sum over a few transparent features of the reply (which
signals it shows, the politeness markers, the length and readability bands, the language
check), cut into 1-5 at learned cut points; no sentiment lexicon is involved. The weights,
cut points and the negative-signal cap are fitted to the development set's human ratings by
``python -m servicefit.language.train_ratings`` and shipped in ``rating_model.json``. A piece
of evidence that moved a rating carries its contribution in ``params["points"]`` (weight x
feature value, on the 1-5 scale), so the explanation says what moved the rating and by how
much. A person confirms or changes every suggested rating.

Explanations are :class:`ExplanationItem` values: a message ``code`` with ``params`` that a
user interface can translate, plus an English ``text``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from servicefit.language.detect import LanguageResult
from servicefit.language.readability import TextMetrics
from servicefit.language.signals import Signal

RATING_NAMES: tuple[str, ...] = ("courtesy", "empathy", "ownership", "clarity", "overall")

#: English text for each explanation code; ``{name}`` placeholders come from ``params``.
MESSAGES: dict[str, str] = {
    "empty_reply": "The reply has no words to assess.",
    "signal_present": "{label_text}: “{evidence}”.",
    "signal_missing": "Not found: {label_text}.",
    "negative_signal": "{label_text} lowers the rating: “{evidence}”.",
    "model_signal": "{label_text}: “{evidence}” (the sentence model is {confidence}% sure).",
    "model_negative_signal": "{label_text} lowers the rating: “{evidence}” "
    "(the sentence model is {confidence}% sure).",
    "courtesy_markers": "Polite phrasing ({markers}).",
    "discourtesy_markers": "Brusque phrasing ({markers}).",
    "readability": "Readability LIX {lix} ({band}) for {language}.",
    "length": "{words} words ({length}).",
    "wrong_language": "Written in {detected}, not the expected {expected}.",
    "combined": "Overall from courtesy {courtesy}, empathy {empathy}, ownership {ownership} "
    "and clarity {clarity}.",
    "capped_by_negative": "Capped at {cap} because of {labels}.",
}
LABEL_TEXT: dict[str, str] = {
    "greeting": "Greeting",
    "closing": "Closing",
    "customer_name": "Uses the customer's name",
    "thanks": "Thanks the customer",
    "apology": "Apology",
    "empathy": "Acknowledges the customer's situation",
    "ownership": "Takes ownership",
    "next_step": "Concrete next step",
    "alternative_offered": "Offers an alternative",
    "blame": "Blaming or arguing",
    "condescension": "Condescension",
    "shouting": "Shouting",
}


#: Noun phrases for signals that were looked for and not found.
MISSING_TEXT: dict[str, str] = {
    "greeting": "a greeting",
    "closing": "a closing",
    "customer_name": "the customer's name",
    "thanks": "thanks",
    "apology": "an apology",
    "empathy": "an acknowledgement of the customer's situation",
    "ownership": "ownership (“I will…”)",
    "next_step": "a concrete next step or time frame",
    "alternative_offered": "an alternative when saying no",
}


def with_points(text: str, points: str | float | None) -> str:
    """``text`` with a contribution before its final full stop: "Apology: “sorry” (+0.40)."."""
    if points is None or points == "":
        return text
    shown = points if isinstance(points, str) else f"{points:+.2f}"
    return f"{text[:-1]} ({shown})." if text.endswith(".") else f"{text} ({shown})"


@dataclass(frozen=True, slots=True)
class ExplanationItem:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """English; with the item's contribution when it moved the rating ("... (+0.40)")."""
        return with_points(MESSAGES[self.code].format(**self.params), self.params.get("points"))

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params), "text": self.text}


@dataclass(frozen=True, slots=True)
class Rating:
    name: str
    value: int
    explanation: tuple[ExplanationItem, ...]
    points: float  # the unrounded point sum behind ``value``

    @property
    def text(self) -> str:
        return " ".join(item.text for item in self.explanation)


class _Evidence:
    """Signals grouped by label, with helpers that add points and explanation items."""

    def __init__(self, signals: Sequence[Signal]) -> None:
        self.by_label: dict[str, list[Signal]] = {}
        for s in signals:
            self.by_label.setdefault(s.label, []).append(s)

    def has(self, label: str) -> bool:
        return label in self.by_label

    def strength(self, label: str) -> float:
        """1.0 for pattern evidence, else the sentence model's highest confidence, else 0."""
        found = self.by_label.get(label, ())
        if any(s.source == "pattern" for s in found):
            return 1.0
        return max((s.confidence or 0.0 for s in found), default=0.0)

    def item(self, label: str, points: float | None = None) -> ExplanationItem:
        found = self.by_label.get(label)
        if not found:
            return ExplanationItem(
                "signal_missing", {"label": label, "label_text": MISSING_TEXT[label]}
            )
        # a pattern match is the more precise evidence; else the sentence the model flagged
        first = next((s for s in found if s.source == "pattern"), found[0])
        params: dict[str, Any] = {
            "label": label,
            "label_text": LABEL_TEXT[label],
            "evidence": first.text,
        }
        negative = first.polarity == "negative"
        if first.source == "model":
            code = "model_negative_signal" if negative else "model_signal"
            params["confidence"] = round(100 * (first.confidence or 0.0))
        else:
            code = "negative_signal" if negative else "signal_present"
        if points is not None:
            params["points"] = points
        return ExplanationItem(code, params)


#: The features of a reply that the ratings are computed from. A signal's value is 1.0 for
#: pattern evidence and the sentence model's confidence for model-only evidence.
SIGNAL_FEATURES: tuple[str, ...] = tuple(LABEL_TEXT)
NEGATIVE_SIGNALS: tuple[str, ...] = ("blame", "condescension", "shouting")
#: Politeness (brusqueness) marker units count up to this many.
MAX_MARKERS = 3.0
#: ``length:log_words`` stops rising at 256 words (log2(256 / 64)): the raters' longest
#: replies were about 300 words, so beyond that the learned "longer reads as more courteous"
#: would be an extrapolation, and padding a reply with filler would buy points (until 1.4.4
#: the cap was 512 words: 800 words of "P.S." filler added 1.23 to courtesy).
LOG_WORDS_CAP = 2.0
#: the length band ("adequate" = 0) and ``length:log_words`` = log2(words / 64), limited to
#: -3..LOG_WORDS_CAP, so the length can count without bands alone
LENGTH_FEATURES = ("length:very_short", "length:short", "length:long", "length:log_words")
READABILITY_FEATURES = (
    "readability:easy",
    "readability:medium",
    "readability:hard",
    "readability:very_hard",
)  # "very_easy" = 0
FEATURES: tuple[str, ...] = (
    *SIGNAL_FEATURES,
    "courtesy_markers",
    "discourtesy_markers",
    *LENGTH_FEATURES,
    *READABILITY_FEATURES,
    "wrong_language",
)
#: The direction a feature may move a rating (the rubric's; a learned weight of the other
#: sign is dropped), 0 = either direction.
FEATURE_SIGNS: dict[str, int] = {
    **{name: 1 for name in SIGNAL_FEATURES},
    **{name: -1 for name in NEGATIVE_SIGNALS},
    "courtesy_markers": 1,
    "discourtesy_markers": -1,
    **{name: -1 for name in LENGTH_FEATURES},
    "length:log_words": 0,
    **{name: 0 for name in READABILITY_FEATURES},
    "wrong_language": -1,
}
MODEL_FILE = "rating_model.json"
#: The shipped rating model for each sentence model: the ratings learn how much the evidence
#: of *that* model is worth (the e5 model finds other signals, with other confidences).
MODEL_FILES: dict[str, str] = {"lemma": MODEL_FILE, "e5": "rating_model_e5.json"}


def rating_features(
    signals: Sequence[Signal],
    metrics: TextMetrics,
    language: LanguageResult,
    *,
    courtesy_markers: Sequence[tuple[str, float]] = (),
    discourtesy_markers: Sequence[tuple[str, float]] = (),
) -> dict[str, float]:
    """The reply's rating features (:data:`FEATURES`), each 0 when absent."""
    ev = _Evidence(signals)
    features = {name: ev.strength(name) for name in SIGNAL_FEATURES}
    features["courtesy_markers"] = min(sum(w for _, w in courtesy_markers), MAX_MARKERS)
    features["discourtesy_markers"] = min(sum(w for _, w in discourtesy_markers), MAX_MARKERS)
    for name in LENGTH_FEATURES + READABILITY_FEATURES:
        features[name] = 0.0
    if f"length:{metrics.length}" in features:
        features[f"length:{metrics.length}"] = 1.0
    features["length:log_words"] = max(
        -3.0, min(LOG_WORDS_CAP, math.log2(max(metrics.words, 1) / 64))
    )
    if f"readability:{metrics.readability}" in features:
        features[f"readability:{metrics.readability}"] = 1.0
    features["wrong_language"] = 1.0 if language.wrong_language else 0.0
    return features


@dataclass(frozen=True, slots=True)
class LinearRating:
    """``points = intercept + sum(weights[f] * x[f])``; the value is 1 + the number of
    ``cutpoints`` (ascending) that ``points`` reaches."""

    intercept: float
    weights: Mapping[str, float]
    cutpoints: tuple[float, ...]

    def points(self, features: Mapping[str, float]) -> float:
        return self.intercept + sum(w * features.get(f, 0.0) for f, w in self.weights.items())

    def value(self, points: float) -> int:
        return 1 + sum(points >= c for c in self.cutpoints)


@dataclass(frozen=True, slots=True)
class RatingModel:
    """The learned ratings: one :class:`LinearRating` per name in :data:`RATING_NAMES`.

    ``negative_cap``: blame, condescension or shouting with at least this strength (1.0 =
    pattern evidence, below it the sentence model's confidence) caps overall at 2, two or
    more of them at 1; ``None``: no such cap. A reply in the wrong language or a very short
    one is always capped at 2 overall (and the wrong language caps clarity at 2).
    ``politeness``: a logistic regression over the same features, fitted on TyDiP English
    train only, whose sign (``points >= 0``) reads a text as polite or impolite
    (:func:`servicefit.language.courtesy_is_polite`); its cut points are unused.
    """

    ratings: Mapping[str, LinearRating]
    negative_cap: float | None = None
    politeness: LinearRating | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    #: the politeness head's weights on the text's e5 embedding (384 numbers; the e5 rating
    #: model only), and how many of e5's layers that embedding comes from
    politeness_embedding: tuple[float, ...] | None = None
    politeness_layers: int | None = None

    def politeness_points(
        self, features: Mapping[str, float], embedding: Sequence[float] | None = None
    ) -> float:
        """The politeness head's score (polite when >= 0): its rating-feature points plus,
        for a head with embedding weights, their dot product with the text's embedding."""
        if self.politeness is None:
            raise ValueError("this rating model has no politeness head")
        points = self.politeness.points(features)
        if self.politeness_embedding is not None and embedding is not None:
            points += math.fsum(
                w * x for w, x in zip(self.politeness_embedding, embedding, strict=True)
            )
        return points

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": 1,
            "features": list(FEATURES),
            "negative_cap": self.negative_cap,
            "politeness": None
            if self.politeness is None
            else {
                "intercept": round(self.politeness.intercept, 6),
                "weights": {f: round(w, 6) for f, w in self.politeness.weights.items() if w},
            },
            "ratings": {
                name: {
                    "intercept": round(r.intercept, 6),
                    "weights": {f: round(w, 6) for f, w in r.weights.items() if w},
                    "cutpoints": [round(c, 6) for c in r.cutpoints],
                }
                for name, r in self.ratings.items()
            },
            "meta": dict(self.meta),
        } | (
            {}
            if self.politeness_embedding is None
            else {
                "politeness_embedding": {
                    "layers": self.politeness_layers,
                    "weights": [round(w, 5) for w in self.politeness_embedding],
                }
            }
        )

    def values(self, features: Mapping[str, float]) -> dict[str, int]:
        """The five rating values for a reply's features (no explanation)."""
        result = {}
        for name in RATING_NAMES:
            linear = self.ratings[name]
            cap, _ = rating_cap(name, features, self.negative_cap)
            result[name] = min(linear.value(linear.points(features)), cap)
        return result

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RatingModel:
        if data.get("format") != 1 or set(data.get("ratings", {})) != set(RATING_NAMES):
            raise ValueError("not a rating model (format 1 with every rating)")
        ratings = {}
        for name, spec in data["ratings"].items():
            unknown = set(spec["weights"]) - set(FEATURES)
            if unknown:
                raise ValueError(f"rating model {name}: unknown features {sorted(unknown)}")
            cutpoints = tuple(float(c) for c in spec["cutpoints"])
            if len(cutpoints) != 4 or list(cutpoints) != sorted(cutpoints):
                raise ValueError(f"rating model {name}: needs four ascending cut points")
            ratings[name] = LinearRating(
                float(spec["intercept"]),
                {f: float(w) for f, w in spec["weights"].items()},
                cutpoints,
            )
        cap = data.get("negative_cap")
        polite = data.get("politeness")
        politeness = None
        if polite:
            politeness = LinearRating(
                float(polite["intercept"]),
                {f: float(w) for f, w in polite["weights"].items() if f in FEATURES},
                (),
            )
        embedding = data.get("politeness_embedding")
        return cls(
            ratings,
            None if cap is None else float(cap),
            politeness,
            dict(data.get("meta", {})),
            None if not embedding else tuple(float(w) for w in embedding["weights"]),
            None if not embedding or embedding.get("layers") is None else int(embedding["layers"]),
        )


def rating_cap(
    name: str, features: Mapping[str, float], negative_cap: float | None
) -> tuple[int, list[str]]:
    """The highest value rating ``name`` may take, and why (English reasons).

    Overall: 2 for a reply in the wrong language or a very short one; 2 for one of blame,
    condescension, shouting with strength >= ``negative_cap``, 1 for two or more. Clarity: 2
    in the wrong language.
    """
    wrong = features.get("wrong_language", 0.0) > 0
    if name == "clarity":
        return (2, ["wrong language"]) if wrong else (5, [])
    if name != "overall":
        return 5, []
    negatives = [
        label
        for label in NEGATIVE_SIGNALS
        if negative_cap is not None
        and features.get(label, 0.0) > 0
        and features[label] >= negative_cap
    ]
    cap = 5 if not negatives else 2 if len(negatives) == 1 else 1
    reasons = [LABEL_TEXT[n].lower() for n in negatives]
    if wrong:
        cap = min(cap, 2)
        reasons.append("wrong language")
    if features.get("length:very_short", 0.0) > 0:
        cap = min(cap, 2)
        reasons.append("a very short reply")
    return cap, reasons


@cache
def load_rating_model(sentence_model: str | None = None) -> RatingModel:
    """The shipped rating model for ``sentence_model`` ("lemma", the default, or "e5"; a
    file next to this module, :data:`MODEL_FILES`). Patterns only use the lemma one; so does
    "e5" when ``rating_model_e5.json`` is not shipped."""
    name = MODEL_FILES.get(sentence_model or "lemma", MODEL_FILE)
    resource = resources.files("servicefit.language") / name
    if not resource.is_file():
        resource = resources.files("servicefit.language") / MODEL_FILE
    return RatingModel.from_dict(json.loads(resource.read_text(encoding="utf-8")))


def _items(
    rating: LinearRating,
    features: Mapping[str, float],
    ev: _Evidence,
    markers: Mapping[str, Sequence[tuple[str, float]]],
) -> list[ExplanationItem]:
    """One item per feature the rating uses: what was found and what it added (``points``)."""
    items: list[ExplanationItem] = []
    for name in FEATURES:
        weight = rating.weights.get(name, 0.0)
        if not weight:
            continue
        value = features.get(name, 0.0)
        points = round(weight * value, 2)
        if name in SIGNAL_FEATURES:
            if value > 0:
                items.append(ev.item(name, points))
            elif weight > 0 and name in MISSING_TEXT:
                items.append(ev.item(name))
        elif name in markers and value > 0:
            found = [n for n, _ in markers[name]]
            params = {"markers": ", ".join(found[:4]), "count": len(found), "points": points}
            items.append(ExplanationItem(name, params))
    return items


def suggest_ratings(
    signals: Sequence[Signal],
    metrics: TextMetrics,
    language: LanguageResult,
    *,
    courtesy_markers: Sequence[tuple[str, float]] = (),
    discourtesy_markers: Sequence[tuple[str, float]] = (),
    model: RatingModel | None = None,
) -> dict[str, Rating]:
    """The five suggested ratings, each with its explanation (``model``: the shipped one)."""
    if metrics.words == 0:
        empty = (ExplanationItem("empty_reply"),)
        return {name: Rating(name, 1, empty, 0.0) for name in RATING_NAMES}
    model = model or load_rating_model()
    ev = _Evidence(signals)
    features = rating_features(
        signals,
        metrics,
        language,
        courtesy_markers=courtesy_markers,
        discourtesy_markers=discourtesy_markers,
    )
    markers = {"courtesy_markers": courtesy_markers, "discourtesy_markers": discourtesy_markers}
    wrong = language.wrong_language
    ratings: dict[str, Rating] = {}
    for name in RATING_NAMES:
        linear = model.ratings[name]
        points = linear.points(features)
        value = linear.value(points)
        items = _items(linear, features, ev, markers)
        length_points = sum(linear.weights.get(f, 0.0) * features[f] for f in LENGTH_FEATURES)
        if name == "clarity" or length_points:
            items.append(
                ExplanationItem(
                    "length",
                    {"words": metrics.words, "length": metrics.length}
                    | ({"points": round(length_points, 2)} if length_points else {}),
                )
            )
        read_points = sum(linear.weights.get(f, 0.0) * features[f] for f in READABILITY_FEATURES)
        if metrics.readability is not None and (name == "clarity" or read_points):
            params: dict[str, Any] = {
                "lix": round(metrics.lix),
                "band": metrics.readability,
                "language": language.expected,
            }
            if read_points:
                params["points"] = round(read_points, 2)
            items.append(ExplanationItem("readability", params))
        if wrong and (name in ("clarity", "overall") or linear.weights.get("wrong_language")):
            params = {"detected": language.detected, "expected": language.expected}
            if linear.weights.get("wrong_language"):
                params["points"] = round(linear.weights["wrong_language"], 2)
            items.append(ExplanationItem("wrong_language", params))
        cap, reasons = rating_cap(name, features, model.negative_cap)
        if name == "overall" and value > cap:
            items.append(
                ExplanationItem("capped_by_negative", {"cap": cap, "labels": ", ".join(reasons)})
            )
        ratings[name] = Rating(name, min(value, cap), tuple(items), points)
    return ratings
