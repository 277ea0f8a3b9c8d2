"""Speed of the written-reply analysis on one core (``make bench``).

Runs :func:`servicefit.language.analyze_reply` (the default path: language detection,
signals, readability, ratings; no embeddings) over the development-set replies, pinned to
CPU 0, and prints replies per second next to two baselines measured in the same run: lingua
language detection alone, and a naive regex pass over the same texts. Target: at least 200
replies per second for the default path.

Usage: ``.venv/bin/python benchmarks/bench_language.py [--seconds 3]``
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

from servicefit.language import analyze_reply
from servicefit.language.detect import _detector, detect_language

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "evaluation" / "language" / "devset"
TARGET = 200.0

FALLBACK = [
    ("en", "Dear Sarah, I'm so sorry your order was late. I have refunded the delivery fee."),
    ("da", "Hej Mette, jeg er ked af forsinkelsen. Jeg har refunderet fragten i dag."),
    ("sv", "Hej Karin, förlåt för förseningen. Jag har återbetalat frakten i dag."),
    ("nb", "Hei Ingrid, beklager forsinkelsen. Jeg har refundert frakten i dag."),
    ("pl", "Dzień dobry, bardzo przepraszam za opóźnienie. Zwróciłam koszt dostawy."),
]


def load_corpus() -> list[tuple[str, str, str | None]]:
    corpus: list[tuple[str, str, str | None]] = []
    for path in sorted(DEVSET.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for reply in data.get("replies") or []:
            corpus.append(
                (
                    str(reply.get("expected_language") or data.get("language")),
                    str(reply.get("text") or ""),
                    reply.get("customer_name"),
                )
            )
    return corpus or [(lang, text, None) for lang, text in FALLBACK]


def rate(fn: Callable[[str, str, str | None], object], corpus: Sequence, seconds: float) -> float:
    """Replies per second: whole passes over the corpus until ``seconds`` have passed."""
    done = 0
    start = time.perf_counter()
    while True:
        for language, text, name in corpus:
            fn(language, text, name)
        done += len(corpus)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


_NAIVE = re.compile(r"\b(sorry|thank|undskyld|tak|förlåt|tack|beklager|takk|przepraszam)\w*", re.I)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
        pinned = "pinned to CPU 0"
    else:  # pragma: no cover - macOS/Windows
        pinned = "not pinned (no sched_setaffinity)"
    corpus = load_corpus()
    mean_chars = sum(len(t) for _, t, _ in corpus) / len(corpus)

    # warm up: build the lingua detector, load pattern files and simplemma dictionaries
    t0 = time.perf_counter()
    _detector()
    for language, text, name in corpus:
        analyze_reply(text, expected_language=language, customer_name=name)
    warmup = time.perf_counter() - t0

    def full(language: str, text: str, name: str | None) -> object:
        return analyze_reply(text, expected_language=language, customer_name=name)

    def lingua_only(language: str, text: str, name: str | None) -> object:
        return detect_language(text, expected=language)

    def naive_regex(language: str, text: str, name: str | None) -> object:
        return _NAIVE.findall(text)

    analysis = rate(full, corpus, args.seconds)
    lingua = rate(lingua_only, corpus, args.seconds)
    naive = rate(naive_regex, corpus, args.seconds)

    print(f"Written-reply analysis benchmark ({pinned}, Python {sys.version.split()[0]})")
    print(
        f"corpus: {len(corpus)} replies, mean {mean_chars:.0f} characters; warm-up {warmup:.2f} s"
    )
    print(f"{'path':<42}{'replies/s':>12}{'ratio':>10}")
    print(f"{'analyze_reply (default path)':<42}{analysis:>12.0f}{1.0:>10.2f}")
    print(f"{'baseline: lingua detection alone':<42}{lingua:>12.0f}{lingua / analysis:>10.2f}")
    print(f"{'baseline: naive regex (apology/thanks)':<42}{naive:>12.0f}{naive / analysis:>10.2f}")
    print(
        f"analysis costs {analysis and lingua / analysis:.1f}x lingua detection alone; "
        f"target >= {TARGET:.0f} replies/s: {'met' if analysis >= TARGET else 'NOT met'}"
    )
    return 0 if analysis >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
