"""Cue classes: one feature for the same kind of word in every language."""

from __future__ import annotations

import pytest

from servicefit.language.cue_classes import (
    CUE_CLASSES,
    cue_classes_of,
    cue_features,
    lexicon,
    sentence_cues,
)
from servicefit.language.lemmas import lemmas_of
from servicefit.language.sentence_features import FeatureConfig, _hash, sentence_features
from servicefit.language.sentences import MIN_WORDS, split_sentences
from servicefit.language.text import tokenize

LANGUAGES = ("en", "da", "sv", "nb", "pl")

#: "You should have read the terms" in each language: the same cue classes.
POLITE_BLAME = {
    "en": "You should have read the terms before ordering.",
    "da": "Du burde have læst vilkårene, før du bestilte.",
    "sv": "Du borde ha läst villkoren innan du beställde.",
    "nb": "Du burde ha lest vilkårene før du bestilte.",
    "pl": "Powinien Pan przeczytać regulamin przed zamówieniem.",
}
#: "Thank you so much for the lovely message" (sarcastic thanks) in each language.
SO_MUCH_THANKS = {
    "en": "Thank you so much for the lovely message.",
    "da": "Tusind tak, det var virkelig en dejlig besked.",
    "sv": "Tack så mycket för det underbara meddelandet.",
    "nb": "Takk så mye for den nydelige meldingen.",
    "pl": "Bardzo dziękuję za tak piękną wiadomość.",
}


def _cues(text: str, language: str) -> frozenset[str]:
    tokens = tokenize(text)
    lemmas = list(lemmas_of(tokens, language))
    (sentence,) = split_sentences(tokens)
    return sentence_cues(
        text, tokens, lemmas, sentence.first, sentence.last, sentence.end, language
    )


def test_every_class_has_words_in_every_language() -> None:
    for name, by_language in lexicon().items():
        assert name in CUE_CLASSES
        for language in LANGUAGES:
            assert by_language[language].split(), (name, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_polite_blame_has_the_same_classes_in_every_language(language: str) -> None:
    cues = _cues(POLITE_BLAME[language], language)
    assert {"you", "should", "rules"} <= cues
    assert "thanks" not in cues


@pytest.mark.parametrize("language", LANGUAGES)
def test_effusive_thanks_has_the_same_classes_in_every_language(language: str) -> None:
    cues = _cues(SO_MUCH_THANKS[language], language)
    assert {"thanks", "really"} <= cues
    assert "should" not in cues


def test_words_match_by_lemma_prefix_and_two_word_entries() -> None:
    assert "feel" in cue_classes_of("frustrating", "frustrating", "en")  # prefix frustrat*
    assert "should" in cue_classes_of("musi", "musieć", "pl")  # by the lemma
    assert "negation" in cue_classes_of("won't", "won't", "en")
    assert cue_classes_of("parcel", "parcel", "en") == frozenset()
    assert "obvious" in _cues("Of course the parcel is late.", "en")
    assert "obvious" not in _cues("The course of the parcel is late.", "en")


def test_question_and_exclamation_marks_end_the_sentence() -> None:
    assert "question" in _cues("Did you even read the terms?", "en")
    assert "exclamation" in _cues("Read the terms!", "en")
    assert not {"question", "exclamation"} & _cues("Read the terms.", "en")


def test_features_are_each_class_and_each_pair() -> None:
    assert cue_features({"you", "should"}) == ["cue:should", "cue:you", "cue:should+you"]
    assert cue_features(set()) == []


def test_the_cue_block_adds_features_and_leaves_the_lemma_block_as_it_was() -> None:
    text = "You should have read the terms. We have refunded the fee today."
    tokens = tokenize(text)
    lemmas = list(lemmas_of(tokens, "en"))
    sentences = [s for s in split_sentences(tokens) if s.words >= MIN_WORDS]
    _, plain = sentence_features(FeatureConfig(lemmas=1.0), text, tokens, lemmas, sentences)
    _, cued = sentence_features(
        FeatureConfig(lemmas=1.0, cues=0.5), text, tokens, lemmas, sentences, language="en"
    )
    for own, both in zip(plain, cued, strict=True):
        extra = set(both) - set(own)
        assert extra  # every sentence here has cue classes
        # unit length per block: the cue block's squared weights sum to cues²
        assert sum(both[k] ** 2 for k in extra) == pytest.approx(0.25, rel=0.05)
    # a cue-only model reads the cue block and nothing else
    _, only = sentence_features(
        FeatureConfig(lemmas=0.0, cues=1.0), text, tokens, lemmas, sentences, language="en"
    )
    assert all(only) and not set(only[0]) & set(plain[0])


def test_the_configuration_round_trips_and_older_files_read_as_no_cues() -> None:
    config = FeatureConfig(lemmas=1.0, context=0.5, cues=0.5)
    assert FeatureConfig.from_dict(config.to_dict()) == config
    older = {k: v for k, v in config.to_dict().items() if k != "cues"}
    assert FeatureConfig.from_dict(older).cues == 0.0
    assert FeatureConfig(lemmas=0.0, cues=0.5).sparse
    assert not FeatureConfig(embeddings=True, lemmas=0.0).sparse


def test_with_context_a_sentence_also_reads_its_neighbours_cue_classes_hashed_apart() -> None:
    text = "You should have read the terms. We have refunded the fee today. Thanks so much."
    tokens = tokenize(text)
    lemmas = list(lemmas_of(tokens, "en"))
    sentences = [s for s in split_sentences(tokens) if s.words >= MIN_WORDS]
    assert len(sentences) == 3
    _, alone = sentence_features(
        FeatureConfig(lemmas=0.0, cues=1.0), text, tokens, lemmas, sentences, language="en"
    )
    _, around = sentence_features(
        FeatureConfig(lemmas=0.0, cues=1.0, context=0.5), text, tokens, lemmas, sentences, language="en"
    )  # fmt: skip
    for own, both in zip(alone, around, strict=True):
        assert all(both[k] == pytest.approx(v) for k, v in own.items())
    # the middle sentence gets both neighbours' classes, each block a quarter of the weight
    neighbours = set(around[1]) - set(alone[1])
    assert neighbours
    assert sum(around[1][k] ** 2 for k in neighbours) == pytest.approx(2 * 0.25**2, rel=0.05)
    # "should" is a class of the first sentence only: the second reads it as context
    assert _hash("ccue:should") in around[1]
    assert _hash("ccue:should") not in around[2]
