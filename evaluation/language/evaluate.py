"""Evaluate the written-reply analysis against the development set (``make eval-language``).

Prints, per language and per signal, precision, recall and F1 of reply-level signal presence
(and how often the evidence spans overlap the labelled ones); the quadratic weighted kappa
between the suggested and the mean-rater ratings; the agreement between the raters (QWK and
Krippendorff's alpha, ordinal); and the courtesy sign accuracy on TyDiP English.

Usage: ``.venv/bin/python evaluation/language/evaluate.py [--verbose] [--tydip-split test]``.
The TyDiP reference data are committed in ``tests/golden/text/tydip`` (provenance and CC BY 4.0
attribution in ``tests/golden/text/PROVENANCE.md``).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from servicefit.language import (
    RATING_NAMES,
    SIGNAL_LABELS,
    SUPPORTED_LANGUAGES,
    analyze_reply,
)
from servicefit.language.analysis import courtesy_is_polite
from servicefit.psychometrics import krippendorff_alpha, weighted_kappa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGET_F1 = 0.85
TARGET_QWK = 0.6
TARGET_TYDIP = 0.80


def reference_dir() -> Path:
    """The committed golden data (``tests/golden``)."""
    return ROOT / "tests" / "golden"


# --- agreement statistics -------------------------------------------------------------------


def quadratic_weighted_kappa(a: Sequence[int], b: Sequence[int], *, k: int = 5) -> float:
    """Cohen's quadratic weighted kappa on ratings 1..k (:func:`servicefit.psychometrics.weighted_kappa`).

    NaN for fewer than two pairs; 1.0 when both raters give one identical constant rating.
    """
    if len(a) != len(b) or len(a) < 2:
        return float("nan")
    value = weighted_kappa(list(a), list(b), categories=range(1, k + 1))
    if math.isnan(value) and list(a) == list(b):
        return 1.0
    return value


def krippendorff_alpha_ordinal(units: Iterable[Sequence[int]]) -> float:
    """Krippendorff's alpha for ordinal data (:func:`servicefit.psychometrics.krippendorff_alpha`).

    ``units`` lists each unit's ratings (any number of raters); units with fewer than two
    ratings do not pair and are ignored.
    """
    columns = [list(values) for values in units]
    if not any(len(c) >= 2 for c in columns):
        return float("nan")
    raters = max(len(c) for c in columns)
    matrix = np.full((raters, len(columns)), np.nan)
    for j, values in enumerate(columns):
        matrix[: len(values), j] = values
    return float(krippendorff_alpha(matrix, level="ordinal"))


# --- development set ------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    span_gold: int = 0
    span_gold_hit: int = 0
    span_pred: int = 0
    span_pred_hit: int = 0

    def add(self, other: Counts) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        if self.tp + self.fp + self.fn == 0:
            return float("nan")
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    @property
    def span_overlap(self) -> float:
        """Share of labelled and predicted spans that overlap a span of the other side."""
        total = self.span_gold + self.span_pred
        return (self.span_gold_hit + self.span_pred_hit) / total if total else float("nan")


@dataclass
class LanguageReport:
    language: str
    replies: int = 0
    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    suggested: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _spans_of(text: str, evidence: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for piece in evidence:
        start = text.find(piece)
        if start >= 0:
            spans.append((start, start + len(piece)))
    return spans


def _overlaps(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(span[0] < o[1] and o[0] < span[1] for o in others)


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def evaluate_language(path: Path, *, verbose: bool) -> LanguageReport:
    data = load_yaml(path) or {}
    language = str(data.get("language") or path.stem)
    report = LanguageReport(language=language)
    for reply in data.get("replies") or []:
        rid = str(reply.get("id"))
        text = str(reply.get("text") or "")
        gold: dict[str, list[str]] = {
            label: [str(s) for s in (spans or [])]
            for label, spans in (reply.get("signals") or {}).items()
            if spans
        }
        try:
            result = analyze_reply(
                text,
                expected_language=str(reply.get("expected_language") or language),
                customer_name=reply.get("customer_name"),
            )
        except Exception as exc:  # report, never stop the evaluation
            report.errors.append(f"{rid}: {type(exc).__name__}: {exc}")
            continue
        report.replies += 1
        report.suggested[rid] = {name: result.ratings[name].value for name in RATING_NAMES}
        for label in SIGNAL_LABELS:
            predicted = [(s.start, s.end) for s in result.signals_for(label)]
            gold_spans = _spans_of(text, gold.get(label, []))
            c = report.counts[label]
            if predicted and label in gold:
                c.tp += 1
            elif predicted:
                c.fp += 1
                if verbose:
                    shown = "; ".join(text[s:e] for s, e in predicted)
                    print(f"  FP {rid} {label}: {shown}")
            elif label in gold:
                c.fn += 1
                if verbose:
                    print(f"  FN {rid} {label}: {gold[label]}")
            c.span_gold += len(gold_spans)
            c.span_gold_hit += sum(_overlaps(s, predicted) for s in gold_spans)
            c.span_pred += len(predicted)
            c.span_pred_hit += sum(_overlaps(s, gold_spans) for s in predicted)
    return report


def load_ratings(ratings_dir: Path) -> dict[str, dict[str, dict[str, int]]]:
    """rater -> reply id -> rating name -> value."""
    raters: dict[str, dict[str, dict[str, int]]] = {}
    if not ratings_dir.is_dir():
        return raters
    for rater_dir in sorted(p for p in ratings_dir.iterdir() if p.is_dir()):
        merged: dict[str, dict[str, int]] = {}
        for file in sorted(rater_dir.glob("*.yaml")):
            data = load_yaml(file) or {}
            for rid, values in (data.get("ratings") or {}).items():
                merged[str(rid)] = {k: int(v) for k, v in (values or {}).items()}
        raters[rater_dir.name] = merged
    return raters


def _fmt(value: float) -> str:
    return "  -  " if value != value else f"{value:5.2f}"


def print_signal_table(reports: Sequence[LanguageReport]) -> list[str]:
    failures = []
    print("Signals: reply-level presence (P / R / F1), span overlap, labelled replies")
    header = f"{'signal':<20}" + "".join(
        f"{r.language + ' (n=' + str(r.replies) + ')':>32}" for r in reports
    )
    print(header)
    print(f"{'':<20}" + "".join(f"{'P     R     F1  span  n':>32}" for _ in reports))
    for label in SIGNAL_LABELS:
        row = f"{label:<20}"
        for r in reports:
            c = r.counts[label]
            n = c.tp + c.fn
            row += f"{_fmt(c.precision):>10} {_fmt(c.recall)} {_fmt(c.f1)} "
            row += f"{_fmt(c.span_overlap)} {n:>3}"
            if n and (c.f1 != c.f1 or c.f1 < TARGET_F1):
                failures.append(f"{r.language}/{label} F1 {c.f1:.2f}")
            elif not n and c.fp:
                failures.append(f"{r.language}/{label} {c.fp} false positives, no labelled reply")
        print(row)
    row = f"{'micro average':<20}"
    for r in reports:
        total = Counts()
        for c in r.counts.values():
            total.add(c)
        row += f"{_fmt(total.precision):>10} {_fmt(total.recall)} {_fmt(total.f1)} "
        row += f"{_fmt(total.span_overlap)} {'':>3}"
    print(row)
    return failures


def print_rating_agreement(
    reports: Sequence[LanguageReport], raters: dict[str, dict[str, dict[str, int]]]
) -> list[str]:
    failures = []
    print()
    print(
        "Suggested vs. mean rater rating (rounded half up), quadratic weighted kappa; "
        f"raters: {', '.join(raters) or 'none'}"
    )
    print(f"{'rating':<12}" + "".join(f"{r.language:>8}" for r in reports) + f"{'all':>8}")
    for name in RATING_NAMES:
        row = f"{name:<12}"
        all_s: list[int] = []
        all_m: list[int] = []
        for r in reports:
            s_vals, m_vals = [], []
            for rid, suggested in r.suggested.items():
                given = [rt[rid][name] for rt in raters.values() if rid in rt and name in rt[rid]]
                if given:
                    s_vals.append(suggested[name])
                    m_vals.append(int(sum(given) / len(given) + 0.5))
            all_s += s_vals
            all_m += m_vals
            row += f"{_fmt(quadratic_weighted_kappa(s_vals, m_vals)):>8}"
        qwk = quadratic_weighted_kappa(all_s, all_m)
        row += f"{_fmt(qwk):>8}"
        print(row)
        if name == "overall" and (qwk != qwk or qwk < TARGET_QWK):
            failures.append(f"overall QWK {qwk:.2f} (n={len(all_s)})")
    print()
    print("Inter-rater agreement (replies rated by two or more raters)")
    if len(raters) < 2:
        print(f"  needs ratings from two or more raters; found {len(raters)} ({', '.join(raters)})")
    print(f"{'rating':<12}{'pairs':>8}{'QWK(mean of pairs)':>20}{'alpha(ordinal)':>16}")
    for name in RATING_NAMES:
        ids = sorted({rid for rt in raters.values() for rid in rt})
        units = [
            [rt[rid][name] for rt in raters.values() if rid in rt and name in rt[rid]]
            for rid in ids
        ]
        qwks = []
        for (_, ra), (_, rb) in itertools.combinations(raters.items(), 2):
            common = [rid for rid in ids if rid in ra and rid in rb]
            if len(common) >= 2:
                qwks.append(
                    quadratic_weighted_kappa(
                        [ra[i][name] for i in common], [rb[i][name] for i in common]
                    )
                )
        n_units = sum(1 for u in units if len(u) >= 2)
        mean_qwk = sum(qwks) / len(qwks) if qwks else float("nan")
        print(
            f"{name:<12}{n_units:>8}{_fmt(mean_qwk):>20}{_fmt(krippendorff_alpha_ordinal(units)):>16}"
        )
    return failures


def tydip_accuracy(split: str) -> tuple[float, int] | None:
    path = reference_dir() / "text" / "tydip" / f"en_{split}_binary.csv"
    if not path.is_file():
        print(f"\nTyDiP: {path} not found")
        return None
    correct = total = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            score = float(row["score"])
            if score == 0:
                continue
            result = analyze_reply(row["sentence"], expected_language="en")
            correct += courtesy_is_polite(result) == (score > 0)
            total += 1
    return (correct / total if total else float("nan")), total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list false positives/negatives")
    parser.add_argument("--tydip-split", default="test", choices=("test", "train"))
    parser.add_argument("--devset", type=Path, default=HERE / "devset")
    parser.add_argument("--ratings", type=Path, default=HERE / "ratings")
    args = parser.parse_args(argv)

    files = [args.devset / f"{lang}.yaml" for lang in SUPPORTED_LANGUAGES]
    files = [f for f in files if f.is_file()]
    failures: list[str] = []
    reports: list[LanguageReport] = []
    if not files:
        print(f"No development set found in {args.devset}")
    for file in files:
        if args.verbose:
            print(f"[{file.name}]")
        reports.append(evaluate_language(file, verbose=args.verbose))
    if reports:
        failures += print_signal_table(reports)
        for r in reports:
            for err in r.errors:
                print(f"ERROR {err}")
                failures.append(err)
        failures += print_rating_agreement(reports, load_ratings(args.ratings))

    tydip = tydip_accuracy(args.tydip_split)
    if tydip is not None:
        accuracy, n = tydip
        print(f"\nTyDiP English ({args.tydip_split}, n={n}): courtesy sign accuracy {accuracy:.3f}")
        if accuracy < TARGET_TYDIP:
            failures.append(f"TyDiP accuracy {accuracy:.3f}")

    print()
    if failures:
        print(f"Below target ({len(failures)}): " + "; ".join(failures))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
