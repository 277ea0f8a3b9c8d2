"""Per-language phrase patterns: loading the YAML data files and matching them on tokens.

A pattern is a sequence of *elements* separated by spaces. Each token of the reply carries its
lower-cased surface form and its lemma (simplemma, offline); an element matches a token when:

- ``word``: the surface form or the lemma equals ``word``;
- ``word*``: the surface form or the lemma starts with ``word``;
- ``*ending``: the surface form ends with ``ending``;
- ``a|b|c``: any of the alternatives matches;
- ``surface@lemma``: the surface form matches the first rule and the lemma the second
  (``*ę@*ć``: a word ending in "ę" whose lemma is a verb infinitive ending in "ć");
- ``!word`` inside alternatives: excluded (``*ę|!się``: ends with "ę" but is not "się");
- ``_``: any one token (counted like a gap for negation);
- a leading ``^``: the pattern must open a sentence; ``^^``: it must open the reply;
- ``...``: a gap of zero to :data:`MAX_GAP` tokens inside the same sentence.

The files live next to this module in ``patterns/<lang>.yaml``; see ``patterns/README.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property
from importlib import resources
from typing import Any, Literal

import yaml

from servicefit.language.errors import PatternFileError
from servicefit.language.text import Token

MAX_GAP = 3
GAP = "..."
WILDCARD = "_"

Position = Literal["anywhere", "start", "end"]


@dataclass(frozen=True, slots=True)
class Alternative:
    kind: Literal["exact", "prefix", "suffix", "any"]
    value: str
    lemma_rule: Alternative | None = None  # ``surface@lemma``: both must hold

    def test(self, word: str) -> bool:
        """Does this rule accept ``word`` (one string)?"""
        if self.kind == "any":
            return True
        if self.kind == "exact":
            return word == self.value
        if self.kind == "prefix":
            return word.startswith(self.value)
        return word.endswith(self.value)

    def matches(self, lower: str, lemma: str) -> bool:
        if self.lemma_rule is not None:
            return self.test(lower) and self.lemma_rule.test(lemma)
        if self.kind == "suffix":
            return lower.endswith(self.value)
        return self.test(lower) or self.test(lemma)


@dataclass(frozen=True, slots=True)
class Element:
    alternatives: tuple[Alternative, ...]  # empty for a gap
    exclusions: tuple[Alternative, ...] = ()  # ``!word``: never matches these

    @property
    def is_gap(self) -> bool:
        return not self.alternatives

    @property
    def is_wildcard(self) -> bool:
        return len(self.alternatives) == 1 and self.alternatives[0].kind == "any"

    def matches(self, lower: str, lemma: str) -> bool:
        if not any(alt.matches(lower, lemma) for alt in self.alternatives):
            return False
        return not any(alt.matches(lower, lemma) for alt in self.exclusions)


@dataclass(frozen=True, slots=True)
class Pattern:
    label: str
    source: str
    elements: tuple[Element, ...]
    sentence_start: bool = False  # written with a leading "^": must open a sentence
    text_start: bool = False  # written with a leading "^^": must open the reply
    weight: float = 1.0  # for courtesy markers: how many marker units one match is worth


@dataclass(frozen=True, slots=True)
class SignalRules:
    label: str
    negatable: bool
    position: Position
    patterns: tuple[Pattern, ...]


class PatternIndex:
    """Patterns by the word forms their first element accepts, so that a text is read once
    rather than once per pattern: :meth:`candidates` gives, for a token, the patterns that
    could start at it (a superset; :func:`match_at` decides). Exact words and two-letter
    prefixes are looked up; suffixes and one-letter prefixes are tried at every token."""

    def __init__(self, patterns: Sequence[Pattern]) -> None:
        self.patterns = tuple(patterns)
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}  # by the prefix's first two letters
        self._always: list[int] = []
        for k, pattern in enumerate(self.patterns):
            for alt in pattern.elements[0].alternatives:
                if alt.kind == "exact":
                    self._exact.setdefault(alt.value, []).append(k)
                elif alt.kind == "prefix" and len(alt.value) >= 2:
                    self._prefix.setdefault(alt.value[:2], []).append(k)
                else:
                    self._always.append(k)

    def candidates(self, lower: str, lemma: str) -> list[int]:
        """Positions (in :attr:`patterns`) of the patterns whose first element could match a
        token with these forms, in pattern order per look-up (a position may repeat)."""
        found: list[int] = []
        found += self._exact.get(lower, ())
        if lemma != lower:
            found += self._exact.get(lemma, ())
        found += self._prefix.get(lower[:2], ())
        if lemma[:2] != lower[:2]:
            found += self._prefix.get(lemma[:2], ())
        found += self._always
        return found


@dataclass(frozen=True)
class LanguagePatterns:
    """Everything the signal finder needs for one language."""

    language: str
    negators: tuple[Alternative, ...]
    negation_window: int
    negation_after: int
    scope_breakers: frozenset[str]
    signals: Mapping[str, SignalRules]
    courtesy_markers: tuple[Pattern, ...]
    discourtesy_markers: tuple[Pattern, ...]

    @cached_property
    def signal_index(self) -> PatternIndex:
        """Every signal pattern, in file order (the order in which a position's matches win)."""
        return PatternIndex([p for rules in self.signals.values() for p in rules.patterns])

    @cached_property
    def courtesy_index(self) -> PatternIndex:
        return PatternIndex(self.courtesy_markers)

    @cached_property
    def discourtesy_index(self) -> PatternIndex:
        return PatternIndex(self.discourtesy_markers)

    def candidates(self, lower: str, lemma: str) -> list[Pattern]:
        """Signal patterns whose first element could match a token with these forms."""
        index = self.signal_index
        return [index.patterns[k] for k in index.candidates(lower, lemma)]

    def is_negator(self, lower: str, lemma: str) -> bool:
        return any(alt.matches(lower, lemma) for alt in self.negators)


def parse_alternative(text: str) -> Alternative:
    if "@" in text and len(text) > 2:
        surface, lemma = text.split("@", 1)
        base = parse_alternative(surface)
        return Alternative(base.kind, base.value, parse_alternative(lemma))
    if text == WILDCARD:
        return Alternative("any", "")
    if len(text) > 1 and text.endswith("*"):
        return Alternative("prefix", text[:-1])
    if len(text) > 1 and text.startswith("*"):
        return Alternative("suffix", text[1:])
    return Alternative("exact", text)


def parse_pattern(label: str, source: str) -> Pattern:
    elements: list[Element] = []
    parts = source.lower().replace("’", "'").split()
    text_start = bool(parts) and parts[0] == "^^"
    sentence_start = bool(parts) and parts[0] == "^"
    if sentence_start or text_start:
        parts = parts[1:]
    for part in parts:
        if part == GAP:
            elements.append(Element(()))
        else:
            alternatives = [a for a in part.split("|") if a]
            elements.append(
                Element(
                    tuple(parse_alternative(a) for a in alternatives if not a.startswith("!")),
                    tuple(parse_alternative(a[1:]) for a in alternatives if a.startswith("!")),
                )
            )
    if not elements or elements[0].is_gap or elements[0].is_wildcard or elements[-1].is_gap:
        raise PatternFileError(
            f"{label}: pattern {source!r} is empty, starts with _ or ... or ends with ..."
        )
    return Pattern(
        label=label,
        source=source,
        elements=tuple(elements),
        sentence_start=sentence_start,
        text_start=text_start,
    )


def match_at(
    pattern: Pattern, tokens: Sequence[Token], lemmas: Sequence[str], start: int
) -> tuple[int, tuple[int, ...]] | None:
    """Match ``pattern`` starting at token ``start``.

    Returns the index of the last matched token and the indices of the tokens that fell into
    gaps (negation inside a gap counts, a negator written in the pattern does not).
    """
    elements = pattern.elements
    if pattern.sentence_start and not tokens[start].sentence_break_before:
        return None
    if pattern.text_start and start != 0:
        return None

    def walk(e: int, t: int, gaps: tuple[int, ...]) -> tuple[int, tuple[int, ...]] | None:
        element = elements[e]
        if element.is_gap:
            for skip in range(MAX_GAP + 1):
                nxt = t + skip
                if nxt >= len(tokens):
                    return None
                if tokens[nxt].sentence_break_before:
                    return None  # a gap never crosses a sentence boundary
                found = walk(e + 1, nxt, gaps + tuple(range(t, nxt)))
                if found is not None:
                    return found
            return None
        if t >= len(tokens):
            return None
        if e and not elements[e - 1].is_gap and tokens[t].sentence_break_before:
            return None
        if not element.matches(tokens[t].lower, lemmas[t]):
            return None
        if element.is_wildcard:
            gaps = (*gaps, t)
        if e == len(elements) - 1:
            return t, gaps
        return walk(e + 1, t + 1, gaps)

    return walk(0, start, ())


def _as_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PatternFileError(f"{where}: expected a list of strings")
    return value


def _markers(label: str, value: Any, source: str) -> tuple[Pattern, ...]:
    """Marker lists hold pattern strings, or ``{pattern: ..., weight: 2}`` mappings."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PatternFileError(f"{source}: {label}s: expected a list")
    found = []
    for entry in value:
        if isinstance(entry, str):
            found.append(parse_pattern(label, entry))
        elif isinstance(entry, Mapping) and isinstance(entry.get("pattern"), str):
            pattern = parse_pattern(label, entry["pattern"])
            found.append(replace(pattern, weight=float(entry.get("weight", 1.0))))
        else:
            raise PatternFileError(f"{source}: {label}s: bad entry {entry!r}")
    return tuple(found)


def load_patterns_from_mapping(data: Mapping[str, Any], *, source: str) -> LanguagePatterns:
    """Build :class:`LanguagePatterns` from the parsed YAML of one pattern file."""
    if not isinstance(data, Mapping) or not isinstance(data.get("signals"), Mapping):
        raise PatternFileError(f"{source}: expected a mapping with 'language' and 'signals'")
    signals: dict[str, SignalRules] = {}
    for label, spec in data["signals"].items():
        where = f"{source}: signals.{label}"
        if not isinstance(spec, Mapping):
            raise PatternFileError(f"{where}: expected a mapping")
        position = spec.get("position", "anywhere")
        if position not in ("anywhere", "start", "end"):
            raise PatternFileError(f"{where}: position must be anywhere, start or end")
        signals[str(label)] = SignalRules(
            label=str(label),
            negatable=bool(spec.get("negatable", False)),
            position=position,
            patterns=tuple(
                parse_pattern(str(label), p) for p in _as_list(spec.get("patterns"), where)
            ),
        )
    negation = data.get("negation") or {}
    return LanguagePatterns(
        language=str(data.get("language")),
        negators=tuple(
            parse_alternative(n.lower()) for n in _as_list(negation.get("words"), source)
        ),
        negation_window=int(negation.get("window", 3)),
        negation_after=int(negation.get("after", 0)),
        scope_breakers=frozenset(
            w.lower() for w in _as_list(negation.get("scope_breakers"), source)
        ),
        signals=signals,
        courtesy_markers=_markers("courtesy_marker", data.get("courtesy_markers"), source),
        discourtesy_markers=_markers("discourtesy_marker", data.get("discourtesy_markers"), source),
    )


@cache
def load_patterns(language: str) -> LanguagePatterns:
    """Load (once) the shipped pattern file for ``language``."""
    resource = resources.files("servicefit.language") / "patterns" / f"{language}.yaml"
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PatternFileError(f"no pattern file for language {language!r}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PatternFileError(f"patterns/{language}.yaml: {exc}") from exc
    return load_patterns_from_mapping(data, source=f"patterns/{language}.yaml")
