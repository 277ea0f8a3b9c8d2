from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from servicefit.psychometrics import (
    InvalidResponseError,
    KeyMismatchError,
    ScaleDefinition,
    reverse_score,
    score_scale,
    score_scales,
    standard_error_of_measurement,
)

from .conftest import BFI_REVERSED, BFI_SCALES, read_rows, to_float

# Golden values: psych/bfi_scoreitems_mean.csv, psych::scoreItems on psychTools::bfi
# (R 4.2.2, psych 2.2.9): per-person scale means, reverse keys applied, missing items
# skipped (mean of the answered items).
SCORE_COLUMNS = {
    "A": "agree",
    "C": "conscientious",
    "E": "extraversion",
    "N": "neuroticism",
    "O": "openness",
}


def test_it_matches_psych_score_items_means_on_bfi(bfi, reference_dir):
    scales = [
        ScaleDefinition(
            name=SCORE_COLUMNS[s],
            items=tuple(f"{s}{i}" for i in range(1, 6)),
            reverse=frozenset(f"{s}{i}" for i in range(1, 6)) & BFI_REVERSED,
            minimum=1,
            maximum=6,
            min_answered_share=0.0,
        )
        for s in BFI_SCALES
    ]
    result = score_scales(bfi.responses, bfi.columns, scales)
    expected = read_rows(reference_dir / "psych" / "bfi_scoreitems_mean.csv")
    assert [r["id"] for r in expected] == bfi.ids
    for name in SCORE_COLUMNS.values():
        want = np.array([to_float(r[name]) for r in expected])
        np.testing.assert_allclose(result[name].scores, want, rtol=0, atol=1e-12)


@given(
    arrays(np.float64, st.integers(1, 20), elements=st.integers(1, 7).map(float)),
    st.integers(1, 3),
    st.integers(5, 7),
)
def test_it_returns_the_original_when_reversing_twice(x, lo, hi):
    x = np.clip(x, lo, hi)
    twice = reverse_score(reverse_score(x, minimum=lo, maximum=hi), minimum=lo, maximum=hi)
    np.testing.assert_array_equal(twice, x)


def test_it_reverses_as_min_plus_max_minus_x():
    np.testing.assert_array_equal(reverse_score([1, 2, 5], minimum=1, maximum=5), [5, 4, 1])


def test_it_withholds_a_score_when_too_few_items_are_answered():
    x = np.array([[1, 2, np.nan, np.nan], [1, np.nan, np.nan, np.nan], [4, 4, 4, 4]])
    result = score_scale(x, minimum=1, maximum=5, min_answered_share=0.5)
    np.testing.assert_array_equal(result.n_answered, [2, 1, 4])
    assert result.scores[0] == pytest.approx(1.5)
    assert np.isnan(result.scores[1])
    assert result.scores[2] == 4
    np.testing.assert_array_equal(result.scored, [True, False, True])


def test_it_applies_reverse_keys_before_averaging():
    x = np.array([[1.0, 5.0], [5.0, 1.0]])
    result = score_scale(x, minimum=1, maximum=5, reverse=[False, True])
    np.testing.assert_array_equal(result.scores, [1.0, 5.0])


def test_it_gives_a_band_of_z_times_sem_around_each_score():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 5.0]])
    result = score_scale(x, minimum=1, maximum=5, reliability=0.75, score_sd=2.0)
    assert result.sem == pytest.approx(standard_error_of_measurement(2.0, 0.75)) == 1.0
    np.testing.assert_allclose(result.upper - result.scores, 1.959963984540054)
    np.testing.assert_allclose(result.scores - result.lower, 1.959963984540054)


def test_it_names_the_row_and_item_of_an_out_of_range_response():
    scale = ScaleDefinition("patience", ("P1", "P2"), minimum=1, maximum=5)
    x = np.array([[1.0, 2.0], [3.0, 9.0]])
    with pytest.raises(InvalidResponseError, match=r"row 1, P2: value 9 outside 1-5"):
        score_scales(x, ["P1", "P2"], [scale])


def test_it_refuses_a_scale_with_an_unknown_item():
    scale = ScaleDefinition("patience", ("P1", "P9"))
    with pytest.raises(KeyMismatchError, match="P9"):
        score_scales(np.ones((2, 2)), ["P1", "P2"], [scale])


def test_it_refuses_reverse_keys_outside_the_scale():
    with pytest.raises(KeyMismatchError, match="Q1"):
        ScaleDefinition("patience", ("P1", "P2"), reverse=frozenset({"Q1"}))
