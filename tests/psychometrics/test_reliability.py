from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from servicefit.psychometrics import (
    InsufficientDataError,
    PsychometricsError,
    cronbach_alpha,
    feldt_interval,
    guttman_lambda6,
)

from .conftest import BFI_SCALES, read_rows

# Golden values: tests/golden/psych/bfi_alpha.csv, computed with
# R 4.2.2, psych 2.2.9, psychTools 2.2.9: psych::alpha(bfi[, scale], keys = reversed),
# pairwise-complete (psych's default) and on listwise-complete rows.


@pytest.fixture(scope="module")
def bfi_alpha(reference_dir):
    return {r["scale"]: r for r in read_rows(reference_dir / "psych" / "bfi_alpha.csv")}


@pytest.mark.parametrize("scale", BFI_SCALES)
def test_it_matches_psych_alpha_pairwise_on_bfi(bfi, bfi_alpha, scale):
    expected = bfi_alpha[scale]
    result = cronbach_alpha(bfi.scale(scale), missing="pairwise")
    assert result.raw_alpha == pytest.approx(float(expected["raw_alpha_pairwise"]), abs=1e-6)
    assert result.std_alpha == pytest.approx(float(expected["std_alpha_pairwise"]), abs=1e-6)
    assert result.g6 == pytest.approx(float(expected["G6"]), abs=1e-6)
    assert result.average_r == pytest.approx(float(expected["average_r"]), abs=1e-6)


@pytest.mark.parametrize("scale", BFI_SCALES)
def test_it_matches_psych_alpha_listwise_on_bfi(bfi, bfi_alpha, scale):
    expected = bfi_alpha[scale]
    result = cronbach_alpha(bfi.scale(scale), missing="listwise")
    assert result.n == int(expected["n_listwise"])
    assert result.raw_alpha == pytest.approx(float(expected["raw_alpha_listwise"]), abs=1e-6)
    assert result.std_alpha == pytest.approx(float(expected["std_alpha_listwise"]), abs=1e-6)


def test_it_computes_alpha_if_deleted_as_alpha_of_the_remaining_items(bfi):
    x = bfi.scale("C")
    result = cronbach_alpha(x, missing="listwise")
    for i in range(x.shape[1]):
        rest = np.delete(x, i, axis=1)
        rest = rest[~np.isnan(x).any(axis=1)]
        assert result.alpha_if_deleted[i] == pytest.approx(cronbach_alpha(rest).raw_alpha)


def test_it_computes_corrected_item_total_r_against_the_rest_score(bfi):
    x = bfi.scale("E")
    x = x[~np.isnan(x).any(axis=1)]
    result = cronbach_alpha(x)
    for i in range(x.shape[1]):
        rest = np.delete(x, i, axis=1).sum(axis=1)
        assert result.item_total_r[i] == pytest.approx(np.corrcoef(x[:, i], rest)[0, 1])


def test_it_brackets_alpha_with_the_feldt_interval(bfi):
    result = cronbach_alpha(bfi.scale("N"), missing="listwise")
    assert result.ci_lower < result.raw_alpha < result.ci_upper
    wider = feldt_interval(result.raw_alpha, n=result.n, n_items=5, confidence=0.99)
    assert wider[0] < result.ci_lower and wider[1] > result.ci_upper


def test_it_computes_lambda6_from_a_correlation_matrix():
    r = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]])
    smc = 1 - 1 / np.diag(np.linalg.inv(r))
    assert guttman_lambda6(r) == pytest.approx(1 - (3 - smc.sum()) / r.sum())


def test_it_refuses_a_single_item():
    with pytest.raises(InsufficientDataError, match="at least 2 items"):
        cronbach_alpha(np.arange(10.0).reshape(10, 1))


def test_it_refuses_an_item_without_variance():
    x = np.column_stack([np.ones(10), np.arange(10.0)])
    with pytest.raises(InsufficientDataError, match="variance"):
        cronbach_alpha(x)


def test_it_refuses_an_unknown_missing_option():
    with pytest.raises(PsychometricsError, match="pairwise"):
        cronbach_alpha(np.random.default_rng(1).normal(size=(10, 3)), missing="mean")  # type: ignore[arg-type]


likert = arrays(
    np.float64,
    st.tuples(st.integers(5, 30), st.integers(2, 6)),
    elements=st.integers(1, 5).map(float),
)


def _alpha_or_skip(x: np.ndarray):
    try:
        return cronbach_alpha(x)
    except InsufficientDataError:
        assume(False)  # an item without variance, or a total score without variance
        raise


@settings(max_examples=60, deadline=None)
@given(likert, st.randoms())
def test_it_gives_the_same_alpha_whatever_the_item_order(x, random):
    a = _alpha_or_skip(x)
    order = list(range(x.shape[1]))
    random.shuffle(order)
    b = cronbach_alpha(x[:, order])
    assert b.raw_alpha == pytest.approx(a.raw_alpha, abs=1e-9)
    assert b.std_alpha == pytest.approx(a.std_alpha, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(likert)
def test_it_never_reports_alpha_above_one(x):
    result = _alpha_or_skip(x)
    assert result.raw_alpha <= 1.0 + 1e-12
    assert result.std_alpha <= 1.0 + 1e-12


# pingouin 0.7.0's bundled dataset "cronbach_wide_missing" (12 people x 11 binary items, NaN
# = missing; from www.real-statistics.com). Expected values from the independent package:
#   pg.cronbach_alpha(data=pg.read_dataset("cronbach_wide_missing"))
#     -> (0.732660835214447, [0.435, 0.909])
#   pg.cronbach_alpha(..., nan_policy="listwise") -> (0.8016949152542373, [0.581, 0.933])
# pingouin's listwise interval takes n = 12 (counted before it drops incomplete rows); with the
# 9 rows the alpha rests on, Feldt's interval is 0.533 - 0.947 (ours, as psych::alpha.ci with
# n.obs = 9); feldt_interval(0.80169..., n=12, n_items=11) reproduces pingouin's (0.581, 0.933).
_NA = np.nan
CRONBACH_WIDE_MISSING = np.array(
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
        [_NA, 0, 1, 1, _NA, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],
        [0, 1, _NA, 0, 1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
        [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
        [1, 0, 0, 1, 0, 1, 0, 0, _NA, 0, 0],
        [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
    ]
)


def test_it_matches_pingouin_on_data_with_missing_answers():
    pairwise = cronbach_alpha(CRONBACH_WIDE_MISSING)
    assert pairwise.raw_alpha == pytest.approx(0.732660835214447, abs=1e-9)
    assert (round(pairwise.ci_lower, 3), round(pairwise.ci_upper, 3)) == (0.435, 0.909)
    listwise = cronbach_alpha(CRONBACH_WIDE_MISSING, missing="listwise")
    assert listwise.raw_alpha == pytest.approx(0.8016949152542373, abs=1e-9)
    assert listwise.n == 9
    assert (round(listwise.ci_lower, 3), round(listwise.ci_upper, 3)) == (0.533, 0.947)
    at_12 = feldt_interval(listwise.raw_alpha, n=12, n_items=11)
    assert (round(at_12[0], 3), round(at_12[1], 3)) == (0.581, 0.933)


def test_lambda6_is_not_given_when_there_are_fewer_rows_than_items():
    # 9 complete rows for 11 items: the correlation matrix has rank 8 and every item is a
    # linear combination of the others, so each smc is 1 and lambda 6 came out as ~1.0.
    listwise = cronbach_alpha(CRONBACH_WIDE_MISSING, missing="listwise")
    assert listwise.n == 9
    assert np.isnan(listwise.g6)
    assert listwise.raw_alpha == pytest.approx(0.8016949152542373, abs=1e-9)  # alpha still is
    x = np.random.default_rng(3).normal(size=(8, 10))
    assert np.isnan(cronbach_alpha(x).g6)
    assert not np.isnan(cronbach_alpha(np.random.default_rng(3).normal(size=(80, 10))).g6)


def test_lambda6_refuses_a_singular_correlation_matrix():
    x = np.random.default_rng(5).normal(size=(50, 3))
    x = np.column_stack([x, x.sum(axis=1)])  # the fourth item follows from the others
    with pytest.raises(InsufficientDataError, match="singular"):
        guttman_lambda6(np.corrcoef(x, rowvar=False))
    assert np.isnan(cronbach_alpha(x).g6)


def test_an_item_with_one_decimal_answer_throughout_is_refused():
    # A column of 0.1 has a computed variance of ~1e-33, not 0: alpha and an item-total r of
    # rounding noise (1.6e-17) came out instead of the refusal integer answers get.
    g = np.random.default_rng(1)
    x = np.column_stack([g.normal(size=10), np.full(10, 0.1), g.normal(size=10)])
    with pytest.raises(InsufficientDataError, match="item 1 does not vary"):
        cronbach_alpha(x)
    x[0, 1] = 0.2  # varies only in a row listwise deletion drops
    x[1, 0] = np.nan
    x[0, 2] = np.nan
    assert np.isfinite(cronbach_alpha(x).raw_alpha)  # pairwise, it varies: no refusal
    with pytest.raises(InsufficientDataError, match="item 1 does not vary"):
        cronbach_alpha(x, missing="listwise")


def test_two_items_at_r_minus_one_give_raw_alpha_and_no_standardized_alpha():
    # Was ZeroDivisionError: sum(R) = 1 + 1 - 2 = 0 (a reverse-keyed pair keyed twice).
    x = np.array([[1.0, 3.0], [3.0, 2.0], [5.0, 1.0]])
    result = cronbach_alpha(x)
    # raw alpha = 2 * (1 - (4 + 1) / (4 + 1 - 4)) = -8, by hand from the covariance matrix
    assert result.raw_alpha == pytest.approx(-8.0)
    assert np.isnan(result.std_alpha)


def test_item_statistics_without_a_defined_value_are_nan_without_a_warning():
    # Two rows: every correlation is +-1 and the rest scores of Q0 and C (r = -1 to each
    # other) cancel out; numpy warned "divide by zero" and gave inf.
    x = np.array([[5.0, 1.0, 2.0], [4.0, 3.0, 5.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cronbach_alpha(x)
    assert np.isfinite(result.raw_alpha)
    assert not np.isinf(result.std_alpha_if_deleted).any()
    assert not np.isinf(result.alpha_if_deleted).any()
