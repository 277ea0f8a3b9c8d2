"""The pattern mini-language and the shipped pattern files."""

from __future__ import annotations

import pytest

from servicefit.language import SIGNAL_LABELS, SUPPORTED_LANGUAGES, PatternFileError
from servicefit.language.patterns import (
    load_patterns,
    load_patterns_from_mapping,
    match_at,
    parse_pattern,
)
from servicefit.language.signals import lemmas_of
from servicefit.language.text import tokenize


def matches(pattern: str, text: str, language: str = "en") -> bool:
    tokens = tokenize(text)
    lemmas = lemmas_of(tokens, language)
    compiled = parse_pattern("test", pattern)
    return any(match_at(compiled, tokens, lemmas, i) for i in range(len(tokens)))


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_ships_patterns_for_every_phrase_signal(language: str) -> None:
    rules = load_patterns(language)
    phrase_signals = set(SIGNAL_LABELS) - {"customer_name", "shouting"}
    assert phrase_signals <= set(rules.signals)
    assert rules.negators


def test_words_match_surface_forms_and_lemmas() -> None:
    assert matches("apologise", "We apologised twice.")
    assert matches("przepraszać", "Bardzo przepraszamy.", "pl")


def test_prefix_suffix_alternatives_gaps_and_wildcards() -> None:
    assert matches("refund*", "refunding it")
    assert matches("*ed", "I checked")
    assert matches("hi|hello", "Hello there")
    assert matches("sorry ... delay", "sorry about the long delay")
    assert not matches("sorry ... delay", "sorry. The long delay")  # not across sentences
    assert matches("i will _", "I will call")


def test_surface_at_lemma_and_exclusions() -> None:
    assert matches("*ę@*ć", "zwrócę", "pl")
    assert not matches("*ę@*ć", "dostawę", "pl")
    assert not matches("*ę@*ć|!prosić", "proszę", "pl")


def test_sentence_and_text_anchors() -> None:
    assert matches("^ why", "Fine. Why did you do it?")
    assert not matches("^ why", "I wonder why")
    assert not matches("^^ why", "Fine. Why did you do it?")


def test_it_rejects_a_malformed_pattern_file() -> None:
    with pytest.raises(PatternFileError, match="signals"):
        load_patterns_from_mapping({"language": "xx"}, source="xx.yaml")
    with pytest.raises(PatternFileError, match="position"):
        load_patterns_from_mapping(
            {"signals": {"greeting": {"position": "middle", "patterns": ["hi"]}}},
            source="xx.yaml",
        )
    with pytest.raises(PatternFileError, match="starts with"):
        parse_pattern("x", "... sorry")
