"""Agreement between the two independent passes over the written-reply development set.

Two people rated and labelled every reply of ``devset/<lang>.yaml`` without seeing each
other's work:

- ratings (1-5 on courtesy, empathy, ownership, clarity, overall): rater a in
  ``ratings/a/<lang>.yaml``, rater b in ``ratings/b/<lang>.yaml``;
- signal labels (``label -> [exact substrings of the reply]``): labeller a in the devset's own
  ``signals`` blocks, labeller b in ``labels/b/<lang>.yaml``.

This script reports, per language and pooled over the languages:

- per rating: Cohen's quadratic weighted kappa between a and b and Krippendorff's alpha
  (ordinal), over the replies both raters rated;
- per signal: percentage agreement and Cohen's (unweighted) kappa on whether the reply shows
  the signal at all, and the span overlap share: among the replies that both labellers marked
  with the signal, the share of evidence spans (a's and b's together) that overlap a span of
  the other labeller. Presence disagreements are counted by kappa only, so the span share
  says whether two people who agree that a signal is there also point at the same words.

Usage (from the project root)::

    .venv/bin/python evaluation/language/agreement.py          # tables
    .venv/bin/python evaluation/language/agreement.py --json   # the same numbers as JSON
    .venv/bin/python evaluation/language/agreement.py --base evaluation/language/testset

"-" (``null`` in JSON) marks a statistic that is undefined, e.g. kappa when both labellers
mark a signal on no reply at all. The statistics are the project's own
(:func:`servicefit.psychometrics.weighted_kappa`, :func:`servicefit.psychometrics.krippendorff_alpha`).
Exit status 0, or 2 when an input file is missing or malformed (the reason is printed).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from servicefit.language import RATING_NAMES, SIGNAL_LABELS
from servicefit.psychometrics import krippendorff_alpha, weighted_kappa
from servicefit.psychometrics.errors import PsychometricsError

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "da", "sv", "nb", "pl")
POOLED = "pooled"
SCALE = range(1, 6)


class InputError(Exception):
    """An input file is missing or does not have the expected structure."""


# --- inputs ---------------------------------------------------------------------------------


def _load(path: Path) -> Any:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    with path.open(encoding="utf-8") as handle:
        try:
            return yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML ({exc})") from None


@dataclass(frozen=True)
class Reply:
    id: str
    text: str
    labels_a: dict[str, list[str]]


def load_devset(base: Path, language: str) -> list[Reply]:
    """The replies of one language with labeller a's signals (the devset's ``signals``):
    ``base/devset/<lang>.yaml``, or ``base/<lang>.yaml`` where there is no ``devset`` folder
    (the unseen test set's layout: ``--base evaluation/language/testset``)."""
    path = base / "devset" / f"{language}.yaml"
    if not path.exists() and (base / f"{language}.yaml").exists():
        path = base / f"{language}.yaml"
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("replies"), list):
        raise InputError(f"{path}: expected a mapping with a 'replies' list")
    replies = []
    for item in data["replies"]:
        signals = item.get("signals") or {}
        replies.append(
            Reply(
                id=str(item["id"]),
                text=str(item["text"]),
                labels_a={str(k): [str(s) for s in v] for k, v in signals.items() if v},
            )
        )
    return replies


def load_ratings(base: Path, rater: str, language: str) -> dict[str, dict[str, int]]:
    """reply id -> rating name -> 1..5 for one rater and language."""
    path = base / "ratings" / rater / f"{language}.yaml"
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("ratings"), dict):
        raise InputError(f"{path}: expected a mapping with a 'ratings' mapping")
    out: dict[str, dict[str, int]] = {}
    for rid, values in data["ratings"].items():
        if not isinstance(values, dict):
            raise InputError(f"{path}: ratings of {rid} are not a mapping")
        out[str(rid)] = {str(k): int(v) for k, v in values.items()}
    return out


def load_labels(base: Path, labeller: str, language: str) -> dict[str, dict[str, list[str]]]:
    """reply id -> label -> evidence substrings, for a labeller with their own label files."""
    path = base / "labels" / labeller / f"{language}.yaml"
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("replies"), dict):
        raise InputError(f"{path}: expected a mapping with a 'replies' mapping")
    out: dict[str, dict[str, list[str]]] = {}
    for rid, labels in data["replies"].items():
        labels = labels or {}
        if not isinstance(labels, dict):
            raise InputError(f"{path}: labels of {rid} are not a mapping")
        out[str(rid)] = {str(k): [str(s) for s in v] for k, v in labels.items() if v}
    return out


# --- statistics -----------------------------------------------------------------------------


def _safe(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def rating_agreement(a: Sequence[int], b: Sequence[int]) -> dict[str, float | int | None]:
    """Quadratic weighted kappa and ordinal Krippendorff's alpha of paired 1-5 ratings."""
    try:
        qwk = weighted_kappa(list(a), list(b), categories=SCALE, weights="quadratic")
    except PsychometricsError:
        qwk = float("nan")
    try:
        alpha = krippendorff_alpha(np.array([a, b], dtype=float), level="ordinal")
    except PsychometricsError:
        alpha = float("nan")
    exact = sum(x == y for x, y in zip(a, b, strict=True)) / len(a) if a else float("nan")
    return {"n": len(a), "qwk": _safe(qwk), "alpha": _safe(alpha), "exact": _safe(exact)}


def presence_agreement(a: Sequence[bool], b: Sequence[bool]) -> dict[str, float | int | None]:
    """Percentage agreement and Cohen's kappa on signal presence (present = 1)."""
    n = len(a)
    agree = sum(x == y for x, y in zip(a, b, strict=True)) / n if n else float("nan")
    try:
        kappa = weighted_kappa(
            [int(x) for x in a], [int(y) for y in b], categories=(0, 1), weights="none"
        )
    except PsychometricsError:
        kappa = float("nan")
    return {
        "n": n,
        "a": sum(a),
        "b": sum(b),
        "both": sum(x and y for x, y in zip(a, b, strict=True)),
        "agreement": _safe(agree),
        "kappa": _safe(kappa),
    }


def _spans(text: str, pieces: Sequence[str]) -> list[tuple[int, int]]:
    spans = []
    for piece in pieces:
        start = text.find(piece)
        if start >= 0:
            spans.append((start, start + len(piece)))
    return spans


def _hits(spans: Sequence[tuple[int, int]], others: Sequence[tuple[int, int]]) -> int:
    return sum(any(s < oe and os_ < e for os_, oe in others) for s, e in spans)


@dataclass
class SpanCount:
    total: int = 0
    hit: int = 0

    def add(self, text: str, a: Sequence[str], b: Sequence[str]) -> None:
        sa, sb = _spans(text, a), _spans(text, b)
        self.total += len(sa) + len(sb)
        self.hit += _hits(sa, sb) + _hits(sb, sa)

    @property
    def share(self) -> float | None:
        return self.hit / self.total if self.total else None


# --- the report -----------------------------------------------------------------------------


def build_report(base: Path = HERE, languages: Sequence[str] = LANGUAGES) -> dict[str, Any]:
    """All agreement figures, as plain data (the ``--json`` output)."""
    rating_pairs: dict[str, dict[str, tuple[list[int], list[int]]]] = {}
    presence: dict[str, dict[str, tuple[list[bool], list[bool]]]] = {}
    spans: dict[str, dict[str, SpanCount]] = {}
    missing: dict[str, list[str]] = {}
    for group in (*languages, POOLED):
        rating_pairs[group] = {name: ([], []) for name in RATING_NAMES}
        presence[group] = {label: ([], []) for label in SIGNAL_LABELS}
        spans[group] = {label: SpanCount() for label in SIGNAL_LABELS}
    for language in languages:
        replies = load_devset(base, language)
        ratings_a = load_ratings(base, "a", language)
        ratings_b = load_ratings(base, "b", language)
        labels_b = load_labels(base, "b", language)
        gaps = missing.setdefault(language, [])
        for reply in replies:
            ra, rb = ratings_a.get(reply.id), ratings_b.get(reply.id)
            if ra is None or rb is None:
                gaps.append(f"{reply.id}: ratings of {'a' if ra is None else 'b'} missing")
            else:
                for name in RATING_NAMES:
                    if name in ra and name in rb:
                        for group in (language, POOLED):
                            rating_pairs[group][name][0].append(ra[name])
                            rating_pairs[group][name][1].append(rb[name])
            if reply.id not in labels_b:
                gaps.append(f"{reply.id}: labels of b missing")
                continue
            la, lb = reply.labels_a, labels_b[reply.id]
            for label in SIGNAL_LABELS:
                for group in (language, POOLED):
                    presence[group][label][0].append(label in la)
                    presence[group][label][1].append(label in lb)
                    if label in la and label in lb:
                        spans[group][label].add(reply.text, la[label], lb[label])
    report: dict[str, Any] = {"languages": list(languages), "groups": {}, "missing": missing}
    for group in (*languages, POOLED):
        report["groups"][group] = {
            "ratings": {
                name: rating_agreement(*rating_pairs[group][name]) for name in RATING_NAMES
            },
            "signals": {
                label: {
                    **presence_agreement(*presence[group][label]),
                    "span_overlap": spans[group][label].share,
                }
                for label in SIGNAL_LABELS
            },
        }
    return report


def _fmt(value: float | None, width: int = 6) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:{width}.2f}"


def render(report: Mapping[str, Any]) -> str:
    """The report as plain-text tables."""
    groups = [*report["languages"], POOLED]
    lines = [
        "Rater agreement a vs b: quadratic weighted kappa / Krippendorff's alpha (ordinal)",
        "",
    ]
    lines.append(f"{'rating':<11}" + "".join(f"{g:>14}" for g in groups))
    for name in RATING_NAMES:
        row = f"{name:<11}"
        for g in groups:
            r = report["groups"][g]["ratings"][name]
            row += f"   {_fmt(r['qwk'], 5)}/{_fmt(r['alpha'], 5)}"
        lines.append(row)
    ns = [report["groups"][g]["ratings"]["overall"]["n"] for g in groups]
    lines.append(f"{'n replies':<11}" + "".join(f"{n:>14}" for n in ns))
    lines += ["", "Labeller agreement a vs b on signal presence: Cohen's kappa per language", ""]
    lines.append(f"{'signal':<20}" + "".join(f"{g:>7}" for g in groups))
    for label in SIGNAL_LABELS:
        row = f"{label:<20}"
        for g in groups:
            row += " " + _fmt(report["groups"][g]["signals"][label]["kappa"])
        lines.append(row)
    lines += ["", "Pooled over the languages, per signal", ""]
    lines.append(
        f"{'signal':<20}{'n':>5}{'a':>5}{'b':>5}{'both':>6}{'agree%':>8}{'kappa':>7}{'span':>7}"
    )
    for label in SIGNAL_LABELS:
        s = report["groups"][POOLED]["signals"][label]
        agree = None if s["agreement"] is None else 100 * s["agreement"]
        lines.append(
            f"{label:<20}{s['n']:>5}{s['a']:>5}{s['b']:>5}{s['both']:>6}"
            f"{_fmt(agree, 8)}{_fmt(s['kappa'], 7)}{_fmt(s['span_overlap'], 7)}"
        )
    kappas = [
        report["groups"][POOLED]["signals"][label]["kappa"]
        for label in SIGNAL_LABELS
        if report["groups"][POOLED]["signals"][label]["kappa"] is not None
    ]
    if kappas:
        lines.append(f"{'mean kappa':<20}{'':>29}{sum(kappas) / len(kappas):>7.2f}")
    gaps = [g for items in report["missing"].values() for g in items]
    if gaps:
        lines += ["", f"Left out ({len(gaps)}):", *(f"  {g}" for g in gaps)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--base",
        type=Path,
        default=HERE,
        help="folder holding devset/ (or <lang>.yaml), ratings/ and labels/ (default: this "
        "script's folder; evaluation/language/testset for the unseen test set)",
    )
    parser.add_argument(
        "--languages",
        default=",".join(LANGUAGES),
        help=f"comma-separated languages (default: {','.join(LANGUAGES)})",
    )
    args = parser.parse_args(argv)
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    try:
        report = build_report(args.base, languages)
    except InputError as exc:
        print(f"agreement: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
