"""Post-hoc CAT simulation of the product's own questionnaire: how many statements it saves.

Usage: ``.venv/bin/python evaluation/measurement/product_cat.py [--n 2000]``.

The questionnaire has 16 competencies of 4 five-point statements each (64 in all,
``content/data/questionnaire.yaml``). Each competency is its own graded-response scale, and
the adaptive questionnaire runs the product's rules on every scale: maximum information at
the EAP estimate, at least 2 statements per competency (``MIN_ITEMS_PER_SCALE``), a random
pick among the 2 most informative (``RANDOMESQUE``), stop at the SE rule. Answers are
simulated for ``n`` candidates from two sets of parameters, each then calibrated on those
answers as ``servicefit manage calibrate`` does and replayed through the rules:

* **prior**: the well-discriminating parameters the product's tests simulate from
  (``tests/measurement/conftest.py``: slopes 1.8-2.8, thresholds -1.8..1.3 around the item);
* **demo**: the answer model of ``servicefit demo`` (``demo_assessments.simulate_assessment``:
  ``agree = round(3.2 + 0.9 * level + N(0, 0.75))`` clipped to 1..5, with each competency's
  level ``0.6 g + 0.8 e`` for a general factor ``g``), which is not a GRM but what the demo
  calibrates on.

Printed as a Markdown table per SE rule: statements given of 64, % saved, mean and lowest r of
the adaptive with the full-length EAP over the 16 competencies, and mean RMSD.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from servicefit.psychometrics import (  # noqa: E402
    CatPool,
    CatRules,
    GrmParameters,
    fit_grm,
    simulate_cat,
    simulate_responses,
)

SCALES, ITEMS = 16, 4
SE_RULES = (0.30, 0.35, 0.40, 0.45, 0.50)
MIN_ITEMS_PER_SCALE = 2  # servicefit.measurement.calibration.MIN_ITEMS_PER_SCALE
RANDOMESQUE = 2  # servicefit.measurement.adaptive.RANDOMESQUE
SEED = 20261206


def prior_parameters() -> GrmParameters:
    """As ``tests/measurement/conftest.known_parameters(4)``."""
    a = np.linspace(1.8, 2.8, ITEMS)
    b = np.tile([-1.8, -0.7, 0.3, 1.3], (ITEMS, 1)) + np.linspace(-0.4, 0.4, ITEMS)[:, None]
    return GrmParameters(a=a, b=b, categories=[(1, 2, 3, 4, 5)] * ITEMS)


def prior_answers(n: int, rng: np.random.Generator) -> list[np.ndarray]:
    params = prior_parameters()
    return [simulate_responses(params, rng.normal(size=n), rng=rng) for _ in range(SCALES)]


def demo_answers(n: int, rng: np.random.Generator) -> list[np.ndarray]:
    g = rng.normal(size=n)
    out = []
    for _ in range(SCALES):
        level = 0.6 * g + 0.8 * rng.normal(size=n)
        noise = rng.normal(0, 0.75, size=(n, ITEMS))
        out.append(np.clip(np.round(3.2 + 0.9 * level[:, None] + noise), 1, 5))
    return out


def simulate(scales: list[np.ndarray], se: float) -> dict[str, float]:
    given = full = 0.0
    rs, rmsds = [], []
    for x in scales:
        fit = fit_grm(x)
        rules = CatRules(se_stop=se, min_items=MIN_ITEMS_PER_SCALE, randomesque=RANDOMESQUE)
        sim = simulate_cat(CatPool(fit.parameters), rules, x, rng=np.random.default_rng(SEED))
        given += float(sim.n_items.sum())
        full += float(sim.n_available.sum())
        rs.append(sim.r_with_full)
        rmsds.append(sim.rmsd)
    n = scales[0].shape[0]
    return {
        "items": given / n,
        "saved": 100.0 * (1.0 - given / full),
        "r": float(np.mean(rs)),
        "r_min": float(np.min(rs)),
        "rmsd": float(np.mean(rmsds)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="simulated candidates (2000)")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    sets = {"prior (a 1.8-2.8)": prior_answers(args.n, rng), "demo": demo_answers(args.n, rng)}
    print(f"n = {args.n} simulated candidates, {SCALES} x {ITEMS} statements, 5 categories")
    print("| parameters | SE stop | statements of 64 | % saved | mean r | lowest r | RMSD |")
    print("|---|---|---|---|---|---|---|")
    for label, scales in sets.items():
        for se in SE_RULES:
            s = simulate(scales, se)
            print(
                f"| {label} | {se:.2f} | {s['items']:.1f} | {s['saved']:.1f} | {s['r']:.3f} "
                f"| {s['r_min']:.3f} | {s['rmsd']:.3f} |"
            )


if __name__ == "__main__":
    main()
