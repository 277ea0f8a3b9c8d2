"""Does fine-tuning the e5 encoder lift blame and condescension held out? (issue 14)

An experiment, not part of the product: it needs ``torch`` (never a project dependency;
install it in a separate virtual environment, see ``finetune_preregistration.md``), and it
imports torch only here. The shipped e5 sentence model reads *frozen* multilingual-e5-small
sentence embeddings (the first 6 of 12 layers, :mod:`servicefit.language.e5encoder`). This
script re-implements those layers in torch from the same float32 matrices, trains a LoRA
adapter (rank 8) on the top two of them jointly with a multi-label sentence head, and judges
the shipped pipeline (:func:`servicefit.language.train.train_models`, thresholds and all) on
the adapted embeddings leaving one situation out, beside the shipped e5 system and an
unadapted float32 control computed in the same run. Hyperparameters and the ship rule were
fixed before the held-out run (``finetune_preregistration.md``).

Usage (from the project root, with torch and the project installed in the venv)::

    OPENBLAS_NUM_THREADS=1 /tmp/ft-venv/bin/python evaluation/language/finetune_encoder.py check
    OPENBLAS_NUM_THREADS=1 /tmp/ft-venv/bin/python evaluation/language/finetune_encoder.py \
        time --situation late_delivery      # one fold's adapter training, nothing predicted
    OPENBLAS_NUM_THREADS=1 /tmp/ft-venv/bin/python evaluation/language/finetune_encoder.py \
        run [--systems shipped control adapted] [--situations ...]
    OPENBLAS_NUM_THREADS=1 /tmp/ft-venv/bin/python evaluation/language/finetune_encoder.py report

``run`` writes each fold's held-out predictions to ``evaluation/language/.cache/finetune/``
(so folds can run in separate processes and a run can be resumed); ``report`` pools them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import evaluate as ev  # noqa: E402  (evaluation/language/evaluate.py)

OUT = HERE / ".cache" / "finetune"
#: What a process computes once: the encoder, the frozen lower layers, the shipped encoder.
_SHARED: dict[str, Any] = {}

#: Fixed before any held-out number was computed (finetune_preregistration.md).
HYPERPARAMETERS: dict[str, Any] = {
    "layers": 6,  # encoder layers used (as shipped)
    "adapted": (4, 5),  # layers 5 and 6 (0-based indices)
    "rank": 8,
    "alpha": 16.0,
    "targets": ("q", "v", "up", "down"),
    "lr": 1e-3,
    "head_lr": 1e-2,
    "weight_decay": 0.0,
    "epochs": 4,
    "batch": 32,
    "warmup": 0.1,
    "clip": 1.0,
    "pos_weight_cap": 50.0,
    "seed": 14,
}


# --- the encoder in torch ------------------------------------------------------------------


def _torch() -> Any:
    import torch

    torch.set_num_threads(1)
    return torch


class TorchE5:
    """The first ``layers`` layers of :class:`E5Encoder` in torch (float32, same matrices),
    with optional LoRA adapters on the layers in ``HYPERPARAMETERS["adapted"]``."""

    def __init__(self, encoder: Any) -> None:
        torch = _torch()
        self.torch = torch
        self.enc = encoder
        self.H, self.heads = encoder.hidden, encoder.heads
        self.eps = float(encoder.eps)
        self.layers = [
            {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in layer.items()}
            for layer in encoder._layers
        ]
        self.lora: dict[tuple[int, str], tuple[Any, Any]] = {}

    # LoRA -------------------------------------------------------------------------------
    def add_lora(self, seed: int) -> list[Any]:
        torch = self.torch
        generator = torch.Generator().manual_seed(seed)
        hp = HYPERPARAMETERS
        params = []
        for i in hp["adapted"]:
            layer = self.layers[i]
            shapes = {
                "q": (self.H, self.H),
                "v": (self.H, self.H),
                "up": tuple(layer["up"].shape),
                "down": tuple(layer["down"].shape),
            }
            for name in hp["targets"]:
                d_in, d_out = shapes[name]
                bound = 1.0 / math.sqrt(d_in)  # nn.Linear's kaiming_uniform(a=sqrt(5)) bound
                a = (torch.rand(d_in, hp["rank"], generator=generator) * 2 - 1) * bound
                a.requires_grad_(True)
                b = torch.zeros(hp["rank"], d_out, requires_grad=True)
                self.lora[(i, name)] = (a, b)
                params += [a, b]
        return params

    def _delta(self, i: int, name: str, x: Any) -> Any:
        ab = self.lora.get((i, name))
        if ab is None:
            return None
        scale = HYPERPARAMETERS["alpha"] / HYPERPARAMETERS["rank"]
        return (x @ ab[0]) @ ab[1] * scale

    # forward ----------------------------------------------------------------------------
    def embed_input(self, ids: list[int]) -> np.ndarray:
        """The token embeddings after the embedding LayerNorm (numpy, as E5Encoder)."""
        from servicefit.language.e5encoder import _dequantize

        arr = np.asarray(ids, dtype=np.int64)
        x = (
            _dequantize(self.enc._word[arr], len(ids), self.H)
            + self.enc._position[np.arange(len(ids))]
        )
        return self.enc._norm(x, *self.enc._embedding_norm)

    def layer(self, i: int, x: Any, mask: Any) -> Any:
        """Layer ``i`` over a padded batch x [B, T, H]; mask [B, T] (True = token)."""
        torch = self.torch
        p = self.layers[i]
        H, heads = self.H, self.heads
        d = H // heads
        B, T, _ = x.shape
        qkv = x @ p["qkv"] + p["qkv_b"]
        q, k, v = qkv[..., :H], qkv[..., H : 2 * H], qkv[..., 2 * H :]
        dq, dv = self._delta(i, "q", x), self._delta(i, "v", x)
        if dq is not None:
            q = q + dq
        if dv is not None:
            v = v + dv
        q = q.view(B, T, heads, d).transpose(1, 2)
        k = k.view(B, T, heads, d).transpose(1, 2)
        v = v.view(B, T, heads, d).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
        scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
        context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, T, H)
        x = x + context @ p["out"] + p["out_b"]
        x = torch.nn.functional.layer_norm(x, (H,), p["norm1_w"], p["norm1_b"], self.eps)
        h = x @ p["up"] + p["up_b"]
        du = self._delta(i, "up", x)
        if du is not None:
            h = h + du
        g = torch.nn.functional.gelu(h, approximate="tanh")
        down = g @ p["down"] + p["down_b"]
        dd = self._delta(i, "down", g)
        if dd is not None:
            down = down + dd
        x = x + down
        return torch.nn.functional.layer_norm(x, (H,), p["norm2_w"], p["norm2_b"], self.eps)

    def run(self, x: Any, mask: Any, layers: Sequence[int]) -> Any:
        for i in layers:
            x = self.layer(i, x, mask)
        return x

    def pool(self, x: Any, mask: Any) -> Any:
        m = mask[..., None].to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1)
        return pooled / pooled.norm(dim=1, keepdim=True).clamp_min(1e-6)


class Sentences:
    """Every sentence the experiment embeds: token ids, and the frozen lower layers' output."""

    def __init__(self, model: TorchE5, texts: Sequence[str]) -> None:
        torch = model.torch
        self.model = model
        self.texts = list(dict.fromkeys(texts))
        self.index = {t: i for i, t in enumerate(self.texts)}
        enc = model.enc
        width = enc.max_positions - 2
        self.ids = [[enc.bos, *enc.tokenize("query: " + t)[:width], enc.eos] for t in self.texts]
        lower = range(min(HYPERPARAMETERS["adapted"]))
        self.states: list[Any] = [None] * len(self.texts)
        with torch.no_grad():
            for batch in self.batches(range(len(self.texts)), 64):
                x, mask = self.pad_input(batch)
                x = model.run(x, mask, lower)
                for row, j in enumerate(batch):
                    self.states[j] = x[row, : len(self.ids[j])].clone()

    def batches(self, rows: Sequence[int], size: int) -> list[list[int]]:
        ordered = sorted(rows, key=lambda j: (len(self.ids[j]), j))
        return [ordered[a : a + size] for a in range(0, len(ordered), size)]

    def pad_input(self, batch: Sequence[int]) -> tuple[Any, Any]:
        torch = self.model.torch
        T = max(len(self.ids[j]) for j in batch)
        x = torch.zeros(len(batch), T, self.model.H)
        mask = torch.zeros(len(batch), T, dtype=torch.bool)
        for row, j in enumerate(batch):
            n = len(self.ids[j])
            x[row, :n] = torch.from_numpy(self.model.embed_input(self.ids[j]))
            mask[row, :n] = True
        return x, mask

    def pad_states(self, batch: Sequence[int]) -> tuple[Any, Any]:
        torch = self.model.torch
        T = max(len(self.ids[j]) for j in batch)
        x = torch.zeros(len(batch), T, self.model.H)
        mask = torch.zeros(len(batch), T, dtype=torch.bool)
        for row, j in enumerate(batch):
            n = len(self.ids[j])
            x[row, :n] = self.states[j]
            mask[row, :n] = True
        return x, mask

    def top(self, batch: Sequence[int]) -> Any:
        """Pooled, normalised embeddings of ``batch`` through the (adapted) top layers."""
        x, mask = self.pad_states(batch)
        upper = range(min(HYPERPARAMETERS["adapted"]), HYPERPARAMETERS["layers"])
        return self.model.pool(self.model.run(x, mask, upper), mask)

    def embed_all(self) -> dict[str, np.ndarray]:
        torch = self.model.torch
        out: dict[str, np.ndarray] = {}
        with torch.no_grad():
            for batch in self.batches(range(len(self.texts)), 64):
                vectors = self.top(batch).numpy()
                for row, j in enumerate(batch):
                    out[self.texts[j]] = vectors[row].astype(np.float32)
        return out


# --- data -----------------------------------------------------------------------------------


def load() -> tuple[list[Any], list[Any]]:
    from servicefit.language.training_data import load_devset, shipped_supplement_sentences

    replies = [r for r in load_devset(HERE / "devset") if r.text.strip()]
    return replies, list(shipped_supplement_sentences())


def sentence_text(item: Any, s: Any) -> str:
    return str(item.reply.text[s.start : s.end])


def training_rows(
    items: Sequence[Any], extra: Sequence[Any]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The sentences, labels [n, 6] and label weights [n, 6] the adapter trains on: the e5
    model's training rows in train.train_models (dev set; the supplement batches and weights
    of the e5 model, other labels masked out)."""
    from servicefit.language.sentence_model import MODEL_SIGNALS
    from servicefit.language.train import SUPPLEMENT_BATCHES, SUPPLEMENT_WEIGHTS

    weights = {k: v for k, v in SUPPLEMENT_WEIGHTS["e5"].items() if v > 0}
    batches = SUPPLEMENT_BATCHES["e5"]
    texts, ys, ws = [], [], []
    for item in items:
        for j, s in enumerate(item.sentences):
            texts.append(sentence_text(item, s))
            ys.append([float(item.labels[label][j]) for label in MODEL_SIGNALS])
            ws.append([1.0] * len(MODEL_SIGNALS))
    for item in extra if weights else ():
        if item.reply.batch not in batches:
            continue
        for j, s in enumerate(item.sentences):
            texts.append(sentence_text(item, s))
            ys.append([float(item.labels[label][j]) for label in MODEL_SIGNALS])
            ws.append(
                [
                    weights.get(label, 0.0) if label in (item.reply.trains or ()) else 0.0
                    for label in MODEL_SIGNALS
                ]
            )
    return texts, np.array(ys, dtype=np.float32), np.array(ws, dtype=np.float32)


# --- training -------------------------------------------------------------------------------


def train_adapter(
    model: TorchE5, sents: Sentences, texts: Sequence[str], y: np.ndarray, w: np.ndarray
) -> dict[str, Any]:
    """Train LoRA + head on the rows; returns a log (loss per epoch, seconds)."""
    torch = model.torch
    hp = HYPERPARAMETERS
    torch.manual_seed(hp["seed"])
    rng = np.random.default_rng(hp["seed"])
    lora = model.add_lora(hp["seed"])
    rows = [sents.index[t] for t in texts]
    Y, W = torch.from_numpy(y), torch.from_numpy(w)
    # standardisation of the head's input: the frozen embeddings of the training sentences
    with torch.no_grad():
        frozen = torch.cat([sents.top(b) for b in sents.batches(sorted(set(rows)), 64)])
    mu, sd = frozen.mean(0), frozen.std(0).clamp_min(1e-6)
    head = torch.nn.Linear(model.H, y.shape[1])
    torch.nn.init.zeros_(head.weight)
    torch.nn.init.zeros_(head.bias)
    positives = ((Y > 0) & (W > 0)).sum(0).float()
    negatives = ((Y == 0) & (W > 0)).sum(0).float()
    pos_weight = (negatives / positives.clamp_min(1)).clamp(max=hp["pos_weight_cap"])
    optimiser = torch.optim.AdamW(
        [
            {"params": lora, "lr": hp["lr"]},
            {"params": list(head.parameters()), "lr": hp["head_lr"]},
        ],
        weight_decay=hp["weight_decay"],
    )
    # batches: row positions bucketed by sentence length, order shuffled each epoch
    order = sorted(range(len(rows)), key=lambda r: (len(sents.ids[rows[r]]), r))
    buckets = [order[a : a + hp["batch"]] for a in range(0, len(order), hp["batch"])]
    total = hp["epochs"] * len(buckets)
    warm = max(1, int(hp["warmup"] * total))

    def factor(step: int) -> float:
        return (step + 1) / warm if step < warm else max(0.0, (total - step) / (total - warm))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)
    log: dict[str, Any] = {"rows": len(rows), "steps": total, "loss": []}
    started = time.perf_counter()
    for _epoch in range(hp["epochs"]):
        running, count = 0.0, 0
        for b in rng.permutation(len(buckets)):
            batch = buckets[b]
            emb = sents.top([rows[r] for r in batch])
            logits = head((emb - mu) / sd)
            idx = torch.tensor(batch)
            yb, wb = Y[idx], W[idx]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, yb, pos_weight=pos_weight, reduction="none"
            )
            loss = (loss * wb).sum() / wb.sum().clamp_min(1e-6)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(lora + list(head.parameters()), hp["clip"])
            optimiser.step()
            scheduler.step()
            running += float(loss.detach()) * len(batch)
            count += len(batch)
        log["loss"].append(round(running / count, 4))
    log["seconds"] = round(time.perf_counter() - started, 1)
    log["lora_norm"] = round(
        float(sum((a @ b).norm() ** 2 for a, b in model.lora.values()) ** 0.5), 4
    )
    return log


# --- the pipeline on given embeddings ------------------------------------------------------


class FixedEncoder:
    """Stands in for E5Encoder in :mod:`servicefit.language.sentence_embeddings`: the vectors
    computed here (adapted or not); an unknown text is run through the torch layers."""

    def __init__(self, model: TorchE5, vectors: dict[str, np.ndarray]) -> None:
        self.model, self.vectors, self.unknown = model, vectors, 0

    def query(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.vectors]
        if missing:
            self.unknown += len(missing)
            sents = Sentences(self.model, missing)
            self.vectors.update(sents.embed_all())
        return np.stack([self.vectors[t] for t in texts])


def use_encoder(fixed: FixedEncoder | None) -> None:
    """Route the sentence model's embeddings through ``fixed`` (None: the shipped encoder);
    forget every remembered vector and every prepared feature row."""
    from servicefit.language import sentence_embeddings as se
    from servicefit.language.training_data import shipped_supplement_sentences

    shipped = _SHARED.setdefault("shipped_encoder", se._encoder)
    setattr(se, "_encoder", shipped if fixed is None else (lambda layers, engine: fixed))  # noqa: B010
    se._MEMO.clear()
    for item in shipped_supplement_sentences():
        item.rows.clear()


def prediction_json(pred: Any) -> dict[str, Any]:
    return {
        "labels": sorted(pred.labels),
        "ratings": pred.ratings,
        "features": pred.features,
    }


def prediction_from_json(data: dict[str, Any]) -> Any:
    return ev.Prediction(
        labels=frozenset(data["labels"]),
        ratings=dict(data["ratings"]),
        spans={},
        features=dict(data["features"]),
    )


def shared_sentences(replies: Sequence[Any], extra: Sequence[Any]) -> tuple[Any, Sentences]:
    """The numpy encoder and every sentence's frozen lower-layer states, once per process
    (they do not depend on the fold)."""
    from servicefit.language.e5encoder import E5Encoder
    from servicefit.language.training_data import prepare

    if "sents" not in _SHARED:
        enc = E5Encoder(layers=HYPERPARAMETERS["layers"], engine="numpy")
        texts = [sentence_text(i, s) for i in [*prepare(replies), *extra] for s in i.sentences]
        _SHARED["enc"], _SHARED["sents"] = enc, Sentences(TorchE5(enc), texts)
    return _SHARED["enc"], _SHARED["sents"]


def run_fold(system: str, held: str, replies: Sequence[Any], extra: Sequence[Any]) -> None:
    from servicefit.language.train import EmbeddingCache, train_models
    from servicefit.language.training_data import prepare

    path = OUT / f"{system}-{held}.json"
    if path.is_file():
        print(f"{path.name}: done already", file=sys.stderr)
        return
    started = time.perf_counter()
    train = [r for r in replies if r.situation != held]
    test = [r for r in replies if r.situation == held]
    info: dict[str, Any] = {"system": system, "held_out": held, "train": len(train)}
    if system == "shipped":
        use_encoder(None)
        cache = EmbeddingCache(HERE / ".cache" / "e5.npz")
    else:
        enc, sents = shared_sentences(replies, extra)
        model = TorchE5(enc)  # a fresh model (no adapter) for every fold
        sents.model = model
        if system == "adapted":
            t, y, w = training_rows(prepare(train), extra)
            info["adapter"] = train_adapter(model, sents, t, y, w)
            print(f"  adapter {held}: {info['adapter']}", file=sys.stderr)
        fixed = FixedEncoder(model, sents.embed_all())
        use_encoder(fixed)
        cache = EmbeddingCache(None)
    pattern_labels = ev.cache_fn(lambda r: ev.predict(r, "off").labels)
    fitted = train_models(train, features=("e5",), cache=cache, pattern_labels=pattern_labels)["e5"]
    preds = {r.id: prediction_json(ev.predict(r, fitted)) for r in test}
    if system == "shipped":
        cache.save()
    else:
        info["unknown_texts"] = fixed.unknown
    info["thresholds"] = {k: v.threshold for k, v in fitted.labels.items()}
    info["seconds"] = round(time.perf_counter() - started, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"info": info, "predictions": preds}, indent=1), encoding="utf-8")
    print(f"{system} {held}: {info['seconds']} s", file=sys.stderr)
    use_encoder(None)


# --- commands -------------------------------------------------------------------------------


def check() -> int:
    """The torch forward against E5Encoder (numpy float32) on some sentences."""
    from servicefit.language.e5encoder import E5Encoder

    replies, _ = load()
    texts = [r.text.split(".")[0] for r in replies[::40]][:30]
    enc = E5Encoder(layers=HYPERPARAMETERS["layers"], engine="numpy")
    reference = enc.query(texts)
    model = TorchE5(enc)
    sents = Sentences(model, texts)
    mine = sents.embed_all()
    cos = [float(np.dot(reference[i], mine[t])) for i, t in enumerate(texts)]
    print(
        f"torch vs E5Encoder (numpy float32, 6 layers), {len(texts)} sentences: cosine "
        f"min {min(cos):.6f}, mean {np.mean(cos):.6f}"
    )
    # and a LoRA with B = 0 changes nothing
    model.add_lora(HYPERPARAMETERS["seed"])
    zero = Sentences(model, texts).embed_all()
    diff = max(float(np.abs(zero[t] - mine[t]).max()) for t in texts)
    print(f"with a fresh adapter (B = 0): largest difference {diff:.2e}")
    return 0 if min(cos) > 0.999 else 1


def time_fold(held: str) -> int:
    """Train one fold's adapter (no prediction, nothing held out is looked at)."""
    from servicefit.language.e5encoder import E5Encoder
    from servicefit.language.training_data import prepare

    replies, extra = load()
    started = time.perf_counter()
    model = TorchE5(E5Encoder(layers=HYPERPARAMETERS["layers"], engine="numpy"))
    items = prepare([r for r in replies if r.situation != held])
    all_items = prepare(replies)
    sents = Sentences(
        model, [sentence_text(i, s) for i in [*all_items, *extra] for s in i.sentences]
    )
    print(f"{len(sents.texts)} sentences, lower layers {time.perf_counter() - started:.0f} s")
    t, y, w = training_rows(items, extra)
    log = train_adapter(model, sents, t, y, w)
    print(f"adapter: {log}")
    started = time.perf_counter()
    sents.embed_all()
    print(f"embedding all: {time.perf_counter() - started:.0f} s")
    return 0


def report(systems: Sequence[str]) -> int:
    from servicefit.language import SUPPORTED_LANGUAGES
    from servicefit.language.sentence_model import MODEL_SIGNALS

    replies, _ = load()
    new = [r for r in replies if r.situation not in ev.PATTERN_SITUATIONS]
    situations = sorted({r.situation for r in replies})
    raters = ev.load_ratings(HERE / "ratings")
    means = ev.mean_ratings(raters)
    languages = [lang for lang in SUPPORTED_LANGUAGES if any(r.language == lang for r in replies)]
    scopes: dict[str, ev.Scope] = {}
    qwk: dict[str, dict[str, float]] = {}
    for system in systems:
        preds: dict[str, Any] = {}
        seconds = []
        for held in situations:
            path = OUT / f"{system}-{held}.json"
            if not path.is_file():
                continue
            data = json.loads(path.read_text(encoding="utf-8"))
            seconds.append(data["info"]["seconds"])
            preds.update({k: prediction_from_json(v) for k, v in data["predictions"].items()})
        missing = [r.situation for r in new if r.id not in preds]
        if missing:
            print(f"{system}: folds missing for {sorted(set(missing))}")
            continue
        scope = ev.Scope(system)
        for r in new:
            scope.add(r, preds[r.id])
        if all(r.id in preds for r in replies):
            scope = ev.with_ratings(scope, system, ev.ratings_loso(replies, preds, means))
            qwk[system] = {
                lang: ev.rating_qwk(scope, raters, "overall", lang)[0] for lang in languages
            }
        scopes[system] = scope
        print(f"{system}: {len(seconds)} folds, {sum(seconds):.0f} s")

    def row(name: str, values: Sequence[float]) -> str:
        mean = float(np.mean(values))
        return f"| {name} | " + " ".join(f"{v:.2f}" for v in values) + f" | {mean:.3f} |"

    print("\nLOSO, five new situations pooled; en / da / sv / nb / pl | mean over languages")
    for system, scope in scopes.items():
        print(f"\n{system}")
        for label in MODEL_SIGNALS:
            print(row(label, [scope.f1(lang, label) for lang in languages]))
        print(row("macro-F1 (12 signals)", [scope.macro_f1(lang) for lang in languages]))
        bc = [(scope.f1(lang, "blame") + scope.f1(lang, "condescension")) / 2 for lang in languages]
        print(row("(blame + condescension) / 2", bc))
        if system in qwk:
            print(row("QWK overall (ratings fitted LOSO)", [qwk[system][g] for g in languages]))
    if "shipped" in scopes and "adapted" in scopes:
        s, a = scopes["shipped"], scopes["adapted"]
        d_macro = [a.macro_f1(g) - s.macro_f1(g) for g in languages]

        def bc_of(scope: ev.Scope, g: str) -> float:
            return (scope.f1(g, "blame") + scope.f1(g, "condescension")) / 2

        d_bc = [bc_of(a, g) - bc_of(s, g) for g in languages]
        print("\nShip rule (adapted against shipped, same run):")
        print(f"  1. mean macro-F1 change {np.mean(d_macro):+.4f} (needs >= +0.02)")
        print(f"  2. mean (blame + condescension)/2 change {np.mean(d_bc):+.4f} (needs >= +0.03)")
        print(
            "  3. largest macro-F1 fall "
            f"{min(d_macro):+.4f} (needs >= -0.01): " + " ".join(f"{d:+.3f}" for d in d_macro)
        )
        met = np.mean(d_macro) >= 0.02 and np.mean(d_bc) >= 0.03 and min(d_macro) >= -0.01
        print(f"  rules 1-3 {'MET' if met else 'NOT MET'} (rule 4, throughput, needs a benchmark)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check")
    t = sub.add_parser("time")
    t.add_argument("--situation", default="late_delivery")
    r = sub.add_parser("run")
    r.add_argument("--systems", nargs="+", default=["shipped", "control", "adapted"])
    r.add_argument("--situations", nargs="+", default=None)
    p = sub.add_parser("report")
    p.add_argument("--systems", nargs="+", default=["shipped", "control", "adapted"])
    args = parser.parse_args(argv)
    if args.command == "check":
        return check()
    if args.command == "time":
        return time_fold(args.situation)
    if args.command == "report":
        return report(args.systems)
    replies, extra = load()
    situations = args.situations or sorted({r.situation for r in replies})
    for system in args.systems:
        for held in situations:
            run_fold(system, held, replies, extra)
    return 0


if __name__ == "__main__":
    sys.exit(main())
