"""Post-hoc CAT simulation on the bfi reference data: items saved versus agreement.

Usage: ``.venv/bin/python evaluation/measurement/cat_simulation.py``. For each item set the
graded response model is calibrated on all 2,800 people (reverse keys applied, missing
answers kept), then every person's real answers are replayed through the adaptive test
(maximum information, EAP, at least 2 items, content balancing of at least one item per
Big-Five scale in the combined sets, where N is reversed as
emotional stability) at several SE stopping rules. Printed as a Markdown
table: mean items, % saved against the answered full form, r and RMSD with the full-length
EAP. Data: tests/golden/psych/bfi.csv (psychTools, GPL; see its PROVENANCE.md).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import csv  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from servicefit.psychometrics import (  # noqa: E402
    CatPool,
    CatRules,
    CatSimulation,
    GrmParameters,
    fit_grm,
    simulate_cat,
    simulate_responses,
)

ROOT = Path(__file__).resolve().parents[2]
REVERSED = {"A1", "C4", "C5", "E1", "E2", "O2", "O5"}
SE_RULES = (0.25, 0.30, 0.35, 0.40)
SETS = {
    "A (5)": "A",
    "C (5)": "C",
    "E (5)": "E",
    "N (5)": "N",
    "O (5)": "O",
    "A+E (10)": "AE",
    "all 25 (N reversed)": "ACENO",
}


def load() -> tuple[list[str], np.ndarray]:
    with (ROOT / "tests" / "golden" / "psych" / "bfi.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    items = [f"{s}{i}" for s in "ACENO" for i in range(1, 6)]
    x = np.array([[np.nan if r[i] == "NA" else float(r[i]) for i in items] for r in rows])
    for j, item in enumerate(items):
        if item in REVERSED:
            x[:, j] = 7 - x[:, j]
    return items, x


def main() -> None:
    items, x = load()
    print("| item set | SE stop | n | mean items | % saved | r with full | RMSD |")
    print("|---|---|---|---|---|---|---|")
    for label, scales in SETS.items():
        cols = [j for j, item in enumerate(items) if item[0] in scales]
        data = x[:, cols].copy()
        if len(scales) > 1:  # a general factor: neuroticism counts against it
            data[:, [k for k, j in enumerate(cols) if items[j][0] == "N"]] *= -1
            data[:, [k for k, j in enumerate(cols) if items[j][0] == "N"]] += 7
        data = data[~np.isnan(data).all(axis=1)]
        fit = fit_grm(data)
        content = tuple(items[j][0] for j in cols)
        minimum = {s: 1 for s in scales} if len(scales) > 1 else {}
        pool = CatPool(fit.parameters, content)
        for se in SE_RULES:
            rules = CatRules(se_stop=se, min_items=2, content_minimum=minimum)
            sim = simulate_cat(pool, rules, data, rng=np.random.default_rng(1))
            row(label, se, sim)
    # For contrast: a long, well-discriminating scale simulated from known parameters.
    rng = np.random.default_rng(20261206)
    truth = GrmParameters(
        a=rng.uniform(1.5, 2.8, 14),
        b=np.sort(rng.normal(0, 0.4, (14, 5)) + np.linspace(-2, 1.5, 5), axis=1),
        categories=[tuple(range(1, 7))] * 14,
    )
    data = simulate_responses(truth, rng.normal(size=2800), rng=rng)
    pool = CatPool(fit_grm(data).parameters)
    for se in SE_RULES:
        sim = simulate_cat(
            pool, CatRules(se_stop=se, min_items=2), data, rng=np.random.default_rng(1)
        )
        row("simulated 14 x 6, a 1.5-2.8", se, sim)


def row(label: str, se: float, sim: CatSimulation) -> None:
    print(
        f"| {label} | {se:.2f} | {sim.n} | {sim.mean_items:.2f} | {sim.pct_saving:.1f} "
        f"| {sim.r_with_full:.3f} | {sim.rmsd:.3f} |"
    )


if __name__ == "__main__":
    main()
