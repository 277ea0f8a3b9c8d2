"""``servicefit stats grm | cat-simulate | dif``: item response theory from CSV files.

* ``grm`` calibrates a graded response model (as R ``mirt(x, 1, itemtype = "graded")``) and
  prints ``{"n", "loglik", "items": [{"item", "a", "b": [...]}], "scores": [{"eap", "se"}]}``
  (``scores`` only with ``--scores``, one per data row in input order).
* ``cat-simulate DATA.csv --items A,B,C --se-stop 0.3 [--min-items 2] [--max-items N] --json``
  calibrates on the file and replays every row through the adaptive test (post-hoc
  simulation, maximum information, EAP, at least 2 items unless told otherwise):
  ``{"n", "mean_items", "pct_saving", "r_with_full", "rmsd"}`` with ``n`` the rows with at
  least one answer, ``pct_saving`` in percent of the answered full form and ``r_with_full``
  and ``rmsd`` against the full-length EAP.
* ``dif`` runs Mantel-Haenszel DIF between the groups of a column: per item and focal group
  the statistic, p, effect size and ETS category A/B/C.

Bad input ends with one ``servicefit: error: ...`` line and exit status 2, as the other
``stats`` commands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from servicefit.cli import CommandError
from servicefit.cli.stats import _add_item_options, _guard, _read_items, dump_json, render_table
from servicefit.psychometrics import GrmFit, eap_scores, fit_grm
from servicefit.psychometrics.cat import CatPool, CatRules, simulate_cat
from servicefit.psychometrics.dif import mantel_haenszel_dif
from servicefit.tabular import MISSING_TOKENS, NumericTable, read_numeric_csv

__all__ = ["register_irt"]

#: ``cat-simulate``'s fewest items per person unless ``--min-items`` says otherwise: one item
#: never reaches a useful SE, and two is what the issue-12 contract and the product use.
DEFAULT_MIN_ITEMS = 2


def _answered_rows(x: np.ndarray) -> np.ndarray:
    return ~np.isnan(x).all(axis=1)


@_guard
def cmd_grm(args: argparse.Namespace) -> int:
    table, x = _read_items(args)
    _require_whole_numbers(table, x)
    fit = fit_grm(x)
    _warn_unconverged(fit, table.columns)
    params = fit.parameters
    items = [
        {
            "item": name,
            "a": float(params.a[j]),
            "b": params.b[j, : len(cats) - 1].tolist(),
            "categories": list(cats),
        }
        for j, (name, cats) in enumerate(zip(table.columns, params.categories, strict=True))
    ]
    _note_skipped_categories(table.columns, params.categories)
    payload: dict[str, Any] = {
        "n": fit.n,
        "loglik": fit.loglik,
        "converged": fit.converged,
        "cycles": fit.cycles,
        "items": items,
    }
    if args.scores:
        scores = eap_scores(params, x)
        payload["scores"] = [
            {"eap": float(t), "se": float(s)} for t, s in zip(scores.theta, scores.se, strict=True)
        ]
    if args.json:
        dump_json(payload)
        return 0
    print(f"Graded response model (n = {fit.n}, log-likelihood = {fit.loglik:.4f})")
    width = max(len(i["b"]) for i in items)
    rows = [[i["item"], i["a"], *i["b"], *["-"] * (width - len(i["b"]))] for i in items]
    print(render_table(["item", "a", *[f"b{k + 1}" for k in range(width)]], rows))
    if args.scores:
        print()
        print(
            render_table(
                ["row", "EAP", "SE"],
                [[r + 1, s["eap"], s["se"]] for r, s in enumerate(payload["scores"])],
            )
        )
    return 0


@_guard
def cmd_cat_simulate(args: argparse.Namespace) -> int:
    table, x = _read_items(args)
    _require_whole_numbers(table, x)
    if not args.se_stop > 0:
        raise _error(f"--se-stop must be positive, got {args.se_stop:g}")
    if args.max_items is not None and args.max_items < 1:
        raise _error(f"--max-items must be at least 1, got {args.max_items}")
    min_items = args.min_items
    if min_items is None:  # the contract's default, never above an explicit --max-items
        min_items = DEFAULT_MIN_ITEMS
        if args.max_items is not None:
            min_items = min(min_items, args.max_items)
    fit = fit_grm(x)
    _warn_unconverged(fit, table.columns)
    rules = CatRules(
        se_stop=args.se_stop,
        min_items=min_items,
        max_items=args.max_items,
        randomesque=args.randomesque,
    )
    rows = x[_answered_rows(x)]
    sim = simulate_cat(CatPool(fit.parameters), rules, rows, rng=np.random.default_rng(args.seed))
    summary = sim.summary()
    if args.json:
        dump_json(summary)
        return 0
    print(f"Post-hoc CAT simulation (n = {sim.n}, {x.shape[1]} items, SE stop {args.se_stop:g})")
    print(
        render_table(
            ["statistic", "value"],
            [
                ["mean items", summary["mean_items"]],
                ["% items saved", summary["pct_saving"]],
                ["r with full length", summary["r_with_full"]],
                ["RMSD", summary["rmsd"]],
            ],
        )
    )
    return 0


def _require_whole_numbers(table: NumericTable, x: np.ndarray) -> None:
    """A graded item's answers are category codes: name the first cell that is not whole."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(x) & (x != np.round(x))
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise CommandError(
            f"{table.locate(row, col)}: {table.data[row, col]:g} is not a whole number; the "
            "graded response model needs answers coded as whole numbers (categories)"
        )


def _note_skipped_categories(columns: Sequence[str], categories: Sequence[Sequence[float]]) -> None:
    """An answer nobody gave between two that were given has no threshold of its own (its
    neighbours' categories are joined, as mirt does): say so, since b1, b2 … then no longer
    sit between the scale points a reader expects."""
    for name, cats in zip(columns, categories, strict=True):
        gaps = [f"{low:g} and {high:g}" for low, high in pairwise(cats) if high - low > 1]
        if gaps:
            print(
                f"note: item {name!r}: nobody answered between {'; '.join(gaps)}, so its "
                f"thresholds b1..b{len(cats) - 1} separate the answers given "
                f"({', '.join(f'{c:g}' for c in cats)})",
                file=sys.stderr,
            )


def _warn_unconverged(fit: GrmFit, columns: Sequence[str]) -> None:
    """One line on stderr when EM stopped at its cycle limit: the estimates are not final
    (``converged`` in the JSON says the same). Names the steepest item, the usual cause."""
    if fit.converged:
        return
    slopes = np.abs(fit.parameters.a)
    j = int(np.argmax(slopes))
    print(
        f"warning: the model did not converge in {fit.cycles} EM cycles; the estimates are not "
        f"final. The steepest item is {columns[j]!r} (a = {fit.parameters.a[j]:.4g}): an item "
        "that splits the people almost perfectly has no finite slope",
        file=sys.stderr,
    )


def _error(message: str) -> CommandError:
    return CommandError(message)


@_guard
def cmd_dif(args: argparse.Namespace) -> int:
    items = [s.strip() for s in args.items.split(",") if s.strip()]
    if len(items) < 2:
        raise _error(f"--items needs at least 2 items, got {len(items)}")
    if args.group in items:
        raise _error(f"--group {args.group!r} is also one of --items")
    table = read_numeric_csv(args.data, columns=items, id_column=args.group, min_rows=2)
    # A missing group ("NA", ".", an empty cell) is no group: those rows are left out.
    groups = ["" if g in MISSING_TOKENS else g for g in table.labels or ()]
    if args.reference is not None and args.reference not in groups:
        raise _error(f"--reference {args.reference!r} is not a value of column {args.group!r}")
    results = mantel_haenszel_dif(
        table.data,
        groups,
        reference=args.reference,
        min_group=args.min_group,
        p_adjust=None if args.p_adjust == "none" else args.p_adjust,
    )
    left_out = _small_groups(table.data, groups, args.min_group)
    payload: dict[str, Any] = {
        "reference": results[0].reference,
        "left_out": left_out,
        "items": [
            {
                "item": items[r.item],
                "focal": r.focal,
                "method": r.method,
                "statistic": r.statistic,
                "df": r.df,
                "p": r.p,
                "p_adjusted": r.p_adjusted,
                "effect_size": r.effect_size,
                "smd": r.smd,
                "delta": r.delta,
                "category": r.category,
                "favours": r.favours,
                "n_reference": r.n_reference,
                "n_focal": r.n_focal,
            }
            for r in results
        ],
    }
    if args.json:
        dump_json(payload)
        return 0
    print(f"Mantel-Haenszel DIF against reference group {payload['reference']!r}")
    print(
        render_table(
            ["item", "focal", "chi2", "p", "effect", "ETS"],
            [
                [i["item"], i["focal"], i["statistic"], i["p"], i["effect_size"], i["category"]]
                for i in payload["items"]
            ],
        )
    )
    for name, size in left_out.items():
        print(
            f"note: group {name!r} left out: {size} complete row{'' if size == 1 else 's'}, "
            f"fewer than --min-group {args.min_group}"
        )
    return 0


def _small_groups(data: np.ndarray, groups: list[str], min_group: int) -> dict[str, int]:
    """Groups below ``min_group`` complete rows, which the analysis leaves out, and their size:
    a focal group that is too small must not vanish from the report without a word."""
    complete = ~np.isnan(data).any(axis=1)
    sizes: dict[str, int] = {}
    for label, ok in zip(groups, complete, strict=True):
        if label:
            sizes[label] = sizes.get(label, 0) + int(ok)
    return {name: n for name, n in sorted(sizes.items()) if n < min_group}


def register_irt(sub: Any) -> None:
    """Add ``grm``, ``cat-simulate`` and ``dif`` to the ``stats`` subcommands."""
    grm = sub.add_parser("grm", help="graded response model (EM, as R mirt) and EAP scores")
    _add_item_options(grm)
    grm.add_argument("--scores", action="store_true", help="also print EAP scores per row")
    grm.set_defaults(func=cmd_grm)

    cat = sub.add_parser("cat-simulate", help="post-hoc adaptive-testing simulation")
    _add_item_options(cat)
    cat.add_argument("--se-stop", type=float, required=True, help="stop at this standard error")
    cat.add_argument(
        "--min-items",
        type=int,
        default=None,
        help=f"fewest items per person ({DEFAULT_MIN_ITEMS}, or --max-items if lower)",
    )
    cat.add_argument("--max-items", type=int, help="most items per person (all)")
    cat.add_argument(
        "--randomesque", type=int, default=1, help="pick among the N most informative (1)"
    )
    cat.add_argument("--seed", type=int, default=1, help="random seed for exposure control")
    cat.set_defaults(func=cmd_cat_simulate)

    dif = sub.add_parser("dif", help="Mantel-Haenszel DIF between groups")
    dif.add_argument("data", metavar="DATA.csv", help="one row per person, one column per item")
    dif.add_argument("--items", required=True, help="comma-separated item columns")
    dif.add_argument("--group", required=True, help="column with each row's group")
    dif.add_argument("--reference", help="reference group (default: the largest)")
    dif.add_argument(
        "--min-group", type=int, default=20, help="smallest group analysed (20 complete rows)"
    )
    dif.add_argument(
        "--p-adjust",
        choices=("none", "bh"),
        default="none",
        help="bh: Benjamini-Hochberg over each focal group's items before the ETS categories "
        "(default none: each item at .05, as difR)",
    )
    dif.add_argument("--json", action="store_true", help="print one JSON object")
    dif.set_defaults(func=cmd_dif)
