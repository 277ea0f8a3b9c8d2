from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from servicefit.psychometrics import ICC_TYPES, InsufficientDataError, intraclass_correlations

from .conftest import read_rows

# Golden values: agreement/icc_shrout_fleiss_1979.csv, psych::ICC(x, lmer = FALSE) on the
# 6 targets x 4 judges example of Shrout & Fleiss (1979) (R 4.2.2, psych 2.2.9).


@pytest.fixture(scope="module")
def shrout_fleiss(reference_dir):
    rows = read_rows(reference_dir / "agreement" / "shrout_fleiss_1979.csv")
    return np.array([[float(r[j]) for j in ("J1", "J2", "J3", "J4")] for r in rows])


@pytest.mark.parametrize("row", range(6))
def test_it_matches_psych_icc_on_shrout_fleiss(shrout_fleiss, reference_dir, row):
    expected = read_rows(reference_dir / "agreement" / "icc_shrout_fleiss_1979.csv")[row]
    form = intraclass_correlations(shrout_fleiss).form(expected["type"])
    for field in ("icc", "F", "df1", "df2", "p", "lower", "upper"):
        assert getattr(form, field) == pytest.approx(float(expected[field]), abs=1e-6), field


def test_it_lists_all_six_forms_in_shrout_fleiss_order(shrout_fleiss):
    result = intraclass_correlations(shrout_fleiss)
    assert tuple(f.type for f in result.forms) == ICC_TYPES
    assert (result.n_targets, result.n_raters) == (6, 4)


def test_it_refuses_perfectly_consistent_ratings_instead_of_dividing_by_zero():
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with pytest.raises(InsufficientDataError, match="no residual variance"):
        intraclass_correlations(x)


def test_it_refuses_incomplete_ratings(shrout_fleiss):
    x = shrout_fleiss.copy()
    x[0, 0] = np.nan
    with pytest.raises(InsufficientDataError, match="complete"):
        intraclass_correlations(x)


@settings(max_examples=50, deadline=None)
@given(
    arrays(
        np.float64,
        st.tuples(st.integers(3, 12), st.integers(2, 5)),
        elements=st.integers(1, 7).map(float),
    ),
    st.randoms(),
)
def test_it_gives_the_same_iccs_when_raters_are_relabelled(x, random):
    try:
        a = intraclass_correlations(x)
    except InsufficientDataError:
        assume(False)  # degenerate data: no target or no residual variance
    order = list(range(x.shape[1]))
    random.shuffle(order)
    b = intraclass_correlations(x[:, order])
    for fa, fb in zip(a.forms, b.forms, strict=True):
        assert fb.icc == pytest.approx(fa.icc, abs=1e-9, nan_ok=True)
        assert pytest.approx(fa.F, rel=1e-9, nan_ok=True) == fb.F


def test_icc2_is_nan_not_huge_when_rater_variance_cancels_target_variance():
    # Rater means differ exactly as much as the targets do: ICC2's denominator is zero.
    result = intraclass_correlations(np.array([[7.0, 1.0], [1.0, 1.0], [1.0, 7.0]]))
    assert np.isnan(result.form("ICC2k").icc)
    near = intraclass_correlations(np.array([[5.0, 1.0], [1.0, 1.0], [1.0, 5.0]]))
    assert np.isnan(near.form("ICC2k").icc) or abs(near.form("ICC2k").icc) < 10
