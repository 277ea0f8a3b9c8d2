"""The sentence model's training data: labelled replies, and those replies cut into sentences.

The development set (``evaluation/language/devset``) and the training supplement
(``evaluation/language/supplement``) are read into :class:`LabelledReply` records;
:func:`prepare` cuts each into classifiable sentences with their lemmas and gold labels (a
sentence is positive for a label when a labelled evidence substring overlaps it). Used by
:mod:`.train` (fitting), :mod:`.train_ratings` and ``evaluation/language/evaluate.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from servicefit.language.lemmas import lemmas_of
from servicefit.language.sentence_features import FeatureConfig
from servicefit.language.sentence_model import MODEL_SIGNALS
from servicefit.language.sentences import MIN_WORDS, Sentence, split_sentences
from servicefit.language.text import Token, tokenize

#: The training supplement (``evaluation/language/supplement/<lang>.yaml``): short replies
#: written for training only (blame, condescension and their hard negatives, in situations
#: that are not in the development set); see :func:`load_supplement`. Never evaluated on.
SUPPLEMENT_DIR = Path(__file__).resolve().parents[3] / "evaluation" / "language" / "supplement"


@dataclass(frozen=True)
class LabelledReply:
    """One development-set reply with its gold signals (label -> evidence substrings)."""

    id: str
    language: str
    situation: str
    text: str
    customer_name: str | None
    gold: Mapping[str, tuple[str, ...]]
    author: str | None = None
    hard_case: str | None = None
    channel: str | None = None
    #: the model labels this reply is labelled for (``None``: all of them); a supplement reply
    #: is a training row only for these
    trains: tuple[str, ...] | None = None
    #: the supplement batch a supplement reply belongs to (1: ``<lang>.yaml``, 1.4.0; 2:
    #: ``<lang>-2.yaml``, 1.4.3); 0 for a development-set reply
    batch: int = 0


def _situation(reply: Mapping[str, Any]) -> str:
    for key in ("situation", "scenario", "message"):
        if reply.get(key):
            return str(reply[key])
    return "unknown"


def _gold(reply: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """The reply's labelled signals (label -> evidence substrings); empty labels left out."""
    return {
        str(label): tuple(str(s) for s in spans)
        for label, spans in (reply.get("signals") or {}).items()
        if spans
    }


def load_devset(path: Path) -> list[LabelledReply]:
    """Every reply in ``path`` (a folder of YAML files, searched recursively, or one file)."""
    files = [path] if path.is_file() else sorted(path.rglob("*.yaml"))
    replies: list[LabelledReply] = []
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, Mapping) or not isinstance(data.get("replies"), list):
            continue
        language = str(data.get("language") or file.stem)
        for reply in data["replies"]:
            hard = reply.get("hard_case") or reply.get("hard_cases")
            if isinstance(hard, list):
                hard = ",".join(str(h) for h in hard)
            replies.append(
                LabelledReply(
                    id=str(reply.get("id")),
                    language=str(reply.get("expected_language") or language),
                    situation=_situation(reply),
                    text=str(reply.get("text") or ""),
                    customer_name=reply.get("customer_name"),
                    gold=_gold(reply),
                    author=str(reply["author"]) if reply.get("author") else None,
                    hard_case=str(hard) if hard else None,
                    channel=str(reply["channel"]) if reply.get("channel") else None,
                )
            )
    return replies


def load_supplement(
    path: Path | None = None, *, batches: Iterable[int] | None = None
) -> list[LabelledReply]:
    """The training supplement: every ``<lang>.yaml`` and ``<lang>-<batch>.yaml`` in ``path``
    (default :data:`SUPPLEMENT_DIR`; an empty list when it does not exist), only the batches
    in ``batches`` when given.

    Each file is ``{language, batch, labels: [...], replies: [{id, situation, kind, text,
    signals}]}`` (``batch`` absent: 1); ``labels`` are the model labels its replies are
    labelled for exhaustively (a reply without ``signals`` is a negative example for all of
    them), and the replies are training rows for those labels only. Their situations are
    prefixed ``supplement:`` so they can never be taken for a development-set situation."""
    folder = SUPPLEMENT_DIR if path is None else path
    if not folder.is_dir():
        return []
    wanted = None if batches is None else set(batches)
    replies: list[LabelledReply] = []
    for file in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        language = str(data.get("language") or file.stem)
        batch = int(data.get("batch") or 1)
        if wanted is not None and batch not in wanted:
            continue
        trains = tuple(str(label) for label in data.get("labels") or MODEL_SIGNALS)
        for reply in data.get("replies") or []:
            replies.append(
                LabelledReply(
                    id=str(reply["id"]),
                    language=language,
                    situation="supplement:" + str(reply.get("situation") or "unknown"),
                    text=str(reply["text"]),
                    customer_name=None,
                    gold=_gold(reply),
                    trains=trains,
                    batch=batch,
                )
            )
    return replies


@cache
def shipped_supplement() -> tuple[LabelledReply, ...]:
    """The supplement in the repository, read once per process."""
    return tuple(load_supplement())


def supplement_digest(replies: Sequence[LabelledReply]) -> str:
    """A short SHA-1 of the supplement's ids, texts and labels (stored in the model's meta)."""
    h = hashlib.sha1(usedforsecurity=False)
    for r in replies:
        h.update(f"{r.id}\0{r.text}\0{sorted(r.gold.items())}\0{r.trains}\n".encode())
    return h.hexdigest()[:12]


def gold_spans(text: str, evidence: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of the labelled evidence substrings (first occurrence of each)."""
    spans = []
    for piece in evidence:
        start = text.find(piece)
        if start >= 0:
            spans.append((start, start + len(piece)))
    return spans


@dataclass
class ReplySentences:
    """A reply cut into classifiable sentences, with their features and gold labels."""

    reply: LabelledReply
    tokens: tuple[Token, ...]
    sentences: list[Sentence]
    lemmas: list[str] = field(default_factory=list)
    labels: dict[str, list[bool]] = field(default_factory=dict)
    rows: dict[FeatureConfig, tuple[np.ndarray | None, list[dict[int, float]]]] = field(
        default_factory=dict
    )


def prepare(replies: Sequence[LabelledReply]) -> list[ReplySentences]:
    """Sentences (of at least :data:`MIN_WORDS` words), their lemmas and gold labels."""
    prepared = []
    for reply in replies:
        tokens = tokenize(reply.text)
        sentences = [s for s in split_sentences(tokens) if s.words >= MIN_WORDS]
        item = ReplySentences(reply, tokens, sentences, list(lemmas_of(tokens, reply.language)))
        for label in MODEL_SIGNALS:
            spans = gold_spans(reply.text, reply.gold.get(label, ()))
            item.labels[label] = [
                any(s.start < e and b < s.end for b, e in spans) for s in sentences
            ]
        prepared.append(item)
    return prepared


@cache
def shipped_supplement_sentences() -> tuple[ReplySentences, ...]:
    """:func:`prepare` of :func:`shipped_supplement`, once per process: every LOSO fold of the
    evaluation trains with it, and its feature rows are kept between the fits."""
    return tuple(prepare(shipped_supplement()))
