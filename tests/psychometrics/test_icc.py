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


# pingouin 0.7.0's bundled dataset "icc" (8 wines x 4 judges, www.real-statistics.com).
# Expected values from the independent package:
#   pg.intraclass_corr(data=pg.read_dataset("icc"), targets="Wine", raters="Judge",
#                      ratings="Scores")
# ICC(1,1) 0.727521 [0.43, 0.93]; ICC(A,1) 0.727689 [0.43, 0.93]; ICC(C,1) 0.729487
# [0.43, 0.93]; ICC(1,k) 0.914384 [0.75, 0.98]; ICC(A,k) 0.914450 [0.75, 0.98]; ICC(C,k)
# 0.915159 [0.75, 0.98]; F 11.680026 (ICC1, df 7/24) and 11.786693 (the others, df 7/21).
WINES = np.array(
    [
        [1, 2, 0, 1],
        [1, 3, 3, 2],
        [3, 8, 1, 4],
        [6, 4, 3, 3],
        [6, 5, 5, 6],
        [7, 5, 6, 2],
        [8, 7, 7, 9],
        [9, 9, 9, 8],
    ],
    dtype=float,
)
PINGOUIN_WINES = {
    "ICC1": (0.727521, 11.680026, (0.43, 0.93)),
    "ICC2": (0.727689, 11.786693, (0.43, 0.93)),
    "ICC3": (0.729487, 11.786693, (0.43, 0.93)),
    "ICC1k": (0.914384, 11.680026, (0.75, 0.98)),
    "ICC2k": (0.914450, 11.786693, (0.75, 0.98)),
    "ICC3k": (0.915159, 11.786693, (0.75, 0.98)),
}


@pytest.mark.parametrize("type_", ICC_TYPES)
def test_it_matches_pingouin_on_the_wine_judges(type_):
    form = intraclass_correlations(WINES).form(type_)
    icc, f, (lower, upper) = PINGOUIN_WINES[type_]
    assert form.icc == pytest.approx(icc, abs=1e-6)
    assert pytest.approx(f, abs=1e-6) == form.F
    assert (round(form.lower, 2), round(form.upper, 2)) == (lower, upper)


def test_icc2k_past_the_spearman_brown_pole_is_not_a_number_above_one():
    # 4 targets x 2 raters with ICC2 below -1/(k-1) = -1. pingouin 0.7.0 (same formulas as
    # psych::ICC) on these ratings: ICC(A,1) = -1.142857, CI [-1.88, 0.57];
    # ICC(A,k) = 16.0 with CI [4.27, 0.72] -- an "agreement" of 16, a lower bound above the
    # upper one. Spearman-Brown k r / (1 + (k-1) r) has its pole at r = -1, so ICC2k is
    # undefined and its lower bound unbounded.
    result = intraclass_correlations(np.array([[3, 3], [2, 5], [2, 2], [5, 1]], dtype=float))
    icc2, icc2k = result.form("ICC2"), result.form("ICC2k")
    assert icc2.icc == pytest.approx(-1.142857, abs=1e-6)
    assert (round(icc2.lower, 2), round(icc2.upper, 2)) == (-1.88, 0.57)
    assert np.isnan(icc2k.icc)
    assert icc2k.lower == -np.inf
    # the upper bound of ICC2 (0.567) is past the pole: its transform stands
    assert icc2k.upper == pytest.approx(2 * icc2.upper / (1 + icc2.upper), abs=1e-12)


def test_icc2k_lower_bound_past_the_pole_is_minus_infinity_not_above_the_upper_bound():
    # ICC2 = 0 here, its lower bound -1.66 lies past the pole -1: pingouin gives ICC(A,k)
    # CI [5.05, 0.95] on these ratings.
    result = intraclass_correlations(np.array([[3, 2], [3, 4], [3, 2], [3, 4]], dtype=float))
    icc2k = result.form("ICC2k")
    assert icc2k.icc == pytest.approx(0.0, abs=1e-12)
    assert result.form("ICC2").lower == pytest.approx(-1.6559, abs=1e-4)
    assert icc2k.lower == -np.inf
    assert icc2k.upper == pytest.approx(0.9506, abs=1e-4)


def test_the_refusal_says_whether_the_raters_agree_or_only_differ_by_a_constant():
    same = np.array([[1.0, 1.0], [2.0, 2.0], [4.0, 4.0]])
    with pytest.raises(InsufficientDataError, match="perfect agreement, every ICC would be 1"):
        intraclass_correlations(same)
    shifted = np.array([[1.0, 2.0], [2.0, 3.0], [4.0, 5.0]])
    with pytest.raises(InsufficientDataError, match="differ only by a constant"):
        intraclass_correlations(shifted)
