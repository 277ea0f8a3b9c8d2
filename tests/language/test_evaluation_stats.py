"""The agreement statistics of ``evaluation/language/evaluate.py``, against reference values.

Krippendorff's alpha (ordinal) is checked against the worked example of Krippendorff (2011),
"Computing Krippendorff's alpha-reliability", committed in ``tests/golden/agreement``.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import GOLDEN_DIR

ROOT = Path(__file__).resolve().parents[2]


def _reference() -> Path:
    return GOLDEN_DIR


def _evaluate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "servicefit_eval_language", ROOT / "evaluation" / "language" / "evaluate.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


evaluate = _evaluate_module()


def test_krippendorff_alpha_ordinal_matches_the_2011_worked_example() -> None:
    folder = _reference() / "agreement"
    with (folder / "krippendorff_2011_example.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    units = [
        [int(row[unit]) for row in rows if row[unit].strip()] for unit in rows[0] if unit != "coder"
    ]
    with (folder / "krippendorff_2011_expected.csv").open(encoding="utf-8") as handle:
        expected = {row["level"]: float(row["alpha"]) for row in csv.DictReader(handle)}
    assert evaluate.krippendorff_alpha_ordinal(units) == pytest.approx(expected["ordinal"])


def test_quadratic_weighted_kappa_is_one_for_identical_and_negative_for_reversed() -> None:
    a = [1, 2, 3, 4, 5, 3]
    assert evaluate.quadratic_weighted_kappa(a, a) == pytest.approx(1.0)
    assert evaluate.quadratic_weighted_kappa(a, [6 - x for x in a]) < 0


def test_quadratic_weighted_kappa_hand_computed_value() -> None:
    a, b = [1, 1, 2, 2], [1, 2, 2, 2]
    # weights: w12 = w21 = 1; sum w*O = 1; expected E12 = 2*3/4, E21 = 2*1/4 -> sum w*E = 2
    assert evaluate.quadratic_weighted_kappa(a, b, k=2) == pytest.approx(0.5)
