"""Courtesy and discourtesy markers are looked up through an index of their first words (the
same :class:`PatternIndex` as the signal patterns); it must find exactly what trying every
marker at every token finds (same words, same order)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from servicefit.language.lemmas import lemmas_of
from servicefit.language.patterns import PatternIndex, load_patterns, match_at
from servicefit.language.signals import marker_matches
from servicefit.language.text import tokenize

DEVSET = Path(__file__).resolve().parents[2] / "evaluation" / "language" / "devset"


def every_marker_at_every_token(markers, tokens, lemmas):
    """The reference: the scan the index replaced (each marker once, at its first match)."""
    hits = []
    for pattern in markers:
        for i, token in enumerate(tokens):
            if not pattern.elements[0].matches(token.lower, lemmas[i]):
                continue
            hit = match_at(pattern, tokens, lemmas, i)
            if hit is not None:
                hits.append((" ".join(t.surface for t in tokens[i : hit[0] + 1]), pattern.weight))
                break
    return hits


@pytest.mark.parametrize("language", ["en", "da", "sv", "nb", "pl"])
def test_the_marker_index_finds_what_the_full_scan_finds(language):
    replies = yaml.safe_load((DEVSET / f"{language}.yaml").read_text(encoding="utf-8"))["replies"]
    texts = [r["text"] for r in replies] + [
        "Thanks SO much, genius. Whatever. Please kindly see the attached, dear customer :)",
        "Obviously you did not read it. Kind regards, and please let me know!!!",
    ]
    rules = load_patterns(language)
    found = 0
    for text in texts:
        tokens = tokenize(text)
        lemmas = lemmas_of(tokens, language)
        for index in (rules.courtesy_index, rules.discourtesy_index):
            expected = every_marker_at_every_token(index.patterns, tokens, lemmas)
            assert marker_matches(index, tokens, lemmas) == expected, text
            found += len(expected)
    assert found > 0  # the comparison saw markers, not only empty lists


def test_the_index_also_finds_markers_that_start_with_a_prefix_a_suffix_or_a_lemma():
    """The shipped markers all start with exact words; the pattern language allows more."""
    from servicefit.language.patterns import parse_pattern

    markers = tuple(
        parse_pattern("courtesy_marker", source)
        for source in (
            "thank* you",  # a prefix
            "*ly appreciated",  # a suffix
            "a* lot",  # a one-letter prefix
            "*m@be ... grateful",  # a surface suffix with its lemma, then a gap
            "apologize|apologise",
            "pleas*|!pleased",  # a prefix with an exception
        )
    )
    text = "I am truly grateful, thanks a lot, it is greatly appreciated. Thank you. Please."
    tokens = tokenize(text)
    lemmas = lemmas_of(tokens, "en")
    expected = every_marker_at_every_token(markers, tokens, lemmas)
    assert [words for words, _ in expected] == [
        "Thank you",
        "greatly appreciated",
        "a lot",
        "am truly grateful",
        "Please",
    ]
    assert marker_matches(PatternIndex(markers), tokens, lemmas) == expected
