"""Transparent signals in a reply, each with evidence spans into the original text.

Phrase signals come from the per-language pattern files (matched on surface forms and
simplemma lemmas, with negation handling); ``customer_name`` is matched against the name the
caller gives; ``shouting`` is found from capitals and repeated exclamation marks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from servicefit.language.cues import NAME_TITLES, name_matches, shouting_matches
from servicefit.language.lemmas import LEMMA_LANGUAGES, lemmas_of
from servicefit.language.patterns import (
    LanguagePatterns,
    PatternIndex,
    load_patterns,
    match_at,
)
from servicefit.language.sentence_model import SentenceModel
from servicefit.language.sentences import split_sentences
from servicefit.language.text import Token

SIGNAL_LABELS: tuple[str, ...] = (
    "greeting",
    "closing",
    "customer_name",
    "thanks",
    "apology",
    "empathy",
    "ownership",
    "next_step",
    "alternative_offered",
    "blame",
    "condescension",
    "shouting",
)
NEGATIVE_SIGNALS = frozenset({"blame", "condescension", "shouting"})

#: Which competencies (ids of the competency model) each signal is evidence for.
SIGNAL_COMPETENCIES: dict[str, tuple[str, ...]] = {
    "greeting": ("courtesy",),
    "closing": ("courtesy",),
    "customer_name": ("valuing_customer", "courtesy"),
    "thanks": ("courtesy", "valuing_customer", "positive_attitude"),
    "apology": ("valuing_customer", "empathy", "courtesy"),
    "empathy": ("empathy", "active_listening"),
    "ownership": ("helpfulness", "problem_solving"),
    "next_step": ("clear_communication", "problem_solving", "organisation"),
    "alternative_offered": ("assertiveness", "problem_solving", "helpfulness"),
    "blame": ("composure", "emotional_distance"),
    "condescension": ("courtesy", "patience"),
    "shouting": ("composure", "courtesy"),
}

#: Another supported language with at least this lingua confidence also gets its patterns run.
OTHER_LANGUAGE_SHARE = 0.2
#: Greetings must begin within this many words of the start of the reply.
GREETING_WINDOW = 8
#: ... or begin a line within this many words (after a subject line, say).
GREETING_LINE_WINDOW = 20
#: Closings must begin within this many words of the end of the reply.
CLOSING_WINDOW = 25


#: The signals found by a rule rather than a phrase of a pattern file: ``Signal.pattern`` names
#: the rule, and ``Signal.why`` says what it looks for.
RULES: dict[str, str] = {
    "capitals": "words written in capitals",
    "repeated_exclamation": "repeated exclamation marks",
    "customer_name": "the customer's name or a form of it",
    "name_as_greeting": "the customer's name opens the reply",
}


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence: a label and the exact span of the reply that shows it."""

    label: str
    start: int
    end: int
    text: str
    polarity: Literal["positive", "negative"]
    competencies: tuple[str, ...]
    pattern: str  # the pattern (or rule, or model) that found it: why it is evidence
    source: Literal["pattern", "model"] = "pattern"
    confidence: float | None = None  # the sentence model's probability (source "model")

    @property
    def why(self) -> str:
        """Why this span is evidence, in one line (English)."""
        if self.source == "model":
            return f"{self.pattern} flagged this sentence ({self.confidence or 0:.0%} confident)"
        if self.pattern in RULES:
            return f"rule: {RULES[self.pattern]}"
        return f"pattern “{self.pattern}”"

    def to_dict(self, *, explain: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "polarity": self.polarity,
            "competencies": list(self.competencies),
        }
        if explain:
            data["why"] = {
                "source": self.source,
                "pattern" if self.source == "pattern" else "model": self.pattern,
                "confidence": None if self.confidence is None else round(self.confidence, 3),
                "text": self.why,
            }
        return data


def _is_negated(
    rules: LanguagePatterns,
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    first: int,
    last: int,
    gaps: tuple[int, ...],
) -> bool:
    if any(rules.is_negator(tokens[i].lower, lemmas[i]) for i in gaps):
        return True
    i = first
    for _ in range(rules.negation_window):
        if tokens[i].clause_break_before or i == 0:
            break
        i -= 1
        if tokens[i].lower in rules.scope_breakers:
            break
        if rules.is_negator(tokens[i].lower, lemmas[i]):
            return True
    j = last
    for _ in range(rules.negation_after):
        j += 1
        if j >= len(tokens) or tokens[j].clause_break_before:
            break
        if tokens[j].lower in rules.scope_breakers:
            break
        if rules.is_negator(tokens[j].lower, lemmas[j]):
            return True
    return False


def _position_ok(position: str, tokens: Sequence[Token], first: int) -> bool:
    if position == "start":
        if first < GREETING_WINDOW and not any(
            t.sentence_break_before for t in tokens[1 : first + 1]
        ):
            return True
        # an e-mail may open with a subject or reference line before the greeting
        return first < GREETING_LINE_WINDOW and tokens[first].line_start
    if position == "end":
        return first >= len(tokens) - CLOSING_WINDOW
    return True


def _merge(
    label: str,
    spans: list[tuple[int, int, str]],
    text: str,
    confidence: Mapping[tuple[str, int, int], float],
) -> list[Signal]:
    spans.sort()
    merged: list[tuple[int, int, str, float | None]] = []
    for start, end, source in spans:
        conf = confidence.get((label, start, end))
        if merged and start <= merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2], prev[3])
        else:
            merged.append((start, end, source, conf))
    polarity: Literal["positive", "negative"] = (
        "negative" if label in NEGATIVE_SIGNALS else "positive"
    )
    return [
        Signal(
            label,
            s,
            e,
            text[s:e],
            polarity,
            SIGNAL_COMPETENCIES[label],
            src,
            "pattern" if conf is None else "model",
            conf,
        )
        for s, e, src, conf in merged
    ]


def phrase_matches(
    rules: LanguagePatterns, tokens: Sequence[Token], lemmas: Sequence[str]
) -> dict[str, list[tuple[int, int, str]]]:
    """All non-negated pattern matches, by label, as (start, end, pattern) character spans."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    seen: set[tuple[str, int]] = set()
    # token ranges of negated matches, by label: "won't ask for forgiveness" negates the
    # whole phrase, so a shorter pattern inside it ("forgiveness") does not count either
    negated: dict[str, list[tuple[int, int]]] = {}
    for i, token in enumerate(tokens):
        for pattern in rules.candidates(token.lower, lemmas[i]):
            key = (pattern.label, i)
            if key in seen:
                continue
            hit = match_at(pattern, tokens, lemmas, i)
            if hit is None:
                continue
            last, gaps = hit
            spec = rules.signals[pattern.label]
            if not _position_ok(spec.position, tokens, i):
                continue
            if spec.negatable and (
                any(a <= i <= b for a, b in negated.get(pattern.label, ()))
                or _is_negated(rules, tokens, lemmas, i, last, gaps)
            ):
                negated.setdefault(pattern.label, []).append((i, last))
                continue
            seen.add(key)
            found.setdefault(pattern.label, []).append(
                (token.start, tokens[last].end, pattern.source)
            )
    return found


def marker_matches(
    index: PatternIndex, tokens: Sequence[Token], lemmas: Sequence[str]
) -> list[tuple[str, float]]:
    """The words matched by each distinct marker pattern of ``index``
    (:attr:`LanguagePatterns.courtesy_index` or ``discourtesy_index``; each pattern counted
    once, at its first match), with weights, in the order of the patterns."""
    markers = index.patterns
    first: dict[int, str] = {}
    for i, token in enumerate(tokens):
        for k in index.candidates(token.lower, lemmas[i]):
            if k in first:
                continue
            hit = match_at(markers[k], tokens, lemmas, i)
            if hit is not None:
                first[k] = " ".join(t.surface for t in tokens[i : hit[0] + 1])
    return [(first[k], markers[k].weight) for k in sorted(first)]


def _line_of(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start : len(text) if line_end < 0 else line_end]


_SENTENCE_END = re.compile(r"[.!?…\n]")


def _same_sentence(text: str, a: int, b: int) -> bool:
    lo, hi = min(a, b), max(a, b)
    return not _SENTENCE_END.search(text, lo, hi)


def _alone_on_line(text: str, start: int, end: int, *, max_extra_letters: int = 0) -> bool:
    """True if the span is (nearly) the only thing on its line."""
    line = _line_of(text, start, end)
    rest = line.replace(text[start:end], "", 1)
    return sum(c.isalpha() for c in rest) <= max_extra_letters


def _combine(
    text: str,
    tokens: Sequence[Token],
    found: dict[str, list[tuple[int, int, str]]],
) -> None:
    """Rules that look at several matches together (in place)."""
    # "Thanks," or "Many thanks" alone on a line near the end is a sign-off, not thanks.
    end_area = tokens[max(0, len(tokens) - CLOSING_WINDOW)].start if tokens else 0
    sign_offs = [
        span
        for span in found.get("thanks", [])
        if span[0] >= end_area and _alone_on_line(text, span[0], span[1])
    ]
    if sign_offs:
        found["thanks"] = [s for s in found["thanks"] if s not in sign_offs]
        found.setdefault("closing", []).extend(sign_offs)
    # The customer's name alone on the first line ("Sarah,", "Pani Katarzyno,") greets.
    names = found.get("customer_name", [])
    if not found.get("greeting") and names and tokens:
        first = names[0]
        lead = [t for t in tokens[:3] if t.start < first[0]]
        titled = bool(lead) and all(t.lower in NAME_TITLES for t in lead)
        if (titled and len(lead) == 1) or (
            not lead and _alone_on_line(text, first[0], first[1], max_extra_letters=0)
        ):
            start = lead[0].start if lead else first[0]
            found["greeting"] = [(start, first[1], "name_as_greeting")]
    # "We have ALREADY answered this" is no ownership when it is part of a rebuke.
    negative = found.get("blame", []) + found.get("condescension", [])
    if negative and found.get("ownership"):
        found["ownership"] = [
            span
            for span in found["ownership"]
            if not any(span[0] < n[1] and n[0] < span[1] for n in negative)
        ]

    # The sentence model's blame or condescension is the weaker evidence: it does not stand
    # in a sentence the patterns read as an apology, thanks or empathy ("Vi beklagar
    # förseningen"), nor add a second negative reading to a sentence the patterns already
    # mark with the other negative label (one rebuke is not counted twice).
    def model_only(span: tuple[int, int, str]) -> bool:
        return span[2].startswith("sentence model")

    kind_polite = found.get("apology", []) + found.get("thanks", []) + found.get("empathy", [])
    for label, other in (("blame", "condescension"), ("condescension", "blame")):
        if not found.get(label):
            continue
        rivals = [sp for sp in found.get(other, []) if not model_only(sp)] + [
            sp for sp in kind_polite if not model_only(sp)
        ]
        found[label] = [
            span
            for span in found[label]
            if not model_only(span) or not any(span[0] <= r[0] < span[1] for r in rivals)
        ]
    # ... and the model's empathy does not stand in a sentence the patterns read as a rebuke.
    rebukes = [
        sp for sp in found.get("blame", []) + found.get("condescension", []) if not model_only(sp)
    ]
    if rebukes and found.get("empathy"):
        found["empathy"] = [
            span
            for span in found["empathy"]
            if not model_only(span) or not any(span[0] <= r[0] < span[1] for r in rebukes)
        ]
    # "Thanks so much for yelling at us" thanks nobody: no thanks in a sentence that also
    # blames or talks down to the customer (sarcastic thanks).
    negative = found.get("blame", []) + found.get("condescension", [])
    if negative and found.get("thanks"):
        found["thanks"] = [
            span
            for span in found["thanks"]
            if not any(_same_sentence(text, span[0], n[0]) for n in negative)
        ]
    # "I don't see why you are so worried" acknowledges nothing: no empathy in a sentence
    # that talks down to the customer.
    if found.get("condescension") and found.get("empathy"):
        found["empathy"] = [
            span
            for span in found["empathy"]
            if not any(_same_sentence(text, span[0], c[0]) for c in found["condescension"])
        ]
    # Offering something else only counts when the reply also says no to something (the
    # sentence model learned alternatives from replies that said no, so its flags stay).
    if found.get("alternative_offered") and not found.get("_refusal"):
        found["alternative_offered"] = [
            span for span in found["alternative_offered"] if span[2].startswith("sentence model")
        ]


def pattern_languages(expected: str, scores: Mapping[str, float]) -> tuple[str, ...]:
    """The expected language, plus any other supported one that lingua sees a fair share of.

    A reply written (partly) in another candidate language still gets its apology or
    thanks recognised; a mismatch is reported separately by the language check.
    """
    extra = [
        lang
        for lang, score in scores.items()
        if lang != expected and lang in LEMMA_LANGUAGES and score >= OTHER_LANGUAGE_SHARE
    ]
    return (expected, *extra)


def model_matches(
    model: SentenceModel,
    text: str,
    tokens: Sequence[Token],
    *,
    language: str,
    found: Mapping[str, list[tuple[int, int, str]]],
) -> tuple[dict[str, list[tuple[int, int, str]]], dict[tuple[str, int, int], float]]:
    """Sentences the sentence model flags, by label, and the model's confidence in each.

    A flagged sentence that already holds a pattern match of the same label adds nothing:
    the pattern is the more precise evidence.
    """
    sentences = split_sentences(tokens)
    probabilities = model.sentence_probabilities(text, tokens, sentences, language)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    confidence: dict[tuple[str, int, int], float] = {}
    for label, probs in probabilities.items():
        threshold = model.labels[label].threshold
        for sentence, p in zip(sentences, probs, strict=True):
            if p < threshold:
                continue
            if any(sentence.start <= s < sentence.end for s, _, _ in found.get(label, [])):
                continue
            spans.setdefault(label, []).append((sentence.start, sentence.end, model.name))
            confidence[(label, sentence.start, sentence.end)] = p
    return spans, confidence


def find_signals(
    text: str,
    tokens: Sequence[Token],
    *,
    languages: Sequence[str],
    customer_name: str | None,
    model: SentenceModel | None = None,
) -> tuple[Signal, ...]:
    """Every signal in ``text``, sorted by position.

    ``languages`` names the pattern files to use: the expected language first, then any
    other language the reply is (partly) written in. With a sentence ``model``, the
    sentences it flags are added as evidence for its labels (:mod:`.sentence_model`).
    """
    found: dict[str, list[tuple[int, int, str]]] = {}
    for language in languages:
        rules = load_patterns(language)
        for label, spans in phrase_matches(rules, tokens, lemmas_of(tokens, language)).items():
            found.setdefault(label, []).extend(spans)
    found["customer_name"] = name_matches(tokens, customer_name, language=languages[0])
    found["shouting"] = shouting_matches(text, tokens, languages=languages)
    confidence: dict[tuple[str, int, int], float] = {}
    if model is not None and tokens:
        extra, confidence = model_matches(model, text, tokens, language=languages[0], found=found)
        for label, spans in extra.items():
            found.setdefault(label, []).extend(spans)
    _combine(text, tokens, found)
    signals: list[Signal] = []
    for label in SIGNAL_LABELS:
        if found.get(label):
            signals.extend(_merge(label, found[label], text, confidence))
    signals.sort(key=lambda s: (s.start, s.end, s.label))
    return tuple(signals)
