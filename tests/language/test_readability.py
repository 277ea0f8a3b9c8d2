"""Length and LIX readability with bands calibrated per language."""

from __future__ import annotations

import pytest

from servicefit.language.readability import lix, lix_band, measure
from servicefit.language.text import tokenize


def test_lix_is_words_per_sentence_plus_percentage_of_long_words() -> None:
    # 10 words, 2 sentences, 3 words longer than six letters: 5 + 30
    assert lix(10, 2, 3) == pytest.approx(35.0)
    assert lix(0, 0, 0) == 0.0


def test_it_measures_words_sentences_and_long_words() -> None:
    text = "Jeg har refunderet fragten. Du modtager pengene indenfor fem hverdage!"
    metrics = measure(text, tokenize(text), language="da")
    assert (metrics.words, metrics.sentences) == (10, 2)
    # more than six letters: refunderet, fragten, modtager, pengene, indenfor, hverdage
    assert metrics.long_words == 6
    assert metrics.lix == pytest.approx(10 / 2 + 100 * 6 / 10)


def test_bands_are_shifted_per_language() -> None:
    assert lix_band(47.0, "sv") == "hard"
    assert lix_band(47.0, "pl") == "easy"  # Polish words are long: 47 is a typical reply
    assert lix_band(33.0, "sv") == "easy"
    assert lix_band(33.0, "en") == "medium"
    assert lix_band(33.0, "da") == "medium"


def test_it_classifies_reply_length() -> None:
    assert measure("", (), language="en").length == "empty"
    short = "Sorry about that."
    assert measure(short, tokenize(short), language="en").length == "very_short"
