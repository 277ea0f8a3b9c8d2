"""Choose the training supplement's weights by inner cross-validation only.

``python -m servicefit.language.supplement_search [--features lemma e5] [--batches 1 2]``
applies the rule pre-registered in docs/written-reply-analysis.md ("Supplement 2 (1.4.3)"):

- the inner F1 of a label is the mean, over the leave-one-situation-out training folds of
  the development set (each situation left out once, as the evaluation does), of the best
  inner-CV F1 that :func:`.train.choose_thresholds` finds inside the fold; the inner folds
  hold out whole situations, the supplement's situations included (rule (a));
- per model and label (blame, condescension) the supplement weight comes from
  :data:`GRID` (0 / 0.25 / 0.5 / 1, rule (b)); the best inner F1 wins, ties within
  :data:`TIE` go to the smaller weight;
- "before" is the shipped configuration (:data:`.train.SUPPLEMENT_BATCHES` and
  :data:`.train.SUPPLEMENT_WEIGHTS`); the candidate (the batches given) ships only when the
  mean inner F1 of the searched labels rises by at least :data:`MIN_GAIN` (rule (c)).

The held-out situation of a LOSO fold is never seen, and no held-out figure enters the choice.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from servicefit.language.sentence_features import FeatureConfig
from servicefit.language.train import (
    CONFIGS,
    SUPPLEMENT_BATCHES,
    SUPPLEMENT_WEIGHTS,
    EmbeddingCache,
    choose_thresholds,
    pattern_labels_of,
)
from servicefit.language.training_data import (
    LabelledReply,
    ReplySentences,
    load_devset,
    load_supplement,
    prepare,
)

#: The capped weight grid (rule (b)).
GRID: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0)
#: The labels the supplement is labelled for, and whose weights are searched.
SEARCH_LABELS: tuple[str, ...] = ("blame", "condescension")
#: The minimum rise of the mean inner F1 for a change to ship (rule (c)).
MIN_GAIN = 0.02
#: Inner F1 differences up to this are ties (the smaller weight wins).
TIE = 0.001


def inner_f1(
    items: Sequence[ReplySentences],
    config: FeatureConfig,
    *,
    supplement: Sequence[ReplySentences],
    weights: Mapping[str, float],
    pattern_labels: Callable[[LabelledReply], frozenset[str]],
    cache: EmbeddingCache | None = None,
    labels: Sequence[str] = SEARCH_LABELS,
) -> dict[str, float]:
    """Per label, the mean over the LOSO training folds of the best inner-CV F1, with the
    ``supplement`` weighted per label by ``weights`` (0 or absent: not used)."""
    situations = sorted({item.reply.situation for item in items})
    used = {label: float(w) for label, w in weights.items() if w > 0}
    extra = list(supplement) if used else []
    totals = dict.fromkeys(labels, 0.0)
    for held in situations:
        train = [item for item in items if item.reply.situation != held]
        scores: dict[str, float] = {}
        choose_thresholds(
            train,
            config,
            pattern_labels=pattern_labels,
            cache=cache,
            scores=scores,
            extra=extra,
            extra_weights=used,
            labels=labels,
            hold_out_extra=True,
        )
        for label in labels:
            totals[label] += scores[label]
    return {label: totals[label] / len(situations) for label in labels}


def best_weights(grid_scores: Mapping[float, Mapping[str, float]]) -> dict[str, float]:
    """Per label, the grid weight with the best inner F1 (ties within :data:`TIE`: the
    smaller weight)."""
    labels = next(iter(grid_scores.values())).keys()
    chosen = {}
    for label in labels:
        top = max(scores[label] for scores in grid_scores.values())
        chosen[label] = min(w for w, scores in grid_scores.items() if scores[label] >= top - TIE)
    return chosen


def mean(scores: Mapping[str, float]) -> float:
    return sum(scores.values()) / len(scores)


def ships(before: Mapping[str, float], after: Mapping[str, float]) -> bool:
    """Rule (c): the mean inner F1 rises by at least :data:`MIN_GAIN` (rounding to 1e-9)."""
    return mean(after) - mean(before) >= MIN_GAIN - 1e-9


@dataclass
class SearchResult:
    """One model's search: inner F1 before, per grid weight, and with the chosen weights."""

    features: str
    batches: tuple[int, ...]
    before: dict[str, float]
    grid: dict[float, dict[str, float]]
    weights: dict[str, float]
    after: dict[str, float]

    @property
    def ship(self) -> bool:
        return ships(self.before, self.after)

    def to_dict(self) -> dict[str, object]:
        return {
            "features": self.features,
            "batches": list(self.batches),
            "before": self.before,
            "grid": {str(w): s for w, s in self.grid.items()},
            "weights": self.weights,
            "after": self.after,
            "mean_before": mean(self.before),
            "mean_after": mean(self.after),
            "ship": self.ship,
        }


def search(
    replies: Sequence[LabelledReply],
    supplement: Sequence[LabelledReply],
    features: str,
    *,
    batches: Sequence[int],
    pattern_labels: Callable[[LabelledReply], frozenset[str]],
    cache: EmbeddingCache | None = None,
    log: Callable[[str], None] = lambda _: None,
) -> SearchResult:
    """Run the rule for one model (``features``): "before" with the shipped batches and
    weights, then the grid with ``batches``."""
    config = CONFIGS[features]
    items = prepare(replies)
    shipped_batches = SUPPLEMENT_BATCHES.get(features, ())
    shipped = prepare([r for r in supplement if r.batch in shipped_batches])
    candidate = prepare([r for r in supplement if r.batch in batches])
    before = inner_f1(
        items,
        config,
        supplement=shipped,
        weights=SUPPLEMENT_WEIGHTS.get(features, {}),
        pattern_labels=pattern_labels,
        cache=cache,
    )
    log(f"{features} before {fmt(before)}")
    grid = {}
    for w in GRID:
        grid[w] = inner_f1(
            items,
            config,
            supplement=candidate,
            weights=dict.fromkeys(SEARCH_LABELS, w),
            pattern_labels=pattern_labels,
            cache=cache,
        )
        log(f"{features} weight {w} {fmt(grid[w])}")
    weights = best_weights(grid)
    after = {label: grid[weights[label]][label] for label in SEARCH_LABELS}
    return SearchResult(features, tuple(batches), before, grid, weights, after)


def fmt(scores: Mapping[str, float]) -> str:
    return " ".join(f"{k} {v:.4f}" for k, v in scores.items()) + f" mean {mean(scores):.4f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=Path("evaluation/language/devset"))
    parser.add_argument("--features", nargs="+", choices=tuple(CONFIGS), default=["lemma"])
    parser.add_argument("--batches", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--cache", type=Path, default=Path("evaluation/language/.cache/e5.npz"))
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    replies = load_devset(args.devset)
    if not replies:
        print(f"no labelled replies in {args.devset}", file=sys.stderr)
        return 2
    supplement = load_supplement()
    cache = EmbeddingCache(args.cache)
    memo: dict[tuple[str, str], frozenset[str]] = {}

    def pattern_labels(reply: LabelledReply) -> frozenset[str]:
        key = (reply.language, reply.id)
        if key not in memo:
            memo[key] = pattern_labels_of(reply)
        return memo[key]

    results = []
    for features in args.features:
        result = search(
            replies,
            supplement,
            features,
            batches=args.batches,
            pattern_labels=pattern_labels,
            cache=cache,
            log=lambda line: print(line, flush=True),
        )
        cache.save()
        results.append(result)
        print(
            f"{features}: weights {result.weights}; mean inner F1 {mean(result.before):.4f} -> "
            f"{mean(result.after):.4f} ({mean(result.after) - mean(result.before):+.4f}); "
            f"{'SHIP' if result.ship else 'do not ship'} (rule: >= +{MIN_GAIN})",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps([r.to_dict() for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
