"""Suggested 1-5 ratings with explanations that name their evidence.

The ratings are transparent point sums over the signals, the text metrics and the language
check; no sentiment lexicon is involved (such lexicons score an apology as negative and a
curt "it is your own fault" as neutral). Each rating starts from a base value, every piece of
evidence adds or subtracts a fixed amount, and the sum is rounded and clipped to 1-5. A person
confirms or changes every suggested rating.

Explanations are :class:`ExplanationItem` values: a message ``code`` with ``params`` that a
user interface can translate, plus an English ``text``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
class ExplanationItem:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return MESSAGES[self.code].format(**self.params)

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


def _clip(score: float) -> int:
    return max(1, min(5, int(score + 0.5)))


class _Evidence:
    """Signals grouped by label, with helpers that add points and explanation items."""

    def __init__(self, signals: Sequence[Signal]) -> None:
        self.by_label: dict[str, list[Signal]] = {}
        for s in signals:
            self.by_label.setdefault(s.label, []).append(s)

    def has(self, label: str) -> bool:
        return label in self.by_label

    def item(self, label: str) -> ExplanationItem:
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
        return ExplanationItem(code, params)

    def score(
        self, base: float, weights: Mapping[str, float], items: list[ExplanationItem]
    ) -> float:
        total = base
        for label, weight in weights.items():
            if self.has(label):
                total += weight
                items.append(self.item(label))
            elif weight > 0:
                items.append(self.item(label))
        return total


#: Points per politeness (or brusqueness) marker unit, and how many units count at most.
MARKER_POINTS = 0.25
MAX_MARKERS = 3

COURTESY_WEIGHTS = {
    "greeting": 0.75,
    "closing": 0.5,
    "thanks": 0.5,
    "customer_name": 0.25,
    "apology": 0.5,
    "blame": -1.5,
    "condescension": -1.5,
    "shouting": -1.5,
}
EMPATHY_WEIGHTS = {
    "empathy": 2.0,
    "apology": 1.0,
    "customer_name": 0.5,
    "blame": -1.0,
    "condescension": -1.0,
    "shouting": -0.5,
}
OWNERSHIP_WEIGHTS = {
    "ownership": 1.5,
    "next_step": 1.0,
    "alternative_offered": 1.0,
    "blame": -1.5,
}
CLARITY_WEIGHTS = {"next_step": 0.75, "shouting": -1.0}
LENGTH_POINTS = {"empty": -3.0, "very_short": -2.0, "short": -1.0, "adequate": 0.0, "long": -1.0}
READABILITY_POINTS = {"very_easy": 0.0, "easy": 0.25, "medium": 0.0, "hard": -0.5}
READABILITY_POINTS["very_hard"] = -1.0


def suggest_ratings(
    signals: Sequence[Signal],
    metrics: TextMetrics,
    language: LanguageResult,
    *,
    courtesy_markers: Sequence[tuple[str, float]] = (),
    discourtesy_markers: Sequence[tuple[str, float]] = (),
) -> dict[str, Rating]:
    """The five suggested ratings, each with its explanation."""
    if metrics.words == 0:
        empty = (ExplanationItem("empty_reply"),)
        return {name: Rating(name, 1, empty, 0.0) for name in RATING_NAMES}
    ev = _Evidence(signals)
    ratings: dict[str, Rating] = {}

    items: list[ExplanationItem] = []
    courtesy = ev.score(2.75, COURTESY_WEIGHTS, items)
    for markers, sign, code in (
        (courtesy_markers, 1.0, "courtesy_markers"),
        (discourtesy_markers, -1.0, "discourtesy_markers"),
    ):
        if markers:
            units = min(sum(weight for _, weight in markers), MAX_MARKERS)
            courtesy += sign * MARKER_POINTS * units
            names = [name for name, _ in markers]
            items.append(
                ExplanationItem(code, {"markers": ", ".join(names[:4]), "count": len(names)})
            )
    ratings["courtesy"] = Rating("courtesy", _clip(courtesy), tuple(items), courtesy)

    items = []
    empathy = ev.score(1.0, EMPATHY_WEIGHTS, items)
    ratings["empathy"] = Rating("empathy", _clip(empathy), tuple(items), empathy)

    items = []
    ownership = ev.score(1.25, OWNERSHIP_WEIGHTS, items)
    ratings["ownership"] = Rating("ownership", _clip(ownership), tuple(items), ownership)

    items = []
    clarity = ev.score(3.5, CLARITY_WEIGHTS, items)
    clarity += LENGTH_POINTS[metrics.length]
    items.append(ExplanationItem("length", {"words": metrics.words, "length": metrics.length}))
    if metrics.readability is not None:
        clarity += READABILITY_POINTS[metrics.readability]
        items.append(
            ExplanationItem(
                "readability",
                {
                    "lix": round(metrics.lix),
                    "band": metrics.readability,
                    "language": language.expected,
                },
            )
        )
    wrong = language.wrong_language
    if wrong:
        clarity = min(clarity, 2.0)
        items.append(
            ExplanationItem(
                "wrong_language", {"detected": language.detected, "expected": language.expected}
            )
        )
    ratings["clarity"] = Rating("clarity", _clip(clarity), tuple(items), clarity)

    parts = {name: ratings[name].value for name in ("courtesy", "empathy", "ownership", "clarity")}
    overall = (
        0.3 * parts["courtesy"]
        + 0.2 * parts["empathy"]
        + 0.3 * parts["ownership"]
        + 0.2 * parts["clarity"]
    )
    items = [ExplanationItem("combined", dict(parts))]
    negatives = [label for label in ("blame", "condescension", "shouting") if ev.has(label)]
    cap = 5
    if negatives:
        cap = 2 if len(negatives) == 1 else 1
    if wrong or metrics.length == "very_short":
        cap = min(cap, 2)
    if cap < 5 and overall > cap:
        reasons = [LABEL_TEXT[n].lower() for n in negatives]
        reasons += ["wrong language"] if wrong else []
        reasons += ["a very short reply"] if metrics.length == "very_short" else []
        items.append(
            ExplanationItem("capped_by_negative", {"cap": cap, "labels": ", ".join(reasons)})
        )
    ratings["overall"] = Rating("overall", min(cap, _clip(overall)), tuple(items), overall)
    return ratings
