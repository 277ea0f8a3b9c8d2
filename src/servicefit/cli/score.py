"""``servicefit score``: batch scale scoring of a response CSV with a scales YAML file.

SCALES.yaml::

    id_column: id            # optional; copied to the output
    min: 1                   # defaults for every scale (each scale may override them)
    max: 5
    min_answered_share: 0.5
    scales:
      patience:
        items: [P1, P2, P3, P4]
        reverse: [P3]
        reliability: 0.78    # optional: adds SEM band columns

The output CSV (``--out``, or stdout) has the id column, then for each scale
``<scale>`` (mean of answered keyed items, empty when too few were answered),
``<scale>_n`` (items answered) and, with a reliability, ``<scale>_lower``/``<scale>_upper``.
Files over 1 MB show a progress bar on stderr (``--progress``/``--no-progress`` to force).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from servicefit.cli import CommandError
from servicefit.cli.stats import dump_json, render_table
from servicefit.psychometrics import PsychometricsError, ScaleDefinition, score_scales
from servicefit.tabular import TabularError, read_numeric_csv

__all__ = ["load_scales", "register"]

PROGRESS_MIN_BYTES = 1_000_000


def _number(value: Any, *, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CommandError(f"{where}: expected a number, got {value!r}")
    return float(value)


def load_scales(path: Path) -> tuple[list[ScaleDefinition], str | None]:
    """Parse SCALES.yaml into scale definitions and the optional id column."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CommandError(f"{path}: invalid YAML: {' '.join(str(exc).split())}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path}: not UTF-8 text") from None
    if not isinstance(doc, Mapping) or not isinstance(doc.get("scales"), Mapping):
        raise CommandError(f"{path}: expected a mapping with a 'scales' mapping")
    defaults = {
        "min": doc.get("min", 1),
        "max": doc.get("max", 5),
        "min_answered_share": doc.get("min_answered_share", 0.5),
    }
    id_column = doc.get("id_column")
    if id_column is not None and not isinstance(id_column, str):
        raise CommandError(f"{path}: id_column must be a column name")
    scales: list[ScaleDefinition] = []
    for name, spec in doc["scales"].items():
        where = f"{path}: scale {name!r}"
        if not isinstance(spec, Mapping):
            raise CommandError(f"{where}: expected a mapping with 'items'")
        items = spec.get("items")
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise CommandError(f"{where}: 'items' must be a list of column names")
        if len(items) < 2:
            raise CommandError(f"{where}: needs at least two items, got {len(items)}")
        reverse = spec.get("reverse", []) or []
        if not isinstance(reverse, list) or not all(isinstance(i, str) for i in reverse):
            raise CommandError(f"{where}: 'reverse' must be a list of column names")
        reliability = spec.get("reliability")
        try:
            scales.append(
                ScaleDefinition(
                    name=str(name),
                    items=tuple(items),
                    reverse=frozenset(reverse),
                    minimum=_number(spec.get("min", defaults["min"]), where=f"{where}: min"),
                    maximum=_number(spec.get("max", defaults["max"]), where=f"{where}: max"),
                    min_answered_share=_number(
                        spec.get("min_answered_share", defaults["min_answered_share"]),
                        where=f"{where}: min_answered_share",
                    ),
                    reliability=None
                    if reliability is None
                    else _number(reliability, where=f"{where}: reliability"),
                )
            )
        except PsychometricsError as exc:
            raise CommandError(f"{path}: {exc}") from None
    if not scales:
        raise CommandError(f"{path}: no scales defined")
    return scales, id_column


class _ProgressBar:
    def __init__(self, label: str, *, width: int = 30) -> None:
        self.label = label
        self.width = width
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        share = min(1.0, done / total) if total else 1.0
        percent = int(share * 100)
        if percent == self.last:
            return
        self.last = percent
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        sys.stderr.write(f"\rreading {self.label} [{bar}] {percent:3d}%")
        if percent == 100:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_score(args: argparse.Namespace) -> int:
    if args.json and not args.out:
        raise CommandError(
            "--json gives the summary of --out FILE; without --out the scores are the CSV on stdout"
        )
    scales, id_column = load_scales(Path(args.scales))
    data = Path(args.data)
    show = args.progress
    if show is None:
        show = data.is_file() and data.stat().st_size >= PROGRESS_MIN_BYTES
    items = list(dict.fromkeys(i for s in scales for i in s.items))
    try:
        table = read_numeric_csv(
            data,
            columns=items,
            id_column=id_column,
            label_column=False if id_column is None else None,
            progress=_ProgressBar(data.name) if show else None,
        )
        for scale in scales:
            table.select(scale.items).check_range(scale.minimum, scale.maximum)
        results = score_scales(table.data, table.columns, scales, check=False)
    except (TabularError, PsychometricsError) as exc:
        raise CommandError(str(exc)) from None
    ids = list(table.labels) if table.labels is not None else [str(n) for n in table.lines]

    header = [id_column or "line"]
    columns: list[np.ndarray] = []
    for scale in scales:
        r = results[scale.name]
        header += [scale.name, f"{scale.name}_n"]
        columns += [r.scores, r.n_answered]
        if scale.reliability is not None:
            header += [f"{scale.name}_lower", f"{scale.name}_upper"]
            columns += [r.lower, r.upper]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    text_cols = [_column_text(c) for c in columns]
    for i, ident in enumerate(ids):
        writer.writerow([ident, *(c[i] for c in text_cols)])
    if args.out:
        try:
            Path(args.out).write_text(buffer.getvalue(), encoding="utf-8")
        except OSError as exc:
            reason = "no such directory" if isinstance(exc, FileNotFoundError) else exc.strerror
            raise CommandError(f"{args.out}: cannot write ({reason})") from None
        summary = [
            [
                s.name,
                int(results[s.name].scored.sum()),
                len(ids) - int(results[s.name].scored.sum()),
                float(np.nanmean(results[s.name].scores))
                if results[s.name].scored.any()
                else math.nan,
            ]
            for s in scales
        ]
        if args.json:
            dump_json(
                {
                    "out": str(args.out),
                    "n": len(ids),
                    "scales": {
                        name: {"scored": scored, "withheld": withheld, "mean": mean}
                        for name, scored, withheld, mean in summary
                    },
                }
            )
        else:
            print(f"scored {len(ids)} rows from {data} into {args.out}")
            print(render_table(["scale", "scored", "withheld", "mean"], summary))
    else:
        sys.stdout.write(buffer.getvalue())
    return 0


def _column_text(values: np.ndarray) -> list[str]:
    if np.issubdtype(values.dtype, np.integer):
        return [str(int(v)) for v in values]
    return ["" if math.isnan(v) else f"{v:.6g}" for v in values.tolist()]


def register(subparsers: Any) -> None:
    """Add ``score`` to the ``servicefit`` parser."""
    parser = subparsers.add_parser(
        "score",
        help="score scales for many people from a CSV file",
        description=__doc__.split("\n", 1)[1].strip() if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("data", metavar="DATA.csv", help="one row per person, one column per item")
    parser.add_argument(
        "--scales",
        required=True,
        metavar="SCALES.yaml",
        help="scale definitions (format above; docs/scoring.md)",
    )
    parser.add_argument("--out", metavar="scores.csv", help="write scores here (default stdout)")
    parser.add_argument("--json", action="store_true", help="summary as JSON (with --out)")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar on stderr (default: for files over 1 MB)",
    )
    progress.add_argument(
        "--no-progress", dest="progress", action="store_false", help="never show one"
    )
    parser.set_defaults(func=cmd_score)
