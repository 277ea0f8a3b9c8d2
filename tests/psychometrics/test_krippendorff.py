from __future__ import annotations

import numpy as np
import pytest

from servicefit.psychometrics import (
    InsufficientDataError,
    PsychometricsError,
    krippendorff_alpha,
)

from .conftest import read_rows, to_float

# Golden values: agreement/krippendorff_2011_expected.csv, the 4 coders x 12 units example
# with missing values from Krippendorff (2011), "Computing Krippendorff's alpha-reliability".


@pytest.fixture(scope="module")
def example(reference_dir):
    rows = read_rows(reference_dir / "agreement" / "krippendorff_2011_example.csv")
    return np.array([[to_float(r[f"u{i}"]) for i in range(1, 13)] for r in rows])


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_it_matches_krippendorff_2011_at_every_level(example, reference_dir, level):
    expected = {
        r["level"]: float(r["alpha"])
        for r in read_rows(reference_dir / "agreement" / "krippendorff_2011_expected.csv")
    }
    assert krippendorff_alpha(example, level=level) == pytest.approx(expected[level], abs=1e-9)


def test_it_gives_one_for_perfect_agreement_with_gaps():
    x = np.array([[1, 2, 3, np.nan], [1, 2, 3, 4], [np.nan, 2, 3, 4]])
    assert krippendorff_alpha(x, level="interval") == pytest.approx(1.0)


def test_it_ignores_units_with_a_single_rating():
    x = np.array([[1, 2, 3, 9], [1, 2, 4, np.nan]])
    y = x[:, :3]
    assert krippendorff_alpha(x, level="ordinal") == pytest.approx(
        krippendorff_alpha(y, level="ordinal")
    )


def test_it_refuses_an_unknown_level():
    with pytest.raises(PsychometricsError, match="level"):
        krippendorff_alpha(np.ones((2, 2)), level="cardinal")  # type: ignore[arg-type]


def test_it_refuses_data_without_pairable_units():
    with pytest.raises(InsufficientDataError):
        krippendorff_alpha(np.array([[1.0, np.nan], [np.nan, 2.0]]))
